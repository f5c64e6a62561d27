package dev.guardsynth.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.dedup.DedupResult;
import dev.guardsynth.export.ExportResult;
import dev.guardsynth.filter.FilterResult;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.label.LabelResult;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.Progress;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.StoppedException;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

    TeacherSession.Settings settings() {
      return new TeacherSession.Settings(retryBaseDelay, stop, progress, stopGrace);
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
    Taxonomy taxonomy = planner.taxonomy();
    QuestionFilter filter = QuestionFilter.open(config.filters());
    LabelStage label = LabelStage.open(config, taxonomy);
    ExportStage export = ExportStage.open(config, taxonomy);
    try (TeacherSession session =
            TeacherSession.open(
                config.teacher(),
                config.budget(),
                options.env(),
                options.record(),
                options.settings(),
                dir.failures());
        RunLock lock = RunLock.acquire(dir.root(), options.clock())) {
      createDirectory();
      RunLog log = RunLog.open(dir.runJson(), config, options.clock());
      try {
        List<PromptSpec> prompts = plan(planner, log);
        options.stop().check();
        generate(prompts, session, log);
        options.stop().check();
        dedup(log);
        options.stop().check();
        filter(filter, log);
        label(label, session, log);
        options.stop().check();
        export(export, log);
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
        .usage()
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
    try (JsonlWriter out = JsonlWriter.create(dir.prompts())) {
      PlanStage.write(prompts, out);
    }
    log.stage("plan", "complete", null, seconds(start), Map.of("prompts", prompts.size()));
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
    try (JsonlWriter out = JsonlWriter.create(dir.candidates())) {
      result = GenerateStage.run(session, prompts, dir.responses(), out);
    } catch (StoppedException e) {
      log.stage("generate", "stopped", null, seconds(start), Map.of("reason", e.getMessage()));
      throw e;
    }
    // With failures (within the tolerance) no fingerprint is kept, so the next run retries them.
    log.stage(
        "generate", "complete", result.failed() == 0 ? fingerprint : null, seconds(start), result);
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
    try (JsonlReader<Candidate> in = JsonlReader.open(dir.candidates(), Candidate.class);
        JsonlWriter unique = JsonlWriter.create(dir.unique());
        JsonlWriter duplicates = JsonlWriter.create(dir.duplicates());
        JsonlWriter crossLabel = JsonlWriter.create(dir.crossLabel())) {
      result =
          DedupStage.run(
              config.dedup(), config.name(), in.iterator(), unique, duplicates, crossLabel);
    }
    log.stage("dedup", "complete", fingerprint, result.seconds(), result);
  }

  /** unique.jsonl → kept.jsonl + rejected.jsonl. */
  private void filter(QuestionFilter filter, RunLog log) {
    String fingerprint = Ids.sha256Hex(Ids.sha256File(dir.unique()) + filter.fingerprint());
    if (isDone(log, "filter", fingerprint, dir.kept())) {
      LOG.log(Level.INFO, "filter: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    FilterResult result;
    try (JsonlReader<Candidate> in = JsonlReader.open(dir.unique(), Candidate.class);
        JsonlWriter kept = JsonlWriter.create(dir.kept());
        JsonlWriter rejected = JsonlWriter.create(dir.rejected())) {
      result = FilterStage.run(filter, in.stream(), kept, rejected);
    }
    log.stage("filter", "complete", fingerprint, seconds(start), result);
  }

  /** kept.jsonl → labeled.jsonl + label_rejected.jsonl + disagreements.jsonl. */
  private void label(LabelStage label, TeacherSession session, RunLog log)
      throws TeacherException, InterruptedException {
    String fingerprint = Ids.sha256Hex(Ids.sha256File(dir.kept()) + label.fingerprint());
    if (isDone(log, "label", fingerprint, dir.labeled())) {
      LOG.log(Level.INFO, "label: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    List<Candidate> kept = readAll(dir.kept(), Candidate.class);
    LabelResult result;
    try (JsonlWriter labeled = JsonlWriter.create(dir.labeled());
        JsonlWriter rejected = JsonlWriter.create(dir.labelRejected());
        JsonlWriter disagreements = JsonlWriter.create(dir.disagreements())) {
      result = label.run(session, kept, dir.responses(), labeled, rejected, disagreements);
    }
    // With failures (within the tolerance) no fingerprint is kept, so the next run retries them.
    boolean failed = result.rejectedByReason().containsKey("request_failed");
    log.stage("label", "complete", failed ? null : fingerprint, seconds(start), result);
  }

  /** labeled.jsonl → dataset/. */
  private void export(ExportStage export, RunLog log) {
    String fingerprint =
        Ids.sha256Hex(Ids.sha256File(dir.labeled()) + export.fingerprint(config.export()));
    if (isDone(log, "export", fingerprint, dir.dataset().resolve("manifest.json"))) {
      LOG.log(Level.INFO, "export: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    ExportResult result =
        export.run(config.export(), readAll(dir.labeled(), Labeled.class), dir.dataset());
    log.stage("export", "complete", fingerprint, seconds(start), result);
  }

  static <T> List<T> readAll(Path file, Class<T> type) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try (JsonlReader<T> in = JsonlReader.open(file, type)) {
      return in.stream().toList();
    }
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
