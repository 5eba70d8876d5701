package io.dynamite.core.policy.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the HPA status condition list a controller pass would leave, from a {@link
 * TrackingOutcome}. Conditions are a Kubernetes status concept, so this lives in the tests; it
 * checks that the outcome carries every fact the controller reports, in the controller's order
 * (setting a condition updates it in place or appends it).
 */
final class HpaConditions {
  private HpaConditions() {}

  static String format(JsonNode c) {
    return c.get("type").asText() + "=" + c.get("status").asText() + "/" + c.get("reason").asText();
  }

  static List<String> after(TrackingOutcome outcome, ControllerCase cc) {
    List<String> conditions = new ArrayList<>();
    cc.initialConditions().forEach(c -> conditions.add(format(c)));
    set(conditions, "AbleToScale", "True", "SucceededGetScale");
    switch (outcome.path()) {
      case SCALING_DISABLED:
        set(conditions, "ScalingActive", "False", Reasons.SCALING_DISABLED);
        if (!cc.scaleToZeroGate()) {
          remove(conditions, "ScaledToZero");
        }
        return conditions;
      case METRICS_FAILED:
        set(conditions, "ScalingActive", "False", outcome.reason());
        return conditions;
      case NORMALIZED:
        Normalization n = outcome.normalization();
        if (n == null) {
          throw new AssertionError("NORMALIZED outcome without normalization");
        }
        set(conditions, "ScalingActive", "True", Reasons.VALID_METRIC_FOUND);
        set(conditions, "AbleToScale", "True", n.stabilizationReason());
        set(conditions, "ScalingLimited", n.limited() ? "True" : "False", n.limitReason());
        break;
      case OUT_OF_BOUNDS:
        break;
      default:
        throw new AssertionError(outcome.path());
    }
    if (outcome.scale()) {
      set(conditions, "AbleToScale", "True", "SucceededRescale");
      if (cc.scaleToZeroGate()) {
        boolean parked = outcome.historyAfterScale().scaledToZero();
        set(conditions, "ScaledToZero", parked ? "True" : "False", parked ? "ScaledToZero" : "NotScaledToZero");
      } else {
        remove(conditions, "ScaledToZero");
      }
    }
    return conditions;
  }

  private static void set(List<String> conditions, String type, String status, String reason) {
    String entry = type + "=" + status + "/" + reason;
    for (int i = 0; i < conditions.size(); i++) {
      if (conditions.get(i).startsWith(type + "=")) {
        conditions.set(i, entry);
        return;
      }
    }
    conditions.add(entry);
  }

  private static void remove(List<String> conditions, String type) {
    conditions.removeIf(c -> c.startsWith(type + "="));
  }
}
