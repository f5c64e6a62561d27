package dev.guardsynth.teacher;

import java.util.concurrent.TimeUnit;

/**
 * Time as the request runner sees it: a monotonic clock and a way to wait. Tests pass a fake whose
 * {@code sleep} advances its clock, so rate limits and backoff need no real waiting.
 */
public interface Ticker {
  /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
  long nanos();

  /** Waits {@code nanos}; returns at once for zero or less. */
  void sleep(long nanos) throws InterruptedException;

  /** The real clock. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }

  /** {@link Ticker#system()}. */
  enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      if (nanos > 0) {
        TimeUnit.NANOSECONDS.sleep(nanos);
      }
    }
  }
}
