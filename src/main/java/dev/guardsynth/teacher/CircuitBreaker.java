package dev.guardsynth.teacher;

import dev.guardsynth.config.TeacherConfig;

/**
 * Watches attempts and opens when the provider keeps failing: when at least {@code failureRate} of
 * the last {@code window} attempts failed, or when attempts have failed for {@code seconds} with no
 * success in between. Once open it stays open. Thread-safe.
 */
final class CircuitBreaker {
  private final double failureRate;
  private final boolean[] outcomes; // true = failed; a ring over the last `window` attempts
  private final long maxFailingNanos;
  private int next;
  private int recorded;
  private int failures;
  private long failingSince = -1;
  private boolean succeeded;
  private String openReason;

  CircuitBreaker(TeacherConfig.CircuitBreaker config) {
    this.failureRate = config.failureRate();
    this.outcomes = new boolean[config.window()];
    this.maxFailingNanos = config.seconds() * 1_000_000_000L;
  }

  synchronized void recordSuccess() {
    record(false);
    failingSince = -1;
    succeeded = true;
  }

  /** Whether any attempt has succeeded since this breaker was made. */
  synchronized boolean hasSucceeded() {
    return succeeded;
  }

  /** Records a failed attempt; returns true when this opened the breaker. */
  synchronized boolean recordFailure(long nowNanos) {
    if (openReason != null) {
      return false;
    }
    record(true);
    if (failingSince < 0) {
      failingSince = nowNanos;
    }
    if (failureRate > 0 && recorded == outcomes.length && failures >= failureRate * recorded) {
      openReason =
          failures
              + " of the last "
              + recorded
              + " attempts failed (circuit_breaker.failure_rate "
              + failureRate
              + ")";
    } else if (nowNanos - failingSince >= maxFailingNanos) {
      openReason =
          "attempts have failed for "
              + (nowNanos - failingSince) / 1_000_000_000L
              + " s without a success (circuit_breaker.seconds "
              + maxFailingNanos / 1_000_000_000L
              + ")";
    }
    return openReason != null;
  }

  synchronized boolean isOpen() {
    return openReason != null;
  }

  /** Why the breaker opened, or null while closed. */
  synchronized String openReason() {
    return openReason;
  }

  private void record(boolean failed) {
    if (recorded == outcomes.length && outcomes[next]) {
      failures--;
    }
    outcomes[next] = failed;
    if (failed) {
      failures++;
    }
    next = (next + 1) % outcomes.length;
    recorded = Math.min(recorded + 1, outcomes.length);
  }
}
