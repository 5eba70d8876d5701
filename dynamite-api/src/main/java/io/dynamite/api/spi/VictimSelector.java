package io.dynamite.api.spi;

import io.dynamite.api.InstanceId;
import io.dynamite.api.ServiceId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Chooses which instance a scale-down removes.
 *
 * <p>Called on the engine thread; must be fast and must not block.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface VictimSelector {
  /**
   * The default: the instance whose own metrics breached, if it is one of the candidates;
   * otherwise (aggregated metrics, or the uuid could not be resolved) the highest-numbered
   * candidate, which is the newest one under lowest-free-number allocation.
   */
  VictimSelector BREACHING_ELSE_HIGHEST =
      request -> {
        if (request.breaching() != null) {
          for (InstanceInfo c : request.candidates()) {
            if (c.id().equals(request.breaching())) {
              return Optional.of(c.id());
            }
          }
        }
        return request.candidates().stream()
            .max(Comparator.comparingInt(InstanceInfo::number)
                .thenComparing(InstanceInfo::id))
            .map(InstanceInfo::id);
      };

  /**
   * Picks a victim.
   *
   * @param request the service, its removable instances and the breaching instance if known
   * @return the instance to stop, one of the candidates; empty to skip this scale-down
   */
  Optional<InstanceId> select(Request request);

  /**
   * Input of a selection.
   *
   * @param service the service being scaled down
   * @param candidates its running instances that are not already being stopped
   * @param triggerUuid the metric uuid that fired, or {@code ""} for an aggregated metric
   * @param breaching the instance {@code triggerUuid} resolved to, or null if unknown or not an
   *     instance of this service
   */
  record Request(
      ServiceId service,
      List<InstanceInfo> candidates,
      String triggerUuid,
      @Nullable InstanceId breaching) {
    /**
     * Validates and copies the components.
     *
     * @param service the service being scaled down
     * @param candidates its running instances that are not already being stopped
     * @param triggerUuid the metric uuid that fired, or {@code ""} for an aggregated metric
     * @param breaching the instance {@code triggerUuid} resolved to, or null if unknown or not an
     *     instance of this service
     */
    public Request {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(triggerUuid, "triggerUuid");
      candidates = List.copyOf(candidates);
    }
  }
}
