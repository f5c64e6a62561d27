package dev.guardsynth.run;

import dev.guardsynth.teacher.StoppedException;
import dev.guardsynth.teacher.TeacherException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The one step every stage of a run takes: compare its fingerprint (its own inputs and settings)
 * with the one recorded when it last completed, skip it when they match and its output exists, else
 * run it and record its status, counts and time in {@code run.json}. A stage stopped by Ctrl-C or
 * the budget is recorded as stopped (its fingerprint dropped) and the stop goes on. One step serves
 * the run's own stages ({@code round} 0) or the stages of one round.
 */
final class StageStep {
  private static final System.Logger LOG = System.getLogger("guardsynth.run");

  /** A stage's work: runs it, writing its output, and says what it did. */
  @FunctionalInterface
  interface Body<T> {
    Ran<T> run() throws TeacherException, InterruptedException;
  }

  /**
   * What a stage that ran did.
   *
   * @param counts its result record, written as the stage's {@code counts}
   * @param again whether a re-run must run it again though nothing changed (it completed with
   *     failed requests within the tolerance: the next run retries them)
   * @param output what it wrote, in memory, for the next stage
   */
  record Ran<T>(StageStatus status, Object counts, boolean again, T output) {
    static <T> Ran<T> complete(Object counts, T output) {
      return new Ran<>(StageStatus.COMPLETE, counts, false, output);
    }

    static <T> Ran<T> completeWithFailures(Object counts, boolean failed, T output) {
      return new Ran<>(StageStatus.COMPLETE, counts, failed, output);
    }
  }

  /** The counts of a stopped stage. */
  record Stopped(String reason) {}

  private final RunLog log;
  private final int round;

  private StageStep(RunLog log, int round) {
    this.log = log;
    this.round = round;
  }

  /** The run's own stages (export), recorded at the top of run.json. */
  static StageStep ofRun(RunLog log) {
    return new StageStep(log, 0);
  }

  /** The stages of {@code round}, recorded in its entry and summed into the run's. */
  static StageStep ofRound(RunLog log, int round) {
    return new StageStep(log, round);
  }

  /**
   * Runs {@code stage} unless its {@code fingerprint} matches the completed one on record and
   * {@code output} exists; returns what it wrote, or, when skipped, what {@code readBack} reads
   * from its output.
   */
  <T> T run(String stage, String fingerprint, Path output, Body<T> body, Supplier<T> readBack)
      throws TeacherException, InterruptedException {
    String done = round == 0 ? log.completedFingerprint(stage) : log.roundFingerprint(round, stage);
    if (fingerprint.equals(done) && Files.exists(output)) {
      LOG.log(Level.INFO, "{0}{1}: unchanged since the last run, skipped", where(), stage);
      return readBack.get();
    }
    long start = System.nanoTime();
    Ran<T> ran;
    try {
      ran = body.run();
    } catch (StoppedException e) {
      record(stage, StageStatus.STOPPED, null, start, new Stopped(e.getMessage()));
      throw e;
    }
    record(stage, ran.status(), ran.again() ? null : fingerprint, start, ran.counts());
    return ran.output();
  }

  /** Records a stage that has no fingerprint to skip by (such as the plan of a round). */
  void record(String stage, StageStatus status, Object counts) {
    record(stage, status, null, System.nanoTime(), counts);
  }

  private void record(
      String stage, StageStatus status, String fingerprint, long startNanos, Object counts) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (round == 0) {
      log.stage(stage, status, fingerprint, seconds, counts);
    } else {
      log.roundStage(round, stage, status, fingerprint, seconds, counts);
    }
  }

  private String where() {
    return round == 0 ? "" : "round " + round + " ";
  }
}
