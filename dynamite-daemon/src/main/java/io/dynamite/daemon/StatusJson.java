package io.dynamite.daemon;

import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.core.EngineSnapshot;
import io.dynamite.core.ScalingEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns an engine snapshot and the decision history into the plain maps and lists the status
 * endpoint serves as JSON.
 */
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
      decisions.add(decision(r));
    }
    out.put("recentDecisions", decisions);
    out.put("counters", s.counters());
    return out;
  }

  /** One decision record: what was decided, why, and the counts and policy state it was decided on. */
  static Map<String, Object> decision(DecisionRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", r.at().toString());
    m.put("service", r.service().service().toString());
    m.put("policy", r.policyId());
    m.put("direction", r.direction() == null ? "none" : r.direction().name().toLowerCase(Locale.ROOT));
    m.put("outcome", r.outcome().name());
    m.put("samples", r.samples());
    m.put("lastValue", r.lastValue());
    m.put("reason", r.reason());
    m.put("desired", r.desired());
    m.put("clamps", r.clamps());
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("running", r.service().running());
    before.put("starting", r.service().starting());
    before.put("stopping", r.service().stopping());
    before.put("min", r.service().min());
    before.put("max", r.service().max() == Integer.MAX_VALUE ? null : r.service().max());
    m.put("before", before);
    m.put("policyState", r.policyState());
    return m;
  }

  /**
   * The durable decision history ({@code GET /decisions[?service=NAME]}): per service its records,
   * oldest first, with whether they survive a restart and how many are kept.
   *
   * @param service one service, or null for every scalable service
   * @throws IllegalArgumentException if the service is not configured
   * @throws io.dynamite.api.StateStoreException if a standby cannot read the store
   */
  static Map<String, Object> history(ScalingEngine engine, @Nullable String service) {
    EngineSnapshot s = engine.snapshot();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", s.at().toString());
    out.put("leader", s.leader());
    out.put("durable", engine.decisionHistoryDurable());
    out.put("capacity", engine.decisionHistoryCapacity());
    List<Object> services = new ArrayList<>();
    List<ServiceId> ids = new ArrayList<>();
    if (service != null) {
      ids.add(ServiceId.of(service));
    } else {
      s.services().forEach(svc -> ids.add(svc.view().service()));
    }
    for (ServiceId id : ids) {
      List<Object> records = new ArrayList<>();
      for (DecisionRecord r : engine.decisionHistory(id)) {
        records.add(decision(r));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("service", id.toString());
      m.put("decisions", records);
      services.add(m);
    }
    out.put("services", services);
    return out;
  }
}
