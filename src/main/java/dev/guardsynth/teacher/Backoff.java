package dev.guardsynth.teacher;

import java.time.Duration;
import java.util.Random;

/**
 * How long to wait before the next attempt of a request: the server's {@code Retry-After} with a
 * little jitter, else exponential backoff with "equal jitter". Thread-safe as far as {@link Random}
 * is.
 */
final class Backoff {
  /** The longest single wait between attempts, whatever {@code Retry-After} asks for. */
  static final long MAX_WAIT_NANOS = Duration.ofMinutes(5).toNanos();

  /** The longest exponential backoff step when the server gives no {@code Retry-After}. */
  static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(60).toNanos();

  private final Duration baseDelay;
  private final Random random;

  /**
   * @param baseDelay the first retry's wait without {@code Retry-After}; doubles each attempt
   * @param random the source of jitter; tests pass a seeded one
   */
  Backoff(Duration baseDelay, Random random) {
    this.baseDelay = baseDelay;
    this.random = random;
  }

  /** The wait before the next attempt: {@code Retry-After} if given, else exponential backoff. */
  long nanos(int attempts, Duration retryAfter) {
    if (retryAfter != null) {
      long asked = Math.max(0, retryAfter.toNanos());
      // A little jitter on top, so requests told the same wait do not return all at once.
      long jitter = (long) (random.nextDouble() * Math.min(asked / 10, 1_000_000_000L));
      return Math.min(asked + jitter, MAX_WAIT_NANOS);
    }
    long step = baseDelay.toNanos();
    for (int i = 1; i < attempts && step < MAX_BACKOFF_NANOS; i++) {
      step *= 2;
    }
    step = Math.min(step, MAX_BACKOFF_NANOS);
    // "Equal jitter": at least half the step, so backoff never collapses to nothing.
    return step / 2 + (long) (random.nextDouble() * (step - step / 2));
  }
}
