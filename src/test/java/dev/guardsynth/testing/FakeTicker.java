package dev.guardsynth.testing;

import dev.guardsynth.teacher.Ticker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} whose sleeps return at once and move its clock forward, so tests of rate limits
 * and backoff see the waits the runner asked for without waiting. Records every sleep. Thread-safe.
 */
public final class FakeTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Long> sleeps = new CopyOnWriteArrayList<>();

  @Override
  public long nanos() {
    return now.get();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (nanos > 0) {
      sleeps.add(nanos);
      now.addAndGet(nanos);
    }
  }

  /** Every positive wait asked for, in order. */
  public List<Long> sleeps() {
    return List.copyOf(sleeps);
  }

  public void advance(long nanos) {
    now.addAndGet(nanos);
  }
}
