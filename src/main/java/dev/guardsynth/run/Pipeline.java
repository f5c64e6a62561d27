package dev.guardsynth.run;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.export.ExportResult;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.generate.ReplyLength;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.Progress;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.StoppedException;
import dev.guardsynth.teacher.TeacherException;
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
import java.util.Optional;

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

  /** Runs all stages; returns the run's record as written to {@code run.json}. */
  public RunRecord run() throws TeacherException, InterruptedException {
    // Everything that can be wrong with the input is found before the first paid request.
    Preflight checked = Preflight.check(config, dir);
    RoundPlanner rounds = RoundPlanner.of(checked.planner());
    QuestionFilter filter = checked.filter();
    LabelStage label = checked.label();
    ExportStage export = checked.export();
    Map<String, Integer> asked = new LinkedHashMap<>();
    checked.planner().cells().forEach(c -> asked.put(c.language(), checked.planner().perCall()));
    maxTokensWarning(asked).ifPresent(w -> LOG.log(Level.WARNING, w));
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
      Preflight.repairJournal(dir);
      RunLog log = RunLog.open(dir.runJson(), config, options.clock());
      try {
        Rounds.Outcome outcome =
            new Rounds(
                    new Rounds.Context(config, dir, session, log, options.stop()),
                    rounds,
                    filter,
                    label)
                .run();
        options.stop().check();
        List<RunRecord.ShortCell> shortCells = shortCells(outcome);
        // A budget stop exports what the completed rounds kept: nothing paid for is lost.
        export(export, log, shortCells);
        log.outcome(
            outcome.rounds(),
            outcome.cells(),
            outcome.exported(),
            shortCells,
            shortCells.isEmpty() && outcome.exported() > 0);
        log.usage(session.usage(), costPerQuestion(session, log));
        if (outcome.budget() != null) {
          log.finish(StageStatus.STOPPED, outcome.budget().getMessage());
        } else {
          log.finish(StageStatus.COMPLETE, null);
        }
        return log.record();
      } catch (StoppedException e) {
        finish(log, session, StageStatus.STOPPED, e.getMessage());
        throw e;
      } catch (InterruptedException e) {
        finish(log, session, StageStatus.STOPPED, null);
        throw e;
      } catch (TeacherException | RuntimeException e) {
        finish(log, session, StageStatus.FAILED, null);
        throw e;
      } finally {
        if (session.usedTeacher()) {
          LOG.log(Level.INFO, session.summary());
        }
      }
    }
  }

  private static void finish(
      RunLog log, TeacherSession session, StageStatus status, String stopReason) {
    log.usage(session.usage(), costPerQuestion(session, log));
    log.finish(status, stopReason);
  }

  /** The questions an export counted, as run.json's export entry holds them. */
  private record Exported(Long questions) {}

  /**
   * {@code cost_per_question} in run.json, once the export stage has counted its questions (now or
   * in the run this one resumes), else null.
   */
  private static CostPerQuestion costPerQuestion(TeacherSession session, RunLog log) {
    RunRecord.StageEntry export = log.record().stage("export");
    Exported exported = export == null ? null : export.counts(Exported.class);
    if (exported == null || exported.questions() == null) {
      return null;
    }
    Map<String, StageUsage> byStage = new LinkedHashMap<>();
    session
        .usage()
        .byStage()
        .forEach((stage, models) ->
            byStage.put(stage, models.values().stream().reduce(StageUsage.ZERO, StageUsage::plus)));
    return CostPerQuestion.of(byStage, exported.questions());
  }

  /**
   * The warning {@link ReplyLength} gives when {@code teacher.max_tokens} is too small for the most
   * questions a prompt asks for in each language.
   */
  private Optional<String> maxTokensWarning(Map<String, Integer> mostPerLanguage) {
    return ReplyLength.warning(mostPerLanguage, config.teacher().maxTokens());
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
        "label: not in the stage totals (the cost per exported question above estimates it);"
            + " it asks the teacher about the questions that survive dedup and filter, "
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
    PromptPlanner planner = Preflight.check(config, dir).planner();
    List<String> damaged = Preflight.checkWithoutRunning(config, dir);
    List<PromptSpec> prompts = planner.plan();
    int questions = prompts.stream().mapToInt(PromptSpec::count).sum();
    List<String> notes = new ArrayList<>(labelNote(questions));
    notes.addAll(damaged);
    Map<String, Integer> asked = new LinkedHashMap<>();
    prompts.forEach(p -> asked.merge(p.language(), p.count(), Math::max));
    maxTokensWarning(asked).ifPresent(w -> notes.add("warning: " + w));
    RunPlan plan =
        RunPlan.estimate(
            config, dir, List.of(RunPlan.StageRequests.generate(prompts, config, dir)), notes);
    return plan.withCells(cellPlans(planner, prompts))
        .withCostPerQuestion(
            perQuestionStages(planner, prompts, plan.stages().get(0)),
            exportedInRoundOne(planner, prompts));
  }

  /**
   * Round 1's stages as the cost per exported question counts them: generate as planned, and the
   * label stage's judge and respond requests about every question asked (as if all survived dedup
   * and filter), each question's text one of its category's seed examples, so the estimate's
   * prompts are as long as real ones.
   */
  private List<RunPlan.StagePlan> perQuestionStages(
      PromptPlanner planner, List<PromptSpec> prompts, RunPlan.StagePlan generate) {
    Taxonomy taxonomy = planner.taxonomy();
    List<LabelPrompts.RespondItem> questions = new ArrayList<>();
    for (PromptSpec p : prompts) {
      Category category = taxonomy.find(p.category()).orElseThrow();
      List<String> seeds =
          p.label() == Label.SAFE
              ? category.safeExamples(p.language())
              : category.examples(p.language());
      for (int i = 0; i < p.count(); i++) {
        String text = seeds.isEmpty() ? category.name(p.language()) : seeds.get(i % seeds.size());
        questions.add(
            new LabelPrompts.RespondItem(
                String.valueOf(questions.size()), text, p.label(), p.category(), p.language()));
      }
    }
    QuestionLabeler.Planned planned =
        QuestionLabeler.planned(
            config.teacher(),
            config.label(),
            LabelPrompts.read(config, taxonomy),
            taxonomy,
            questions);
    List<RunPlan.StagePlan> label =
        RunPlan.estimate(
                config,
                dir,
                List.of(
                    new RunPlan.StageRequests(
                        "judge", planned.judge(), planned.judgeSizes(), dir.responses()),
                    new RunPlan.StageRequests(
                        "respond", planned.respond(), planned.respondSizes(), dir.responses())),
                List.of())
            .stages();
    List<RunPlan.StagePlan> out = new ArrayList<>();
    out.add(generate);
    label.stream().filter(s -> s.prompts() > 0).forEach(out::add);
    return out;
  }

  /**
   * Questions round 1 would export if every question asked were kept: each cell's, up to its
   * target.
   */
  private static long exportedInRoundOne(PromptPlanner planner, List<PromptSpec> prompts) {
    Map<Cell, Integer> asked = new LinkedHashMap<>();
    prompts.forEach(
        p -> asked.merge(new Cell(p.category(), p.label(), p.language()), p.count(), Integer::sum));
    return asked.entrySet().stream()
        .mapToLong(e -> Math.min(e.getValue(), planner.target(e.getKey())))
        .sum();
  }

  /** Round 1 per cell: its target, the questions its prompts ask, and their estimate. */
  private List<RunPlan.CellPlan> cellPlans(PromptPlanner planner, List<PromptSpec> prompts) {
    Map<Cell, List<PromptSpec>> byCell = new LinkedHashMap<>();
    planner.cells().forEach(c -> byCell.put(c, new ArrayList<>()));
    prompts.forEach(p -> byCell.get(new Cell(p.category(), p.label(), p.language())).add(p));
    List<RunPlan.StageRequests> perCell = new ArrayList<>();
    byCell.forEach((cell, ps) ->
        perCell.add(
            new RunPlan.StageRequests(
                cell.id(),
                ps.stream().map(p -> QuestionGenerator.request(p, config.teacher())).toList(),
                ps.stream().map(PromptSpec::count).toList(),
                dir.responses())));
    List<RunPlan.StagePlan> estimates = RunPlan.estimate(config, dir, perCell, List.of()).stages();
    List<RunPlan.CellPlan> out = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Cell, List<PromptSpec>> e : byCell.entrySet()) {
      out.add(
          new RunPlan.CellPlan(
              e.getKey().id(),
              planner.target(e.getKey()),
              e.getValue().stream().mapToInt(PromptSpec::count).sum(),
              estimates.get(i++)));
    }
    return out;
  }

  /** The cells short of {@code targets.min_fill}, with why and what they lost. */
  private List<RunRecord.ShortCell> shortCells(Rounds.Outcome outcome) {
    double minFill = config.targets().minFill();
    List<RunRecord.ShortCell> out = new ArrayList<>();
    for (CellOutcome c : outcome.cells()) {
      if (c.fill() + 1e-9 < minFill) {
        out.add(
            new RunRecord.ShortCell(c.cell(), c.target(), c.exported(), c.status(), c.losses()));
      }
    }
    return out;
  }

  /** labeled.jsonl → dataset/, its card naming the short cells. */
  private void export(ExportStage export, RunLog log, List<RunRecord.ShortCell> shortCells)
      throws TeacherException, InterruptedException {
    List<Labeled> questions = readAll(dir.labeled(), Labeled.class);
    if (questions.isEmpty() && Files.exists(dir.dataset().resolve("manifest.json"))) {
      // Nothing to export never replaces a dataset; the run fails, naming its short cells.
      LOG.log(
          Level.WARNING, "export: no labeled question to export; the dataset is left as it was");
      StageStep.ofRun(log).record("export", StageStatus.SKIPPED, new Exported(0L));
      return;
    }
    List<String> lines = shortCells.stream().map(RunRecord.ShortCell::describe).toList();
    StageStep.ofRun(log)
        .run(
            "export",
            Ids.sha256Hex(export.fingerprint(config.export(), dir.labeled()) + lines),
            dir.dataset().resolve("manifest.json"),
            () -> {
              ExportResult result = export.run(config.export(), questions, dir.dataset(), lines);
              return StageStep.Ran.complete(result, null);
            },
            () -> null);
  }

  static <T> List<T> readAll(Path file, Class<T> type) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try (JsonlReader<T> in = JsonlReader.open(file, type)) {
      return in.stream().toList();
    }
  }

  private void createDirectory() {
    try {
      Files.createDirectories(dir.root());
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + dir.root(), e);
    }
  }
}
