package dev.guardsynth.teacher;

/**
 * The run reached a limit of the config's {@code budget} section and stopped before sending a
 * request that would pass it. Replies that arrived are journalled; raising the limit and running
 * again resumes. Exit code 3.
 */
public final class BudgetExceededException extends StoppedException {
  public BudgetExceededException(String message) {
    super(Reason.BUDGET, message);
  }
}
