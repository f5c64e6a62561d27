package dev.guardsynth.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.Ledger;
import dev.guardsynth.teacher.OpenAiBatch;
import dev.guardsynth.teacher.Progress;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.Teachers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How every teacher stage fails, in one place, for the stage commands and {@code run} alike: the
 * ledger its stages share (accounting and the budget), a request journal per stage, the {@code
 * failures.jsonl} that lists each request that failed for good with its error, and {@code
 * teacher.failure_tolerance}. A stop (Ctrl-C, the budget, an open circuit breaker) surfaces as
 * {@link dev.guardsynth.teacher.StoppedException}, exit 3, with every reply that arrived
 * journalled. Not thread-safe; stages run one after another.
 */
public final class TeacherSession implements AutoCloseable {
  /**
   * How the session's requests behave.
   *
   * @param retryBaseDelay the first retry's wait without {@code Retry-After} (zero in tests)
   * @param stop set to stop cleanly (Ctrl-C); checked by the runner
   * @param progress receives progress of teacher requests
   * @param stopGrace how long requests in flight may finish after a stop
   */
  public record Settings(
      Duration retryBaseDelay, StopSignal stop, Progress.Listener progress, Duration stopGrace) {
    public Settings {
      retryBaseDelay = retryBaseDelay == null ? Duration.ofMillis(500) : retryBaseDelay;
      stop = stop == null ? new StopSignal() : stop;
      progress = progress == null ? Progress.Listener.NONE : progress;
      stopGrace = stopGrace == null ? RequestRunner.DEFAULT_STOP_GRACE : stopGrace;
    }
  }

  private final TeacherConfig config;
  private final Teacher teacher;
  private final OpenAiBatch batch;
  private final Settings settings;
  private final Path failures;
  private final Function<String, Path> batchState;
  private final Ledger ledger;
  private final double tolerance;
  private final Map<String, String> env; // where judges' keys are read; null: no judges

  /**
   * @param batch the Batch API client in {@code teacher.mode: batch}, else null
   * @param failures the {@code failures.jsonl} this session keeps
   * @param batchState where a stage remembers its submitted batches (used in batch mode only)
   */
  private TeacherSession(
      TeacherConfig config,
      BudgetConfig budget,
      Teacher teacher,
      OpenAiBatch batch,
      Settings settings,
      Path failures,
      Function<String, Path> batchState,
      double tolerance,
      Map<String, String> env) {
    this.env = env;
    this.config = config;
    this.tolerance = tolerance;
    this.teacher = teacher;
    this.batch = batch;
    this.settings = settings;
    this.failures = failures;
    this.batchState = batchState;
    this.ledger = new Ledger(config, budget);
  }

  /**
   * Opens the teacher {@code config} names (and, in {@code teacher.mode: batch}, its Batch API
   * client); closing the session closes them.
   *
   * @param env where API keys are read from
   * @param record a cassette to record replies into, or null
   * @param failures the {@code failures.jsonl} to keep; batch mode remembers its submitted batches
   *     beside it
   */
  public static TeacherSession open(
      TeacherConfig config,
      BudgetConfig budget,
      Map<String, String> env,
      Path record,
      Settings settings,
      Path failures) {
    Teacher teacher = Teachers.open(config, env, record);
    OpenAiBatch batch = null;
    try {
      batch = config.mode() == TeacherConfig.Mode.BATCH ? Teachers.openBatch(config, env) : null;
    } catch (RuntimeException e) {
      teacher.close();
      throw e;
    }
    Path folder = failures.toAbsolutePath().getParent();
    return new TeacherSession(
        config,
        budget,
        teacher,
        batch,
        settings,
        failures,
        stage -> folder.resolve("batches-" + stage + ".json"),
        config.failureTolerance(),
        env);
  }

  /**
   * A session over a teacher the caller opened, such as a guard model under evaluation, with its
   * own {@code tolerance} of requests that may fail for good; closing the session closes it.
   */
  public static TeacherSession of(
      Teacher teacher,
      TeacherConfig limits,
      BudgetConfig budget,
      Settings settings,
      Path failures,
      double tolerance) {
    return new TeacherSession(
        limits, budget, teacher, null, settings, failures, null, tolerance, null);
  }

