package io.dynamite.core;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitStatus;
import io.dynamite.core.config.ServiceConfig;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The adoption rule for units on the target that the engine does not know, as after a wiped or
 * foreign state store (see {@code docs/reliability.md}, "Adoption"). A unit is the main unit of an
 * adoptable instance of service S only when all of these hold:
 *
 * <ol>
 *   <li>S is a template service, not attached, with {@code adopt_unknown} true (the default);
 *   <li>the unit is named {@code S@<n>.service}, with n written as plain decimal (no sign, no
 *       leading zero);
 *   <li>n belongs to S's numbering: {@code base_instance_prefix_number + k * ports_per_instance}
 *       with {@code 0 <= k < max_instance}, and no instance of the engine holds n;
 *   <li>every attached unit {@code A@<n>.service} of S's attached services is listed too, and no
 *       unit of the instance is known to the engine;
 *   <li>every unit of the instance is running or starting.
 * </ol>
 *
 * <p>An instance that passes 1 to 4 but has units that are stopped (submitted, never launched) and
 * none failed is a start that was cut off (a leader deposed mid-start whose intent was lost with a
 * wiped store): its start is finished instead, through an ordinary start of the same plan, which
 * the target performs idempotently (and undoes if it fails).
 *
 * <p><b>Attached units without their main unit</b> ({@link #fragment}): a unit named {@code
 * A@<n>.service}, A an attached service of exactly one template service S that passes 1 and 3 (n in
 * S's numbering, held by no instance), whose main unit {@code S@<n>.service} is not listed and none
 * of whose units the engine knows, is what is left of an instance of S (a start cut off between its
 * attached units and its main unit whose intent was lost with a wiped store, or a main unit that
 * vanished while no record said whose it was). Such units are removed ({@link #clean}), whatever
 * their health, so that attached units always match their main unit; if the main unit appears
 * before that, the instance is complete and the rule above applies to it instead.
 *
 * <p>Only names and health are compared: a target's listing carries no unit file, so a unit with
 * the right name and other contents is adopted too (the fleet target would refuse to start over
 * it, and stopping it removes only these names). Anything that fails the rule is left untouched.
 * Engine thread only.
 */
final class Adoption {
  private Adoption() {}

  /**
   * A unit that names an instance of a service the engine runs.
   *
   * @param service the service whose main unit it would be
   * @param plan the instance it would be
   * @param refusal why it cannot be adopted, or null if it can
   */
  record LookAlike(ServiceState service, InstancePlan plan, @Nullable String refusal, boolean halfStarted) {
    boolean adoptable() {
      return refusal == null;
    }
  }

  /**
   * Attached units of an instance of a service whose main unit is not on the target.
   *
   * @param service the service the instance would belong to
   * @param plan the instance
   * @param present the plan's attached units that the target lists
   */
  record Fragment(ServiceState service, InstancePlan plan, java.util.List<String> present) {}

  /**
   * Examines one unit the engine does not know as an attached unit left without its main unit.
   *
   * @param services the engine's services
   * @param unit the unit's name
   * @param units everything the target listed, by name
   * @param known every unit name of the engine's instances (and, at recovery, of the records)
   * @return the instance it is a remnant of, or null if it is none (or not only one service's)
   */
  static @Nullable Fragment fragment(Iterable<ServiceState> services, String unit, Map<String, UnitStatus> units,
      Set<String> known) {
    Fragment found = null;
    for (ServiceState s : services) {
      ServiceConfig c = s.config;
      if (!c.isTemplate() || c.isAttached() || !c.adoptUnknown() || c.baseNumber() == null
          || c.portsPerInstance() == null || c.maxInstance() == null) {
        continue;
      }
      for (ServiceConfig a : s.attached) {
        int n = number(a.id().name(), unit);
        if (n < 0 || !inNumbering(c, n)) {
          continue;
        }
        if (found != null) {
          return null; // an attached service shared by two services: whose remnant it is is unclear
        }
        for (Instance i : s.all()) {
          if (i.number() == n) {
            return null;
          }
        }
        InstancePlan plan = s.plan(n);
        if (units.containsKey(plan.id().unitName())) {
          return null; // the main unit is there: a whole instance, for examine()
        }
        java.util.List<String> present = new java.util.ArrayList<>();
        for (String u : plan.unitNames()) {
          if (known.contains(u)) {
            return null;
          }
          if (units.containsKey(u)) {
            present.add(u);
          }
        }
        found = new Fragment(s, plan, java.util.List.copyOf(present));
      }
    }
    return found;
  }

  private static boolean inNumbering(ServiceConfig c, int n) {
    long k = (long) n - c.baseNumber();
    return k >= 0 && k % c.portsPerInstance() == 0 && k / c.portsPerInstance() < c.maxInstance();
  }

  /**
   * Removes the units of a fragment: claims its number (so that no start takes it meanwhile) and
   * stops the whole plan as an instance being rolled back, which frees the number once every unit
   * is gone and is retried with backoff until then.
   *
   * @return the instance being removed, or null if its number could not be claimed
   */
  static @Nullable Instance clean(Fragment f, ActionRunner runner, java.time.Instant now) {
    ServiceState s = f.service();
    if (!s.claim(f.plan().number())) {
      return null;
    }
    Instance inst = new Instance(f.plan(), Instance.Phase.ROLLING_BACK, now);
    inst.reason = "attached unit(s) " + f.present() + " without their main unit " + f.plan().id().unitName()
        + "; removing them";
    s.add(inst);
    runner.stopUnits(s, inst, true);
    return inst;
  }

  /**
   * Examines one unit the engine does not know.
   *
   * @param services the engine's services
   * @param unit the unit's name
   * @param units everything the target listed, by name
   * @param known every unit name of the engine's instances
   * @return the instance it would be the main unit of, or null if it is no service's main unit
   */
  static @Nullable LookAlike examine(Iterable<ServiceState> services, String unit, Map<String, UnitStatus> units,
      Set<String> known) {
    for (ServiceState s : services) {
      ServiceConfig c = s.config;
      if (!c.isTemplate() || c.isAttached() || c.baseNumber() == null || c.portsPerInstance() == null
          || c.maxInstance() == null) {
        continue;
      }
      int n = number(c.id().name(), unit);
      if (n < 0) {
        continue;
      }
      if (!inNumbering(c, n)) {
        return null; // S@<n> with a number outside S's numbering: not one of S's instances
      }
      InstancePlan plan = s.plan(n);
      String why = refusal(s, plan, units, known);
      boolean half = why != null && why.endsWith(" is stopped") && halfStarted(plan, units);
      return new LookAlike(s, plan, half ? null : why, half);
    }
    return null;
  }

  private static @Nullable String refusal(ServiceState s, InstancePlan plan, Map<String, UnitStatus> units,
      Set<String> known) {
    if (!s.config.adoptUnknown()) {
      return "adopt_unknown is false for service " + s.id();
    }
    for (Instance i : s.all()) {
      if (i.number() == plan.number()) {
        return "number " + plan.number() + " is held by " + i.unitName();
      }
    }
    for (String u : plan.unitNames()) {
      if (known.contains(u)) {
        return "unit " + u + " belongs to another instance";
      }
      UnitStatus st = units.get(u);
      if (st == null) {
        return "its unit " + u + " is missing";
      }
      if (st.health() != UnitHealth.RUNNING && st.health() != UnitHealth.STARTING) {
        return "its unit " + u + " is " + st.health().name().toLowerCase(java.util.Locale.ROOT);
      }
    }
    return null;
  }

  /** Every unit of the plan exists, none failed or unknown: a start cut off between submit and launch. */
  private static boolean halfStarted(InstancePlan plan, Map<String, UnitStatus> units) {
    for (String u : plan.unitNames()) {
      UnitStatus st = units.get(u);
      if (st == null || st.health() == UnitHealth.FAILED || st.health() == UnitHealth.UNKNOWN) {
        return false;
      }
    }
    return true;
  }

  /**
   * Finishes the start of a half-started look-alike: claims its number and starts the same plan
   * (idempotent on the target; undone if it fails).
   *
   * @return false if its number could not be claimed
   */
  static boolean finish(LookAlike l, ActionRunner runner) {
    ServiceState s = l.service();
    if (!l.halfStarted() || !s.claim(l.plan().number())) {
      return false;
    }
    runner.start(s, l.plan(), "finishing a start found half-done on the target without a record", 1);
    return true;
  }

  /** The n of {@code <service>@<n>.service} in plain decimal, or -1. */
  static int number(String service, String unit) {
    String prefix = service + "@";
    String suffix = ".service";
    if (!unit.startsWith(prefix) || !unit.endsWith(suffix) || unit.length() <= prefix.length() + suffix.length()) {
      return -1;
    }
    String digits = unit.substring(prefix.length(), unit.length() - suffix.length());
    if (!digits.chars().allMatch(ch -> ch >= '0' && ch <= '9') || (digits.length() > 1 && digits.charAt(0) == '0')
        || digits.length() > 10) {
      return -1;
    }
    long v = Long.parseLong(digits);
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  /**
   * Adopts an instance that passed the rule: claims its number and counts it as running.
   *
   * @return the instance, or null if its number could not be claimed
   */
  static @Nullable Instance adopt(LookAlike l, java.time.Instant now) {
    ServiceState s = l.service();
    if (!l.adoptable() || l.halfStarted() || !s.claim(l.plan().number())) {
      return null;
    }
    Instance inst = new Instance(l.plan(), Instance.Phase.RUNNING, now);
    inst.reason = "adopted from the target";
    s.add(inst);
    return inst;
  }
}
