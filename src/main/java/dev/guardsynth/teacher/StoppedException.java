package dev.guardsynth.teacher;

/**
 * The run stopped early but cleanly: every reply that arrived is in the journal, so running the
 * same command again resumes where it stopped. The CLI maps it to exit code 3. Unchecked, so that
 * stages calling {@link RequestRunner} need not declare it.
 */
public class StoppedException extends RuntimeException {
  /** Why the run stopped. */
  public enum Reason {
    /** Ctrl-C, SIGTERM or an interrupted thread. */
    INTERRUPTED,
    /** A {@code budget} limit was reached. */
    BUDGET,
    /** The provider kept failing and the circuit breaker opened. */
    CIRCUIT_OPEN
  }

  private final Reason reason;

  public StoppedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public StoppedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