  @Override
  public void close() {
    try {
      teacher.close();
    } finally {
      if (batch != null) {
        batch.close();
      }
    }
  }

  /** Where the teacher is, for messages (a URL or cassette; never a key). */
  public String describeTeacher() {
    return teacher.describe();
  }

  public TeacherConfig config() {
    return config;
  }

  public Path failuresFile() {
    return failures;
  }

  /**
   * Begins one stage's requests, answered from and recorded in {@code journal}. Use it in a
   * try-with-resources: hand the stage {@link StageRequests#runner()} and {@link
   * StageRequests#failed}, call {@link StageRequests#finish} before committing the stage's output,
   * and closing records the stage's failures in {@code failures.jsonl}, also when it stopped.
   *
   * @param stage the stage's name in accounting and {@code failures.jsonl} ({@code generate},
   *     {@code label}...)
   */
  public StageRequests begin(String stage, Path journal) {
    return new StageRequests(stage, journal, null);
  }

  /**
   * Like {@link #begin(String, Path)} for one part of a stage, such as one round of it: closing
   * replaces only the stage's earlier lines in {@code failures.jsonl} whose id is in {@code ids},
   * so the failures of its other parts stay listed.
   */
  StageRequests begin(String stage, Path journal, Set<String> ids) {
    return new StageRequests(stage, journal, Set.copyOf(ids));
  }

  /**
   * Opens one judge of a jury ({@code label.judges}) for {@code stage}: its own teacher, from its
   * own config, and its own {@code journal}, so that no judge's reply answers another's request,
   * under this session's ledger, budget, stop signal and progress. Its requests that fail for good
   * are the stage's to record. Close it after the stage.
   */
  public JudgeRequests openJudge(String stage, TeacherConfig judge, Path journal) {
    if (env == null) {
      throw new IllegalStateException("this session cannot open judges of its own");
    }
    return new JudgeRequests(stage, judge, journal);
  }

  /** A runner for {@code stage} under this session's ledger, budget, stop signal and progress. */
  private RequestRunner.Builder runnerBuilder(
      Teacher to, TeacherConfig limits, Journal journal, String stage) {
    return RequestRunner.builder(to, limits)
        .journal(journal)
        .retryBaseDelay(settings.retryBaseDelay())
        .ledger(ledger)
        .stage(stage)
        .stop(settings.stop())
        .progress(settings.progress())
        .stopGrace(settings.stopGrace());
  }

  /** One judge's teacher, journal and runner; see {@link #openJudge}. */
  public final class JudgeRequests implements AutoCloseable {
    private final Teacher judgeTeacher;
    private final Journal journal;
    private final RequestRunner runner;

    private JudgeRequests(String stage, TeacherConfig judge, Path journalFile) {
      this.judgeTeacher = Teachers.open(judge, env, null);
      try {
        this.journal = Journal.open(journalFile);
      } catch (RuntimeException e) {
        judgeTeacher.close();
        throw e;
      }
      this.runner = runnerBuilder(judgeTeacher, judge, journal, stage).build();
    }

    public RequestRunner runner() {
      return runner;
    }

    @Override
    public void close() {
      try {
        journal.close();
      } finally {
        judgeTeacher.close();
      }
    }
  }

  /** One stage's journal, runner and failures; see {@link #begin}. */
  public final class StageRequests implements AutoCloseable {
    private final String stage;
    private final Journal journal;
    private final RequestRunner runner;
    private final List<FailedRequest> failed = new ArrayList<>();
    private final Set<String> ids; // null: the whole stage

    private StageRequests(String stage, Path journalFile, Set<String> ids) {
      this.stage = stage;
      this.ids = ids;
      this.journal = Journal.open(journalFile);
      RequestRunner.Builder b = runnerBuilder(teacher, config, journal, stage);
      if (batch != null) {
        b.batch(batch, batchState.apply(stage));
      }
      this.runner = b.build();
    }

    public RequestRunner runner() {
      return runner;
    }

    /** Records a request that failed for good; the stage goes on with the others. */
    public void failed(FailedRequest failure) {
      failed.add(failure);
    }

