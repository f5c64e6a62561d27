package dev.guardsynth.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.dedup.DedupResult;
import dev.guardsynth.dedup.Deduplicator;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.OpenAiBatch;
import dev.guardsynth.teacher.Progress;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.StoppedException;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.teacher.Teachers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code guardsynth run}: drives every stage over one run directory, {@code output/<name>/}. A
 * stage whose output exists and whose inputs and config are unchanged since it completed is
 * skipped; the request journal means a re-run never pays for a reply it already has.
 */
public final class Pipeline {
  private static final System.Logger LOG = System.getLogger("guardsynth.run");

  /**
   * @param record a cassette to record teacher replies into, or null
   * @param env where API keys are read from (the process environment in production)
   * @param retryBaseDelay the first retry's wait (zero in tests)
   * @param stop set to stop the run cleanly (Ctrl-C); checked between stages and by the teacher
   * @param progress receives progress of teacher requests
   * @param stopGrace how long requests in flight may finish after a stop
   */
  public record Options(
      Path record,
      Map<String, String> env,
      Duration retryBaseDelay,
      Clock clock,
      StopSignal stop,
      Progress.Listener progress,
      Duration stopGrace) {
    public Options {
      stop = stop == null ? new StopSignal() : stop;
      progress = progress == null ? Progress.Listener.NONE : progress;
      stopGrace = stopGrace == null ? RequestRunner.DEFAULT_STOP_GRACE : stopGrace;
    }

    /** Options with no stop signal and no progress display. */
    public Options(Path record, Map<String, String> env, Duration retryBaseDelay, Clock clock) {
      this(record, env, retryBaseDelay, clock, null, null, null);
    }
  }

  private final GuardsynthConfig config;
  private final Options options;
  private final RunDirectory dir;

  public Pipeline(GuardsynthConfig config, Options options) {
    this.config = config;
    this.options = options;
    this.dir = new RunDirectory(Path.of(config.output()).resolve(config.name()));
  }

  public RunDirectory directory() {
    return dir;
  }

  /** Runs all stages; returns the run log's content as written to {@code run.json}. */
  public Map<String, Object> run() throws TeacherException, InterruptedException {
    // Everything that can be wrong with the config is found before the first paid request.
    PromptPlanner planner = PromptPlanner.open(config);
    DatasetStages dataset = DatasetStages.open(config, options, dir, planner.taxonomy());
    boolean batchMode = config.teacher().mode().equals("batch");
    try (Teacher teacher = Teachers.open(config.teacher(), options.env(), options.record());
        OpenAiBatch batch =
            batchMode ? Teachers.openBatch(config.teacher(), options.env()) : null) {
      createDirectory();
      RunLog log = RunLog.open(dir.runJson(), config, options.clock());
      TeacherSession session = new TeacherSession(config, options, dir, teacher, batch);
      try {
        List<PromptSpec> prompts = plan(planner, log);
        options.stop().check();
        generate(prompts, session, log);
        options.stop().check();
        dedup(log);
        options.stop().check();
        dataset.filter(log);
        dataset.label(session, log);
        options.stop().check();
        dataset.export(log);
        log.finish("complete");
        return log.asMap();
      } catch (StoppedException e) {
        log.put("stop_reason", e.getMessage());
        log.finish("stopped");
        throw e;
      } catch (InterruptedException e) {
        log.finish("stopped");
        throw e;
      } catch (TeacherException | RuntimeException e) {
        log.finish("failed");
        throw e;
      } finally {
        log.put("usage", session.usage());
        putCostPerQuestion(log, session);
        if (session.usedTeacher()) {
          LOG.log(Level.INFO, session.summary());
        }
      }
    }
  }

  /** {@code cost_per_question} in run.json, once the export stage has counted its questions. */
  private static void putCostPerQuestion(RunLog log, TeacherSession session) {
    JsonNode questions = log.stageNode("export").path("counts").path("questions");
    if (!questions.canConvertToLong()) {
      return;
    }
    Map<String, StageUsage> byStage = new LinkedHashMap<>();
    session
        .ledger()
        .byStage()
        .forEach((stage, models) ->
            byStage.put(stage, models.values().stream().reduce(StageUsage.ZERO, StageUsage::plus)));
    log.put("cost_per_question", CostPerQuestion.of(byStage, questions.asLong()));
  }

  /** The dry run's note on the label stage, whose requests depend on what survives the filter. */
  private List<String> labelNote(int questions) {
    LabelConfig label = config.label();
    if (!label.judge() && !label.respond()) {
      return List.of();
    }
    long judge = label.judge() ? (questions + label.batchSize() - 1) / label.batchSize() : 0;
    long respond =
        label.respond() ? (questions + label.respondBatchSize() - 1) / label.respondBatchSize() : 0;
    return List.of(
        "label: not in the estimate; it asks the teacher about the questions that survive dedup"
            + " and filter, "
            + label.batchSize()
            + " per judge request and "
            + label.respondBatchSize()
            + " per respond request: at most about "
            + (judge + respond)
            + " requests for these prompts (plus one per question whose batched answer is"
            + " missing), sharing the budget; run.json's cost_per_question shows what each"
            + " exported question cost");
  }

