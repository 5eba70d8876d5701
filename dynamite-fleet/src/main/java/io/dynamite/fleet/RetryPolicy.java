package io.dynamite.fleet;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link FleetClient} repeats a call that failed transiently (5xx answers, I/O failures):
 * exponential backoff with jitter, a bounded number of attempts. Every fleet call the client makes
 * is idempotent (GET, DELETE, and declarative PUTs), so every call is retried.
 *
 * <p>The delay before attempt {@code n+1} is {@code min(maxBackoff, initialBackoff *
 * multiplier^(n-1))}, reduced by a random fraction of up to {@code jitter} so that clients that
 * failed together do not retry together.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
  }

  /**
   * Returns the defaults: 6 attempts, 200 ms initial backoff doubling up to 5 s, 50 % jitter; long
   * enough to ride out fleet's ~5 s recovery after etcd returns.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a policy that never retries.
   *
   * @return a single-attempt policy
   */
  public static RetryPolicy none() {
    return builder().maxAttempts(1).build();
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the maximum number of attempts, including the first.
   *
   * @return at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The first delay; for tests of the configuration. */
  Duration initialBackoff() {
    return initialBackoff;
  }

  /** The largest delay; for tests of the configuration. */
  Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Returns the delay before the next attempt.
   *
   * @param failedAttempts attempts made so far, at least 1
   * @param random a value in {@code [0, 1)} choosing the jitter
   * @return the delay
   */
  public Duration delayAfter(int failedAttempts, double random) {
    double base = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
    double capped = Math.min(base, (double) maxBackoff.toNanos());
    return Duration.ofNanos((long) (capped * (1.0 - jitter * random)));
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + jitter + "]";
  }

  /**
   * Builds a {@link RetryPolicy}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double multiplier = 2.0;
    private double jitter = 0.5;

    private Builder() {}

    /**
     * Sets the maximum number of attempts (default 6).
     *
     * @param attempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Sets the first delay (default 200 ms).
     *
     * @param delay zero or positive
     * @return this builder
     */
    public Builder initialBackoff(Duration delay) {
      if (Objects.requireNonNull(delay, "delay").isNegative()) {
        throw new IllegalArgumentException("negative initialBackoff: " + delay);
      }
      this.initialBackoff = delay;
      return this;
    }

    /**
     * Sets the largest delay (default 5 s).
     *
     * @param delay zero or positive
     * @return this builder
     */
    public Builder maxBackoff(Duration delay) {
      if (Objects.requireNonNull(delay, "delay").isNegative()) {
        throw new IllegalArgumentException("negative maxBackoff: " + delay);
      }
      this.maxBackoff = delay;
      return this;
    }

    /**
     * Sets the growth factor (default 2).
     *
     * @param factor at least 1
     * @return this builder
     */
    public Builder multiplier(double factor) {
      if (!(factor >= 1.0)) {
        throw new IllegalArgumentException("multiplier must be at least 1: " + factor);
      }
      this.multiplier = factor;
      return this;
    }

    /**
     * Sets the jitter, the largest fraction randomly taken off a delay (default 0.5).
     *
     * @param fraction between 0 and 1
     * @return this builder
     */
    public Builder jitter(double fraction) {
      if (!(fraction >= 0.0 && fraction <= 1.0)) {
        throw new IllegalArgumentException("jitter must be within [0, 1]: " + fraction);
      }
      this.jitter = fraction;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
