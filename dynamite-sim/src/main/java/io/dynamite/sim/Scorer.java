package io.dynamite.sim;

import io.dynamite.api.Direction;
import java.util.List;

/** Computes {@link Scores} from a timeline and the actions; definitions in {@code docs/simulation.md}. */
final class Scorer {
  private Scorer() {}

  static Scores score(Timeline tl, List<ActionRecord> actions, int failedStarts, Simulation.Settings s) {
    double[] t = tl.seconds();
    double[] w = tl.weights();
    double[] demand = tl.demand();
    int[] prov = tl.provisioned();
    int[] serving = tl.serving();
    int[] needed = tl.needed();
    double[] util = tl.utilization();
    double[] lat = tl.latencyMillis();
    double latencyGoalMs = s.latencyTarget() == null ? Double.POSITIVE_INFINITY : s.latencyTarget().toNanos() / 1e6;
    int n = t.length;
    boolean[] violating = new boolean[n];
    double scored = 0;
    double violation = 0;
    double instanceSeconds = 0;
    double over = 0;
    double under = 0;
    double utilSum = 0;
    double utilWeight = 0;
    double longest = 0;
    double run = 0;
    int max = 0;
    for (int k = 0; k < n; k++) {
      scored += w[k];
      boolean v = serving[k] == 0 ? demand[k] > 0 : util[k] > s.sloUtilization() || lat[k] > latencyGoalMs;
      violating[k] = v;
      if (v) {
        violation += w[k];
        run += w[k];
        longest = Math.max(longest, run);
      } else {
        run = 0;
      }
      instanceSeconds += prov[k] * w[k];
      over += Math.max(0, prov[k] - needed[k]) * w[k];
      under += Math.max(0, needed[k] - serving[k]) * w[k];
      if (serving[k] > 0) {
        utilSum += util[k] * w[k];
        utilWeight += w[k];
      }
      max = Math.max(max, prov[k]);
    }

    int starts = 0;
    int stops = 0;
    int retries = 0;
    int changes = 0;
    Direction last = null;
    for (ActionRecord a : actions) {
      if (a.atSeconds() < 0) {
        continue;
      }
      if (a.attempt() > 1) {
        retries++;
        continue;
      }
      if (a.direction() == Direction.UP) {
        starts++;
      } else {
        stops++;
      }
      if (last != null && last != a.direction()) {
        changes++;
      }
      last = a.direction();
    }

    // the largest rise between the mean demand of a jump window and that of the window before it
    double stepSeconds = s.sampleInterval().toNanos() / 1e9;
    int wt = (int) Math.max(1, Math.round(s.jumpWindow().toNanos() / 1e9 / stepSeconds));
    double[] prefix = new double[n + 1];
    for (int k = 0; k < n; k++) {
      prefix[k + 1] = prefix[k] + demand[k];
    }
    double bestRise = 0;
    double bestAt = 0;
    int bestTick = -1;
    for (int k = 2 * wt - 1; k < n; k++) {
      // window A = ticks (k - wt, k], window B = the wt ticks before it
      double a = (prefix[k + 1] - prefix[k + 1 - wt]) / wt;
      double b = (prefix[k + 1 - wt] - prefix[k + 1 - 2 * wt]) / wt;
      if (a - b > bestRise) {
        bestRise = a - b;
        bestAt = t[k];
        bestTick = k;
      }
    }
    double recovery = 0;
    boolean recovered = true;
    if (bestTick >= 0) {
      int k = bestTick;
      while (k < n && violating[k]) {
        k++;
      }
      if (k < n) {
        recovery = t[k] - bestAt;
      } else {
        recovered = false;
        recovery = scored - bestAt;
      }
    }
    return new Scores(scored, violation, instanceSeconds, over, under, starts + stops, starts, stops, retries,
        failedStarts, changes, max, utilWeight == 0 ? 0 : utilSum / utilWeight, longest, bestAt, bestRise,
        recovery, recovered);
  }
}
