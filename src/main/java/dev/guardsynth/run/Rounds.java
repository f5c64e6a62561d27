package dev.guardsynth.run;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.dedup.DedupResult;
import dev.guardsynth.filter.FilterResult;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.label.LabelResult;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.BudgetExceededException;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.TeacherException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rounds of {@code run}: plan each cell's deficit ({@link RoundPolicy}), generate, dedup
 * against everything kept so far, filter, label, and keep each cell's questions up to its target;
 * repeat until every cell is settled or {@code targets.max_rounds} is reached.
 *
 * <p>Each round's stage files live in {@code rounds/NN/}; each stage is one {@link StageStep},
 * skipped on a re-run when its inputs are unchanged, and hands what it wrote to the next in memory.
 * The next round's plan is computed again from what the earlier rounds kept, so a resumed run asks
 * the same requests and the journal answers them. The run folder's own files are kept by {@link
 * RunFiles}. Not thread-safe.
 */
final class Rounds {
  private static final System.Logger LOG = System.getLogger("guardsynth.run");

  /** What the rounds work in: the run's config, folder, teacher session, log and stop signal. */
  record Context(
      GuardsynthConfig config,
      RunDirectory dir,
      TeacherSession session,
      RunLog log,
      StopSignal stop) {}

  private final Context run;
  private final RoundPlanner planner;
  private final QuestionFilter filter;
  private final LabelStage label;
  private final RunFiles files;

  // What the earlier rounds wrote, kept so no round reads an earlier round's files again.
  private final Set<String> generated = new HashSet<>(); // every candidate's id
  private final List<Candidate> unique = new ArrayList<>(); // kept by dedup, in order
  private final List<RunFiles.Labels> labels = new ArrayList<>(); // per round

  Rounds(Context run, RoundPlanner planner, QuestionFilter filter, LabelStage label) {
    this.run = run;
    this.planner = planner;
    this.filter = filter;
    this.label = label;
    this.files = new RunFiles(run.dir(), run.log(), Json.write(run.config().targets()));
  }

  /**
   * What the rounds delivered.
   *
   * @param rounds how many rounds ran
   * @param exported questions kept within targets, the export's input
   * @param budget why the budget stopped the rounds, or null
   */
  record Outcome(
      int rounds, int exported, List<CellOutcome> cells, BudgetExceededException budget) {}

  /** The plan stage's counts in run.json. */
  record PlanCounts(int prompts) {}

  /**
   * Runs rounds until every cell is settled, {@code max_rounds} or the budget; returns the outcome.
   * A budget stop after round 1 is an outcome, not a failure: the rounds completed before it are
   * kept (a round the budget stopped halfway has no labeled questions to keep; the journal keeps
   * its replies), the cells still short are {@code budget}, and {@link Outcome#budget} says why; in
   * round 1 it throws, as there is nothing to export. From round 2 on, a round whose requests
   * (generate, and the label stage's at most) the budget left cannot pay for is not started.
   */
  Outcome run() throws TeacherException, InterruptedException {
    TargetsConfig targets = run.config().targets();
    RoundPolicy policy = new RoundPolicy(planner, targets.maxAskFactor());
    int round = 0;
    BudgetExceededException budget = null;
    while (round < targets.maxRounds()) {
      Map<Cell, Integer> ask = policy.ask(round + 1);
      if (ask.isEmpty()) {
        break;
      }
      if (round > 0) {
        ask = fitInMemory(ask, round + 1);
      }
      List<PromptSpec> prompts = planner.plan(ask, policy.accepted(), round + 1);
      String unaffordable = round == 0 ? null : unaffordable(prompts);
      if (unaffordable != null) {
        budget =
            new BudgetExceededException(
                "the budget left cannot pay for round " + (round + 1) + ": " + unaffordable);
        break;
      }
      round++;
      run.stop().check();
      Round done;
      try {
        done = runRound(round, prompts, policy.kept());
      } catch (BudgetExceededException e) {
        if (round == 1) {
          throw e; // no round completed: nothing to export, and an earlier dataset stays
        }
        budget = e;
        round--;
        files.rebuild(round, labels, policy::target); // the completed rounds only
        break;
      }
      labels.add(done.labels());
      policy.keep(round, done);
      files.rebuild(round, labels, policy::target);
      policy.settle(round, targets.minYield());
      run.log().roundCells(round, policy.roundCells(round));
    }
    policy.close(budget != null);
    if (budget == null) {
      files.forgetRoundsAfter(
          round); // after a budget stop the next round's files are for the resume
    }
    Outcome outcome = new Outcome(round, policy.exported(), policy.outcomes(), budget);
    LOG.log(
        Level.INFO,
        "rounds: {0} round(s), {1} questions kept for {2} cells",
        round,
        outcome.exported(),
        outcome.cells().size());
    return outcome;
  }

