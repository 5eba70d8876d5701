package io.dynamite.core.policy.predictive;

import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.SettingsReader;
import io.dynamite.core.policy.StateJson;
import io.dynamite.core.policy.predictive.SeasonalMemory.Forecast;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code predictive} policy. Each evaluation observes the current load — the aggregated
 * value, or the sum of every fresh per-instance value in the engine-kept history — into a {@link
 * SeasonalMemory}, then forecasts the load from now to {@code forecast_window} ahead as the highest
 * of the remembered bucket peaks in that span, and answers with a floor of {@code ceil(load /
 * target)} instances ({@link ScalingDecision#bound}): the engine raises the service to it ahead of
 * the peak, and never scales down because of it (a falling forecast only removes the floor, as
 * AWS predictive scaling never scales in). Until {@code min_history} has passed since the first
 * observation it holds and says why. In {@code forecast_only} mode it always holds and reports the
 * floor it would set.
 *
 * <p>It asks to be evaluated at the next bucket boundary, so the floor moves in time even without
 * samples. The memory survives a restart and a failover: {@link #exportState()} hands the engine
 * the remembered peaks and the time of the first observation (JSON, version 1), {@link
 * #restoreState(String)} takes them back, unless the season, resolution, history_seasons or time
 * zone changed since. A memory larger than the store's limit for a policy state (64 KiB, some
 * 3,500 to 8,000 remembered values depending on their digits) is not kept: the engine reports it,
 * and a restart starts afresh.
 *
 * <p>Not thread-safe; the engine calls it from one thread.
 */
final class PredictivePolicy implements ScalingPolicy {
  private final PredictiveSettings settings;
  private final SeasonalMemory memory;
  private @Nullable Instant firstObservation;
  private @Nullable Instant lastObservation;
  private @Nullable Instant next;
  private String state = "no observation yet";

  PredictivePolicy(PredictiveSettings settings) {
    this.settings = settings;
    this.memory = new SeasonalMemory(settings.season(), settings.resolution(), settings.historySeasons(), settings.zone());
  }

  @Override
  public ScalingDecision evaluate(PolicyInput input) {
    Instant now = input.now();
    next = memory.nextBoundary(now);
    Double load = load(input, now);
    if (load != null) {
      memory.observe(now, load);
      if (firstObservation == null) {
        firstObservation = now;
      }
      lastObservation = now;
    }
    String observed = load == null ? "no fresh value of " + settings.metric() + " now"
        : "load now " + num(load);
    if (firstObservation == null || Duration.between(firstObservation, now).compareTo(settings.minHistory()) < 0) {
      Duration have = firstObservation == null ? Duration.ZERO : Duration.between(firstObservation, now);
      state = "collecting history: " + text(have) + " of min_history " + text(settings.minHistory());
      return ScalingDecision.hold("predictive " + state + " (" + observed + "); not forecasting yet");
    }
    Forecast peak = null;
    Duration res = settings.resolution();
    Instant end = now.plus(settings.forecastWindow());
    for (Instant t = now; !t.isAfter(end); t = t.plus(res)) {
      peak = higher(peak, memory.forecast(t));
    }
    peak = higher(peak, memory.forecast(end));
    if (peak == null) {
      state = "no history for the next " + text(settings.forecastWindow()) + " yet";
      return ScalingDecision.hold("predictive: " + state + " (" + observed + ")");
    }
    long need = (long) Math.ceil(peak.value() / settings.target() - 1e-9);
    int floor = (int) Math.max(0, Math.min(Integer.MAX_VALUE, need));
    String forecast = "forecast peak " + num(peak.value()) + " at " + peak.at() + " (mean of " + peak.seasons()
        + " past " + settings.season().name().toLowerCase(java.util.Locale.ROOT) + "(s)) within the next "
        + text(settings.forecastWindow()) + " / target " + num(settings.target()) + " per instance -> floor " + floor;
    state = forecast + "; " + memory.bucketsWithHistory(now) + " of " + memory.buckets() + " buckets have history";
    if (settings.forecastOnly()) {
      return ScalingDecision.hold("predictive (forecast_only): " + forecast + " (" + observed + "); not applied");
    }
    return ScalingDecision.bound(floor, Integer.MAX_VALUE, "predictive: " + forecast + " (" + observed + ")");
  }

  private static @Nullable Forecast higher(@Nullable Forecast a, @Nullable Forecast b) {
    if (a == null) {
      return b;
    }
    return b != null && b.value() > a.value() ? b : a;
  }

  /** The total load now: the aggregated value, or the sum of the fresh per-instance values. */
  private @Nullable Double load(PolicyInput input, Instant now) {
    Instant oldest = now.minus(settings.health().maxSampleAge());
    if (settings.aggregated()) {
      Optional<MetricSeries> s = input.aggregated();
      return s.isPresent() && !s.get().latestAt().isBefore(oldest) ? s.get().latestValue() : null;
    }
    double sum = 0;
    int n = 0;
    for (MetricSeries s : input.series()) {
      if (!s.isAggregated() && !s.latestAt().isBefore(oldest)) {
        sum += s.latestValue();
        n++;
      }
    }
    return n == 0 ? null : sum;
  }

  @Override
  public @Nullable Instant nextEvaluation() {
    return next;
  }

  /**
   * Exports the remembered peaks with the times of the first and the last observation.
   *
   * @return the state, or null before the first observation
   */
  @Override
  public @Nullable String exportState() {
    if (firstObservation == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(1024);
    b.append("{\"version\":1,\"first_observation\":\"").append(firstObservation)
        .append("\",\"last_observation\":\"").append(lastObservation).append("\",");
    memory.write(b);
    return b.append('}').toString();
  }

  /**
   * Restores the remembered peaks and the first observation (so {@code min_history} counts from
   * the original start).
   *
   * @param state a text from {@link #exportState()}
   * @throws IllegalArgumentException if the text is not such a state or was kept for another
   *     season layout; the memory is then unchanged
   */
  @Override
  public void restoreState(String state) {
    Map<String, Object> m = StateJson.parseObject(state);
    long version = StateJson.whole(StateJson.required(m, "version"), "version");
    if (version != 1) {
      throw new IllegalArgumentException("unknown state version " + version + " (this version reads 1)");
    }
    Instant first = StateJson.instant(StateJson.required(m, "first_observation"), "first_observation");
    Instant last = StateJson.instant(StateJson.required(m, "last_observation"), "last_observation");
    memory.read(m);
    firstObservation = first;
    lastObservation = last;
    this.state = "restored history from " + first;
  }

  @Override
  public String describeState() {
    return state + (lastObservation == null ? "" : "; last observation at " + lastObservation);
  }

  static String num(double d) {
    double r = Math.round(d * 1000) / 1000.0;
    return r == Math.rint(r) && Math.abs(r) < 1e15 ? Long.toString((long) r) : Double.toString(r);
  }

  static String text(Duration d) {
    return SettingsReader.text(d);
  }
}
