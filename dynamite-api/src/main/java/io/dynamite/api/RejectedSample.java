package io.dynamite.api;

import java.util.Objects;

/**
 * A metric value a source could not use (not a number, missing JSON key, bad timestamp). The
 * engine counts it and logs it once per key; the value never reaches a policy.
 *
 * @param key where the value was found, for example the etcd key
 * @param reason why it was rejected
 * @since 0.1
 */
public record RejectedSample(String key, String reason) {
  /**
   * Validates the components.
   *
   * @param key where the value was found, for example the etcd key
   * @param reason why it was rejected
   */
  public RejectedSample {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reason, "reason");
  }
}
