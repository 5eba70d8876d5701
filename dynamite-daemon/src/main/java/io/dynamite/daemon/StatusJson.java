package io.dynamite.daemon;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.core.EngineSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an engine snapshot into the plain maps and lists the status endpoint serves as JSON. */
final class StatusJson {
  private StatusJson() {}

  static Map<String, Object> of(EngineSnapshot s, Map<String, Object> daemon) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", s.at().toString());
    out.put("leader", s.leader());
    out.put("ready", s.ready());
    out.put("daemon", daemon);
    List<Object> services = new ArrayList<>();
    for (EngineSnapshot.ServiceSnapshot svc : s.services()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("service", svc.view().service().toString());
      m.put("running", svc.view().running());
      m.put("starting", svc.view().starting());
      m.put("stopping", svc.view().stopping());
      m.put("min", svc.view().min());
      m.put("max", svc.view().max() == Integer.MAX_VALUE ? null : svc.view().max());
      m.put("backoffUntil", svc.backoffUntil() == null ? null : svc.backoffUntil().toString());
      List<Object> instances = new ArrayList<>();
      for (EngineSnapshot.InstanceSnapshot i : svc.instances()) {
        Map<String, Object> im = new LinkedHashMap<>();
        im.put("unit", i.id().unitName());
        im.put("number", i.number());
        im.put("phase", i.phase());
        im.put("since", i.since().toString());
        instances.add(im);
      }
      m.put("instances", instances);
      services.add(m);
    }
    out.put("services", services);
    List<Object> decisions = new ArrayList<>();
    for (DecisionRecord r : s.recentDecisions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", r.at().toString());
      m.put("policy", r.policyId());
      m.put("direction", r.direction() == null ? "none" : r.direction().name().toLowerCase(java.util.Locale.ROOT));
      m.put("outcome", r.outcome().name());
      m.put("samples", r.samples());
      m.put("lastValue", r.lastValue());
      m.put("reason", r.reason());
      m.put("desired", r.desired());
      m.put("clamps", r.clamps());
      decisions.add(m);
    }
    out.put("recentDecisions", decisions);
    out.put("counters", s.counters());
    return out;
  }
}