    /** The requests that failed for good so far. */
    public List<FailedRequest> failures() {
      return List.copyOf(failed);
    }

    /**
     * Fails the stage when more of its {@code requests} failed for good than {@code
     * teacher.failure_tolerance} allows. Call it before committing the stage's output.
     */
    public void finish(int requests) throws TeacherException {
      checkTolerance(stage, requests, failed);
    }

    @Override
    public void close() {
      try {
        journal.close();
      } finally {
        recordFailures(stage, ids, failed);
      }
    }
  }

  /**
   * Replaces {@code stage}'s lines in {@code failures.jsonl} (only those whose id is in {@code
   * ids}, unless it is null) with {@code stageFailures}, keeping the rest; the file is removed when
   * it would be empty.
   */
  private void recordFailures(String stage, Set<String> ids, List<FailedRequest> stageFailures) {
    List<FailedRequest> all = new ArrayList<>();
    if (Files.exists(failures)) {
      try {
        for (String line : Files.readAllLines(failures, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            FailedRequest f = Json.LENIENT.readValue(line, FailedRequest.class);
            if (!f.stage().equals(stage) || (ids != null && !ids.contains(f.id()))) {
              all.add(f);
            }
          }
        }
      } catch (JsonProcessingException e) {
        // Only a record of earlier failures, rebuilt as stages run again: start it afresh.
        all.clear();
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + failures, e);
      }
    }
    all.addAll(stageFailures);
    try {
      if (all.isEmpty()) {
        Files.deleteIfExists(failures);
      } else {
        JsonlWriter.writeAll(failures, all);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + failures, e);
    }
  }

  private void checkTolerance(String stage, int requests, List<FailedRequest> stageFailures)
      throws TeacherException {
    if (stageFailures.isEmpty()) {
      return;
    }
    long allowed = (long) Math.floor(tolerance * requests);
    if (stageFailures.size() <= allowed) {
      return;
    }
    Map<String, Integer> byKind = new TreeMap<>();
    stageFailures.forEach(f -> byKind.merge(f.kind(), 1, Integer::sum));
    String mostCommon =
        byKind.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    throw new TeacherException(
        TeacherException.Kind.valueOf(mostCommon.toUpperCase(Locale.ROOT)),
        stage
            + ": "
            + stageFailures.size()
            + " of "
            + requests
            + " requests failed for good ("
            + byKind
            + "; teacher.failure_tolerance "
            + tolerance
            + " allows "
            + allowed
            + "); each is listed with its error in "
            + failures
            + ". Every other reply is"
            + " journalled: run the same command again to retry only these, or raise"
            + " teacher.failure_tolerance to accept the loss. First error: "
            + stageFailures.get(0).message());
  }

  /** Whether any stage asked the teacher anything (the journal's answers included). */
  public boolean usedTeacher() {
    StageUsage t = ledger.total();
    return t.requests() + t.failed() > 0;
  }

  RunUsage usage() {
    return RunUsage.of(ledger);
  }

  /** One line for stderr: requests, where they came from, tokens and cost, per model if several. */
  public String summary() {
    StageUsage t = ledger.total();
    StringBuilder line = new StringBuilder();
    line.append(
        String.format(
            Locale.ROOT,
            "teacher: %,d replies (%,d sent, %,d from the journal), %,d failed, %,d retries;"
                + " %,d input + %,d output tokens; $%.4f (this session $%.4f)",
            t.requests(),
            t.sent(),
            t.fromJournal(),
            t.failed(),
            t.retries(),
            t.inputTokens(),
            t.outputTokens(),
            t.costUsd(),
            t.sentCostUsd()));
    Map<String, StageUsage> byModel = new TreeMap<>();
    ledger
        .byStage()
        .values()
        .forEach(m -> m.forEach((model, u) -> byModel.merge(model, u, StageUsage::plus)));
    if (byModel.size() > 1) {
      line.append("; by model:");
      byModel.entrySet().stream()
          .sorted(Comparator.comparing(Map.Entry::getKey))
          .forEach(e ->
              line.append(
                  String.format(Locale.ROOT, " %s $%.4f", e.getKey(), e.getValue().costUsd())));
    }
    return line.toString();
  }
}
