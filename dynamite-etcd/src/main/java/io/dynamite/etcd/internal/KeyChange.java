package io.dynamite.etcd.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One observed key: a put (value present) or a removal (delete, expiry). {@code revision} is the
 * v3 mod revision or the v2 modifiedIndex; it orders changes and is what checkpoints compare.
 *
 * @param key the full key
 * @param value the value, null for a removal or a v2 directory
 * @param revision the revision of the change
 * @param removed true for delete/expire events
 */
public record KeyChange(String key, @Nullable String value, long revision, boolean removed) {
  /**
   * Validates the key.
   *
   * @param key the full key
   * @param value the value, null for a removal or a v2 directory
   * @param revision the revision of the change
   * @param removed true for delete/expire events
   */
  public KeyChange {
    Objects.requireNonNull(key, "key");
  }
}