  /**
   * What {@link #run} would send to the teacher, without sending anything or writing any file:
   * prompts per stage, requests the journal does not answer yet, and their estimated tokens and
   * cost against the budget.
   */
  public RunPlan dryRun() {
    PromptPlanner planner = PromptPlanner.open(config);
    List<PromptSpec> prompts = planner.plan();
    List<TeacherRequest> requests =
        prompts.stream().map(p -> QuestionGenerator.request(p, config.teacher())).toList();
    int questions = prompts.stream().mapToInt(PromptSpec::count).sum();
    List<String> notes = labelNote(questions);
    return RunPlan.estimate(
        config,
        dir,
        List.of(
            new RunPlan.StageRequests(
                "generate",
                requests,
                prompts.stream().map(PromptSpec::count).toList(),
                dir.responses())),
        notes);
  }

  private List<PromptSpec> plan(PromptPlanner planner, RunLog log) {
    long start = System.nanoTime();
    List<PromptSpec> prompts = planner.plan();
    JsonlWriter.writeAll(dir.prompts(), prompts);
    log.stage("plan", "complete", null, seconds(start), Map.of("prompts", prompts.size()));
    LOG.log(Level.INFO, "plan: {0} prompts", prompts.size());
    return prompts;
  }

  private void generate(List<PromptSpec> prompts, TeacherSession session, RunLog log)
      throws TeacherException, InterruptedException {
    String fingerprint =
        Ids.sha256Hex(Ids.sha256File(dir.prompts()) + Json.write(config.teacher()));
    if (isDone(log, "generate", fingerprint, dir.candidates())) {
      LOG.log(Level.INFO, "generate: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    GenerateResult result;
    List<FailedRequest> failures = new ArrayList<>();
    try (Journal journal = Journal.open(dir.responses());
        JsonlWriter out = JsonlWriter.create(dir.candidates())) {
      RequestRunner runner = session.runner("generate", journal);
      result =
          new QuestionGenerator(runner, config.teacher()).run(prompts, out::write, failures::add);
      session.checkTolerance("generate", prompts.size(), failures);
      out.commit();
    } catch (StoppedException e) {
      log.stage("generate", "stopped", null, seconds(start), Map.of("reason", e.getMessage()));
      throw e;
    } finally {
      session.recordFailures("generate", failures);
    }
    // With failures (within the tolerance) no fingerprint is kept, so the next run retries them.
    log.stage(
        "generate", "complete", failures.isEmpty() ? fingerprint : null, seconds(start), result);
    LOG.log(
        Level.INFO,
        "generate: {0} requests ({1} from the journal), {2} candidates, {3} exact duplicates, {4} refusals, {5} unparseable lines",
        result.requests(),
        result.fromJournal(),
        result.candidates(),
        result.exactDuplicates(),
        result.refusals(),
        result.unparseable());
  }

  private void dedup(RunLog log) throws InterruptedException {
    String fingerprint =
        Ids.sha256Hex(Ids.sha256File(dir.candidates()) + Json.write(config.dedup()));
    if (isDone(log, "dedup", fingerprint, dir.unique())) {
      LOG.log(Level.INFO, "dedup: unchanged since the last run, skipped");
      return;
    }
    DedupResult result;
    // The run name is the release: re-running this run replaces its questions in the index
    // instead of finding them there as earlier duplicates.
    try (Deduplicator deduplicator = Deduplicator.open(config.dedup(), config.name());
        JsonlReader<Candidate> in = JsonlReader.open(dir.candidates(), Candidate.class);
        JsonlWriter unique = JsonlWriter.create(dir.unique());
        JsonlWriter duplicates = JsonlWriter.create(dir.duplicates());
        JsonlWriter crossLabel = JsonlWriter.create(dir.crossLabel())) {
      result = deduplicator.run(in.iterator(), unique::write, duplicates::write, crossLabel::write);
      duplicates.commit();
      crossLabel.commit();
      unique.commit();
      deduplicator.commit();
    }
    log.stage("dedup", "complete", fingerprint, result.seconds(), result);
    LOG.log(
        Level.INFO,
        "dedup: {0} questions, {1} kept, {2} duplicates, {3} cross-label pairs",
        result.questions(),
        result.unique(),
        result.duplicates(),
        result.crossLabelPairs());
  }

  static boolean isDone(RunLog log, String stage, String fingerprint, Path output) {
    return fingerprint.equals(log.completedFingerprint(stage)) && Files.exists(output);
  }

  private void createDirectory() {
    try {
      Files.createDirectories(dir.root());
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + dir.root(), e);
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
