package dev.guardsynth.teacher;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request, from outside a stage, to stop cleanly: set by the CLI's shutdown hook on Ctrl-C or
 * SIGTERM, read by {@link RequestRunner} and the pipeline between stages. Once set it stays set.
 * Thread-safe.
 */
public final class StopSignal {
  private final AtomicReference<String> reason = new AtomicReference<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean watched;

  /**
   * Marks the signal as honoured by the running command, so the CLI waits for it to stop cleanly on
   * Ctrl-C instead of letting the JVM exit at once.
   */
  public void watch() {
    watched = true;
  }

  public boolean isWatched() {
    return watched;
  }

  /** Asks everything watching this signal to stop; the first reason given is kept. */
  public void request(String why) {
    if (reason.compareAndSet(null, why)) {
      listeners.forEach(Runnable::run);
    }
  }

  public boolean isRequested() {
    return reason.get() != null;
  }

  /** Why a stop was requested, or null. */
  public String reason() {
    return reason.get();
  }

  /**
   * Runs {@code listener} when a stop is requested (at once if it already was). Returns the handle
   * that removes it again.
   */
  public AutoCloseable onRequest(Runnable listener) {
    listeners.add(listener);
    if (isRequested()) {
      listener.run();
    }
    return () -> listeners.remove(listener);
  }

  /** Throws a {@link StoppedException} if a stop was requested; call between units of work. */
  public void check() {
    String why = reason.get();
    if (why != null) {
      throw new StoppedException(StoppedException.Reason.INTERRUPTED, "stopped: " + why);
    }
  }
}