  /**
   * {@code ask} cut, every cell in proportion, to the prompts the planner can hold in memory (round
   * 1 is refused by the planner instead, before anything is paid): a later round asks up to {@code
   * max_ask_factor} × each deficit, which can be more than round 1 was.
   */
  private Map<Cell, Integer> fitInMemory(Map<Cell, Integer> ask, int round) {
    long prompts = 0;
    for (int questions : ask.values()) {
      prompts += (questions + planner.perCall() - 1) / planner.perCall();
    }
    long max = planner.maxPrompts();
    if (prompts <= max) {
      return ask;
    }
    double share = (double) max / prompts;
    Map<Cell, Integer> out = new LinkedHashMap<>();
    ask.forEach((cell, questions) ->
        out.put(
            cell, Math.max(1, (int) (questions * share / planner.perCall()) * planner.perCall())));
    LOG.log(
        Level.WARNING,
        "round {0}: {1} prompts do not fit in memory; asking each cell {2}% of its ask",
        round,
        prompts,
        Math.round(share * 100));
    return out;
  }

  /**
   * Why the budget left cannot pay for the whole round of {@code prompts}, or null when it can: its
   * generate requests the journal does not answer yet, and the label stage's at most (every
   * question those requests ask reaching it), with their tokens and cost as the dry run estimates
   * them.
   */
  private String unaffordable(List<PromptSpec> prompts) {
    RunPlan plan =
        RunPlan.estimate(
            run.config(),
            run.dir(),
            List.of(RunPlan.StageRequests.generate(prompts, run.config(), run.dir())),
            List.of());
    RunPlan.StagePlan g = plan.stages().get(0);
    long requests = g.toSend();
    long tokens = g.estimatedInputTokens() + g.estimatedOutputTokens();
    double cost = g.estimatedCostUsd();
    // Questions whose generate requests the journal answered were labeled (or are being labeled)
    // in the run this one resumes: only the unanswered share is counted for the label stage.
    double unanswered = g.prompts() == 0 ? 0 : (double) g.toSend() / g.prompts();
    List<RunPlan.StagePlan> labels =
        RunPlan.estimate(
                run.config(),
                run.dir(),
                label.plannedFor(prompts, run.dir().responses()),
                List.of())
            .stages();
    for (RunPlan.StagePlan s : labels) {
      requests += (long) Math.ceil(s.toSend() * unanswered);
      tokens += Math.round((s.estimatedInputTokens() + s.estimatedOutputTokens()) * unanswered);
      cost += s.estimatedCostUsd() * unanswered;
    }
    List<String> over =
        RunPlan.overBudget(run.config().budget(), plan.spent(), requests, tokens, cost);
    return over.isEmpty()
        ? null
        : String.join("; ", over)
            + " (generate "
            + g.toSend()
            + " requests, label at most "
            + (requests - g.toSend())
            + ")";
  }

  /**
   * One round's stages, each handing what it wrote to the next; {@code settled} are the questions
   * earlier rounds kept.
   */
  private Round runRound(int round, List<PromptSpec> prompts, List<Labeled> settled)
      throws TeacherException, InterruptedException {
    RunDirectory r = run.dir().round(round);
    StageStep step = StageStep.ofRound(run.log(), round);
    try (JsonlWriter out = JsonlWriter.create(r.prompts())) {
      PlanStage.write(prompts, out);
    }
    files.prompts(round);
    step.record("plan", StageStatus.COMPLETE, new PlanCounts(prompts.size()));
    LOG.log(
        Level.INFO,
        "round {0}: {1} prompts asking {2} questions for {3} cells",
        round,
        prompts.size(),
        prompts.stream().mapToInt(PromptSpec::count).sum(),
        prompts.stream().map(Rounds::cellOf).distinct().count());

    List<Candidate> candidates = generate(step, r, prompts);
    candidates.forEach(c -> generated.add(c.id()));
    run.stop().check();
    List<Candidate> roundUnique = dedup(step, r, candidates);
    unique.addAll(roundUnique);
    run.stop().check();
    Filtered filtered = filter(step, r, roundUnique);
    RunFiles.Labels labeled = label(step, r, filtered.kept(), settled);
    run.stop().check();
    Map<Cell, Integer> asked = new LinkedHashMap<>();
    prompts.forEach(p -> asked.merge(cellOf(p), p.count(), Integer::sum));
    CellLosses losses = new CellLosses();
    losses.generate(asked, candidates);
    losses.dedup(candidates, roundUnique);
    losses.rejected("filter", roundUnique, filtered.rejected());
    losses.rejected("label", filtered.kept(), labeled.rejected());
    return new Round(asked, roundUnique, labeled, losses);
  }

