package io.dynamite.core.policy.predictive;

import io.dynamite.api.ConfigException;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.PolicySpec;
import io.dynamite.core.policy.SettingsReader;
import io.dynamite.core.policy.health.HealthSettings;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The validated settings of a {@code predictive} policy entry; every problem is reported at once. */
record PredictiveSettings(
    String metric,
    boolean aggregated,
    double target,
    Season season,
    Duration resolution,
    Duration forecastWindow,
    int historySeasons,
    Duration minHistory,
    ZoneId zone,
    boolean forecastOnly,
    HealthSettings health) {

  static final Set<String> KEYS = keys();
  /** At most this many remembered values (buckets times seasons), about 800 KB. */
  static final int MAX_VALUES = 100_000;

  /** The length of the recurring pattern. */
  enum Season {
    DAY(Duration.ofDays(1)), WEEK(Duration.ofDays(7));

    final Duration length;

    Season(Duration length) {
      this.length = length;
    }
  }

  private static Set<String> keys() {
    List<String> k = new ArrayList<>(List.of("target", "season", "resolution", "forecast_window", "history_seasons",
        "min_history", "timezone", "mode"));
    k.addAll(HealthSettings.KEYS);
    return SettingsReader.ordered(k.toArray(new String[0]));
  }

  static PredictiveSettings parse(PolicySpec spec) {
    SettingsReader r = new SettingsReader();
    MetricQuery query = spec.query();
    if (query == null) {
      r.problem("metric", "required key is missing: a predictive policy needs service_type and metric");
    }
    Map<String, Object> s = spec.settings();
    Double target = r.number(s, "target", "", true);
    if (target != null && !(target > 0)) {
      r.problem("target", "must be greater than 0, got " + s.get("target"));
    }
    String seasonText = r.choice(s, "season", "", SettingsReader.ordered("day", "week"), "day");
    Season season = "week".equals(seasonText) ? Season.WEEK : Season.DAY;
    Duration resolution = r.duration(s, "resolution", "", false);
    if (resolution == null) {
      resolution = Duration.ofHours(1);
    } else if (resolution.isZero() || resolution.toNanos() % 60_000_000_000L != 0
        || season.length.toMinutes() % resolution.toMinutes() != 0) {
      r.problem("resolution", "must be a whole number of minutes that divides the season (" + seasonText
          + "), got " + s.get("resolution"));
    }
    Duration window = r.duration(s, "forecast_window", "", false);
    if (window == null) {
      window = Duration.ofHours(1);
    } else if (window.compareTo(season.length) > 0) {
      r.problem("forecast_window", "must be at most one season (" + seasonText + "), got " + s.get("forecast_window"));
    }
    Integer seasons = r.whole(s, "history_seasons", "", 1, 52, false);
    int historySeasons = seasons == null ? 7 : seasons;
    if (!resolution.isZero() && resolution.toMinutes() > 0
        && season.length.toMinutes() / resolution.toMinutes() * historySeasons > MAX_VALUES) {
      r.problem("resolution", "keeps too much: " + season.length.toMinutes() / resolution.toMinutes()
          + " buckets x history_seasons " + historySeasons + " exceeds " + MAX_VALUES + " values");
    }
    Duration minHistory = r.duration(s, "min_history", "", false);
    ZoneId zone = ZoneId.of("UTC");
    String tz = r.string(s, "timezone", "", false);
    if (tz != null) {
      try {
        zone = ZoneId.of(tz);
      } catch (DateTimeException e) {
        r.problem("timezone", "unknown time zone '" + tz + "'; use an IANA name such as Europe/Zurich, or UTC");
      }
    }
    String mode = r.choice(s, "mode", "", SettingsReader.ordered("forecast_and_scale", "forecast_only"),
        "forecast_and_scale");
    HealthSettings health = HealthSettings.parse(s, r);
    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new PredictiveSettings(query.metric(), query.aggregated(), target, season, resolution, window,
        historySeasons, minHistory == null ? season.length : minHistory, zone, "forecast_only".equals(mode), health);
  }
}
