package dev.guardsynth.teacher;

/**
 * A snapshot of one stage's requests, for progress displays. Immutable.
 *
 * @param total requests in the stage
 * @param done requests settled: answered (from the journal or the teacher) or failed for good
 * @param fromJournal of {@code done}, answered from the journal
 * @param failed of {@code done}, failed for good
 * @param inFlight requests being sent or waiting to retry
 * @param retries attempts repeated so far
 * @param tokens input plus output tokens of the replies so far
 * @param costUsd estimated cost of the replies so far
 * @param elapsedNanos time since the stage started
 */
public record Progress(
    String stage,
    int total,
    int done,
    int fromJournal,
    int failed,
    int inFlight,
    long retries,
    long tokens,
    double costUsd,
    long elapsedNanos) {

  /** Receives snapshots while a stage runs; called from many threads, so it must be thread-safe. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = p -> {};

    void update(Progress progress);
  }
}
