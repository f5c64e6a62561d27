package dev.guardsynth.teacher;

/**
 * A token bucket that paces callers to {@code perMinute} permits a minute. A caller reserves its
 * permits and is told how long to wait; the bucket may go into debt, so waits queue up fairly and a
 * request larger than the bucket still goes through, late. The bucket holds at most {@code burst}
 * permits, so a quiet spell never lets more than {@code burst} through at once: with a burst of
 * one, no 60-second window ever sees more than {@code perMinute} reservations plus one.
 * Thread-safe.
 */
final class RateLimiter {
  private final double permitsPerNano;
  private final double burst;
  private double available;
  private long last;

  RateLimiter(double perMinute, double burst, long nowNanos) {
    if (perMinute <= 0 || burst <= 0) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.permitsPerNano = perMinute / 60e9;
    this.burst = burst;
    this.available = burst;
    this.last = nowNanos;
  }

  /** Takes {@code permits}; returns the nanoseconds the caller must wait before going ahead. */
  synchronized long reserve(double permits, long nowNanos) {
    refill(nowNanos);
    available -= permits;
    return available >= 0 ? 0 : (long) Math.ceil(-available / permitsPerNano);
  }

  /**
   * Corrects an earlier reservation once the real amount is known: a positive {@code delta} takes
   * more permits, a negative one gives some back.
   */
  synchronized void adjust(double delta, long nowNanos) {
    refill(nowNanos);
    available = Math.min(burst, available - delta);
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - last;
    if (elapsed > 0) {
      available = Math.min(burst, available + elapsed * permitsPerNano);
      last = nowNanos;
    }
  }
}