  /**
   * What one round gave, in memory: what it asked of each cell, the new unique questions (after
   * dedup), the label stage's output and each cell's losses on the way.
   */
  record Round(
      Map<Cell, Integer> asked,
      List<Candidate> unique,
      RunFiles.Labels labels,
      CellLosses losses) {}

  private static Cell cellOf(PromptSpec p) {
    return new Cell(p.category(), p.label(), p.language());
  }

  private List<Candidate> generate(StageStep step, RunDirectory r, List<PromptSpec> prompts)
      throws TeacherException, InterruptedException {
    Set<String> earlier = Set.copyOf(generated);
    return step.run(
        "generate",
        GenerateStage.fingerprint(r.prompts(), run.config().teacher(), earlier),
        r.candidates(),
        () -> {
          List<Candidate> out = new ArrayList<>();
          try (JsonlWriter candidates = JsonlWriter.create(r.candidates()).copyingInto(out)) {
            GenerateResult result =
                GenerateStage.run(
                    run.session(), run.dir().responses(), prompts, earlier, candidates);
            // With failures (within the tolerance) the next run retries them.
            return StageStep.Ran.completeWithFailures(result, result.failed() > 0, out);
          }
        },
        () -> Pipeline.readAll(r.candidates(), Candidate.class));
  }

  /** This round's candidates, deduplicated against every earlier round's kept questions too. */
  private List<Candidate> dedup(StageStep step, RunDirectory r, List<Candidate> candidates)
      throws TeacherException, InterruptedException {
    List<Candidate> earlier = List.copyOf(unique);
    return step.run(
        "dedup",
        DedupStage.fingerprint(run.config().dedup(), r.candidates(), earlier),
        r.unique(),
        () -> {
          List<Candidate> out = new ArrayList<>();
          // The run name is the release: the index holds every round's kept questions under it,
          // and re-running this run replaces them instead of finding them there as duplicates.
          try (JsonlWriter kept = JsonlWriter.create(r.unique()).copyingInto(out);
              JsonlWriter duplicates = JsonlWriter.create(r.duplicates());
              JsonlWriter crossLabel = JsonlWriter.create(r.crossLabel())) {
            DedupResult result =
                DedupStage.run(
                    run.config().dedup(),
                    run.config().name(),
                    earlier,
                    candidates.iterator(),
                    kept,
                    duplicates,
                    crossLabel);
            return StageStep.Ran.complete(result, out);
          }
        },
        () -> Pipeline.readAll(r.unique(), Candidate.class));
  }

  /** What the filter of one round kept and rejected. */
  private record Filtered(List<Candidate> kept, List<Rejected> rejected) {}

  private Filtered filter(StageStep step, RunDirectory r, List<Candidate> questions)
      throws TeacherException, InterruptedException {
    return step.run(
        "filter",
        FilterStage.fingerprint(filter, r.unique()),
        r.kept(),
        () -> {
          List<Candidate> out = new ArrayList<>();
          List<Rejected> dropped = new ArrayList<>();
          try (JsonlWriter kept = JsonlWriter.create(r.kept()).copyingInto(out);
              JsonlWriter rejected = JsonlWriter.create(r.rejected()).copyingInto(dropped)) {
            FilterResult result = FilterStage.run(filter, questions.stream(), kept, rejected);
            return StageStep.Ran.complete(result, new Filtered(out, dropped));
          }
        },
        () ->
            new Filtered(
                Pipeline.readAll(r.kept(), Candidate.class),
                Pipeline.readAll(r.rejected(), Rejected.class)));
  }

  private RunFiles.Labels label(
      StageStep step, RunDirectory r, List<Candidate> kept, List<Labeled> settled)
      throws TeacherException, InterruptedException {
    return step.run(
        "label",
        label.fingerprint(r.kept(), settled),
        r.labeled(),
        () -> {
          List<Labeled> out = new ArrayList<>();
          List<Rejected> dropped = new ArrayList<>();
          try (JsonlWriter labeled = JsonlWriter.create(r.labeled()).copyingInto(out);
              JsonlWriter rejected = JsonlWriter.create(r.labelRejected()).copyingInto(dropped);
              JsonlWriter disagreements = JsonlWriter.create(r.disagreements())) {
            LabelResult result =
                label.run(
                    run.session(),
                    run.dir().responses(),
                    kept,
                    settled,
                    labeled,
                    rejected,
                    disagreements);
            // With failures (within the tolerance) the next run retries them.
            boolean failed = result.rejectedByReason().containsKey("request_failed");
            return StageStep.Ran.completeWithFailures(
                result, failed, new RunFiles.Labels(out, dropped));
          }
        },
        () ->
            new RunFiles.Labels(
                Pipeline.readAll(r.labeled(), Labeled.class),
                Pipeline.readAll(r.labelRejected(), Rejected.class)));
  }
}
