package dev.guardsynth.run;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.AxisCoverage;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlReader;
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
import dev.guardsynth.teacher.StoppedException;
import dev.guardsynth.teacher.TeacherException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rounds of {@code run}: plan each cell's deficit, generate, dedup against everything kept so
 * far, filter, label, and keep each cell's questions up to its target; repeat until every cell is
 * filled, a cell saturates (its last round's new exported questions per question asked fell below
 * {@code targets.min_yield}: it gets no more prompts) or {@code targets.max_rounds} is reached.
 *
 * <p>Each round's stage files live in {@code rounds/NN/} and are skipped on a re-run when their
 * inputs are unchanged, like the stages of a one-round run; the next round's plan is computed again
 * from the earlier rounds' files, so a resumed run asks the same requests and the journal answers
 * them. After each round the run folder's own files are rebuilt: each the rounds' files one after
 * another, except {@code labeled.jsonl}, which holds the questions kept within targets, and {@code
 * label_rejected.jsonl}, which adds those over a target ({@code over_target}). Not thread-safe.
 */
final class Rounds {
  private static final System.Logger LOG = System.getLogger("guardsynth.run");

  /**
   * How much more than the deficit over the measured yield a round asks for: yields vary from round
   * to round, and a round too small costs a whole extra round.
   */
  static final double MARGIN = 1.25;

  /** The lowest yield a deficit is divided by, so a cell near saturation is not asked for 100×. */
  static final double YIELD_FLOOR = 0.05;

  private final GuardsynthConfig config;
  private final RunDirectory dir;
  private final RoundPlanner planner;
  private final QuestionFilter filter;
  private final LabelStage label;
  private final TeacherSession session;
  private final RunLog log;
  private final StopSignal stop;

  Rounds(
      GuardsynthConfig config,
      RunDirectory dir,
      RoundPlanner planner,
      QuestionFilter filter,
      LabelStage label,
      TeacherSession session,
      RunLog log,
      StopSignal stop) {
    this.config = config;
    this.dir = dir;
    this.planner = planner;
    this.filter = filter;
    this.label = label;
    this.session = session;
    this.log = log;
    this.stop = stop;
  }

  /** Why a cell got no more prompts; {@code FILLED} is the goal. */
  enum Status {
    FILLED,
    SATURATED,
    MAX_ROUNDS,
    /** The budget stopped the run before this cell was filled; a higher budget resumes it. */
    BUDGET,
    /** Not settled: the run is still going, or it stopped. */
    OPEN
  }

  /** One cell across the rounds so far. Mutable; owned by {@link State}. */
  static final class CellState {
    final Cell cell;
    final int target;
    final List<Integer> asked = new ArrayList<>(); // per round: questions asked
    final List<Integer> gained = new ArrayList<>(); // per round: new questions kept
    final List<Labeled> kept = new ArrayList<>(); // in the order kept
    Status status = Status.OPEN;
    int saturatedIn;

    CellState(Cell cell, int target) {
      this.cell = cell;
      this.target = target;
    }

    int exported() {
      return kept.size();
    }

    int deficit() {
      return Math.max(0, target - exported());
    }

    /** New questions kept per question asked in {@code round}, or -1 when it was not asked. */
    double yieldOf(int round) {
      int a = round <= asked.size() ? asked.get(round - 1) : 0;
      return a == 0 ? -1 : (double) gained.get(round - 1) / a;
    }

    List<Double> yields() {
      List<Double> out = new ArrayList<>();
      for (int r = 1; r <= asked.size(); r++) {
        out.add(yieldOf(r) < 0 ? null : Math.round(yieldOf(r) * 1000) / 1000.0);
      }
      return out;
    }

    int rounds() {
      return (int) asked.stream().filter(a -> a > 0).count();
    }
  }

  /** Every cell's state, in plan order. */
  static final class State {
    final Map<Cell, CellState> cells = new LinkedHashMap<>();

    State(RoundPlanner planner) {
      for (Cell c : planner.cells()) {
        cells.put(c, new CellState(c, planner.target(c)));
      }
    }

    /**
     * What round {@code round} asks of each cell still open: round 1 the targets; later rounds the
     * deficit over the last round's yield, with {@link #MARGIN}.
     */
    Map<Cell, Integer> ask(int round) {
      Map<Cell, Integer> out = new LinkedHashMap<>();
      for (CellState s : cells.values()) {
        if (s.status != Status.OPEN || s.deficit() == 0) {
          continue;
        }
        int questions =
            round == 1
                ? s.target
                : (int)
                    Math.ceil(
                        s.deficit() * MARGIN / Math.max(YIELD_FLOOR, s.yieldOf(lastAsked(s))));
        out.put(s.cell, questions);
      }
      return out;
    }

    private static int lastAsked(CellState s) {
      for (int r = s.asked.size(); r >= 1; r--) {
        if (s.asked.get(r - 1) > 0) {
          return r;
        }
      }
      return 1;
    }

    /** Settles cells after {@code round}: filled, or saturated when their yield fell too low. */
    void settle(int round, double minYield) {
      for (CellState s : cells.values()) {
        if (s.status != Status.OPEN) {
          continue;
        }
        if (s.deficit() == 0) {
          s.status = Status.FILLED;
        } else if (s.yieldOf(round) >= 0 && s.yieldOf(round) < minYield) {
          s.status = Status.SATURATED;
          s.saturatedIn = round;
        }
      }
    }

    Map<Cell, List<String>> accepted() {
      Map<Cell, List<String>> out = new LinkedHashMap<>();
      cells.values().forEach(s -> out.put(s.cell, s.kept.stream().map(Labeled::text).toList()));
      return out;
    }
  }

  /**
   * What the rounds delivered.
   *
   * @param rounds how many rounds ran
   * @param exported questions kept within targets, the export's input
   */
  record Outcome(
      int rounds, int exported, List<CellOutcome> cells, BudgetExceededException budget) {}

  /**
   * Runs rounds until every cell is settled, {@code max_rounds} or the budget; returns the outcome.
   * A budget stop after round 1 is an outcome, not a failure: the rounds completed before it are
   * kept (a round the budget stopped halfway has no labeled questions to keep; the journal keeps
   * its replies), the cells still short are {@code budget}, and {@link Outcome#budget} says why; in
   * round 1 it throws, as there is nothing to export. From round 2 on, a round whose generate
   * requests the budget left cannot pay for is not started.
   */
  Outcome run() throws TeacherException, InterruptedException {
    TargetsConfig targets = config.targets();
    State state = new State(planner);
    int round = 0;
    BudgetExceededException budget = null;
    while (round < targets.maxRounds()) {
      Map<Cell, Integer> ask = state.ask(round + 1);
      if (ask.isEmpty()) {
        break;
      }
      List<PromptSpec> prompts = planner.plan(ask, state.accepted(), round + 1);
      String unaffordable = round == 0 ? null : unaffordable(prompts);
      if (unaffordable != null) {
        budget =
            new BudgetExceededException(
                "the budget left cannot pay for round " + (round + 1) + ": " + unaffordable);
        break;
      }
      round++;
      stop.check();
      try {
        runRound(round, prompts, state);
      } catch (BudgetExceededException e) {
        if (round == 1) {
          throw e; // no round completed: nothing to export, and an earlier dataset stays
        }
        budget = e;
        round--;
        rebuild(round, state); // the run folder's files hold the completed rounds only
        break;
      }
      state.settle(round, targets.minYield());
      log.putRound(round, "cells", roundCells(round, state));
    }
    for (CellState s : state.cells.values()) {
      if (s.status == Status.OPEN) {
        s.status =
            s.deficit() == 0 ? Status.FILLED : budget != null ? Status.BUDGET : Status.MAX_ROUNDS;
      }
    }
    if (budget == null) {
      forgetRoundsAfter(round); // after a budget stop the next round's files are for the resume
    }
    Outcome outcome = outcome(round, state, budget);
    LOG.log(
        Level.INFO,
        "rounds: {0} round(s), {1} questions kept for {2} cells",
        round,
        outcome.exported(),
        outcome.cells().size());
    return outcome;
  }

  /**
   * Why the budget left cannot pay for {@code prompts}' generate requests (those the journal does
   * not answer yet), or null when it can: the least the round needs, before its label stage.
   */
  private String unaffordable(List<PromptSpec> prompts) {
    RunPlan plan =
        RunPlan.estimate(
            config, dir, List.of(RunPlan.StageRequests.generate(prompts, config, dir)), List.of());
    RunPlan.StagePlan g = plan.stages().get(0);
    List<String> over =
        RunPlan.overBudget(
            config.budget(),
            plan.spent(),
            g.toSend(),
            g.estimatedInputTokens() + g.estimatedOutputTokens(),
            g.estimatedCostUsd());
    return over.isEmpty() ? null : String.join("; ", over);
  }

  private void runRound(int round, List<PromptSpec> prompts, State state)
      throws TeacherException, InterruptedException {
    RunDirectory r = dir.round(round);
    try (JsonlWriter out = JsonlWriter.create(r.prompts())) {
      PlanStage.write(prompts, out);
    }
    List<RunDirectory> sofar = new ArrayList<>();
    for (int e = 1; e <= round; e++) {
      sofar.add(dir.round(e));
    }
    concat(sofar, RunDirectory::prompts, dir.prompts());
    Map<Cell, Integer> asked = new LinkedHashMap<>();
    prompts.forEach(p -> asked.merge(cellOf(p), p.count(), Integer::sum));
    log.roundStage(round, "plan", "complete", null, 0, Map.of("prompts", prompts.size()));
    LOG.log(
        Level.INFO,
        "round {0}: {1} prompts asking {2} questions for {3} cells",
        round,
        prompts.size(),
        asked.values().stream().mapToInt(Integer::intValue).sum(),
        asked.size());
    generate(round, r, prompts);
    stop.check();
    dedup(round, r);
    stop.check();
    filter(round, r);
    label(round, r);
    stop.check();
    select(round, asked, state);
  }

  private static Cell cellOf(PromptSpec p) {
    return new Cell(p.category(), p.label(), p.language());
  }

  private boolean isDone(int round, String stage, String fingerprint, Path output) {
    return fingerprint.equals(log.roundFingerprint(round, stage)) && Files.exists(output);
  }

  private void generate(int round, RunDirectory r, List<PromptSpec> prompts)
      throws TeacherException, InterruptedException {
    String fingerprint = Ids.sha256Hex(Ids.sha256File(r.prompts()) + Json.write(config.teacher()));
    if (isDone(round, "generate", fingerprint, r.candidates())) {
      LOG.log(Level.INFO, "round {0} generate: unchanged since the last run, skipped", round);
      return;
    }
    long start = System.nanoTime();
    Set<String> ids = new HashSet<>();
    prompts.forEach(p -> ids.add(p.id()));
    GenerateResult result;
    try (JsonlWriter out = JsonlWriter.create(r.candidates());
        TeacherSession.StageRequests requests = session.begin("generate", dir.responses(), ids)) {
      result = GenerateStage.run(requests, session.config(), prompts, out);
    } catch (StoppedException e) {
      log.roundStage(
          round,
          "generate",
          "stopped",
          null,
          Pipeline.seconds(start),
          Map.of("reason", e.getMessage()));
      throw e;
    }
    // With failures (within the tolerance) no fingerprint is kept, so the next run retries them.
    log.roundStage(
        round,
        "generate",
        "complete",
        result.failed() == 0 ? fingerprint : null,
        Pipeline.seconds(start),
        result);
  }

  /** This round's candidates, deduplicated against every earlier round's kept questions too. */
  private void dedup(int round, RunDirectory r) throws InterruptedException {
    List<Candidate> earlier = new ArrayList<>();
    StringBuilder inputs = new StringBuilder(Ids.sha256File(r.candidates()));
    for (int e = 1; e < round; e++) {
      earlier.addAll(readAll(dir.round(e).unique(), Candidate.class));
      inputs.append(Ids.sha256File(dir.round(e).unique()));
    }
    String fingerprint = Ids.sha256Hex(inputs + Json.write(config.dedup()));
    if (isDone(round, "dedup", fingerprint, r.unique())) {
      LOG.log(Level.INFO, "round {0} dedup: unchanged since the last run, skipped", round);
      return;
    }
    DedupResult result;
    // The run name is the release: the index holds every round's kept questions under it, and
    // re-running this run replaces them instead of finding them there as earlier duplicates.
    try (JsonlReader<Candidate> in = JsonlReader.open(r.candidates(), Candidate.class);
        JsonlWriter unique = JsonlWriter.create(r.unique());
        JsonlWriter duplicates = JsonlWriter.create(r.duplicates());
        JsonlWriter crossLabel = JsonlWriter.create(r.crossLabel())) {
      result =
          DedupStage.run(
              config.dedup(),
              config.name(),
              earlier,
              in.iterator(),
              unique,
              duplicates,
              crossLabel);
    }
    log.roundStage(round, "dedup", "complete", fingerprint, result.seconds(), result);
  }

  private void filter(int round, RunDirectory r) {
    String fingerprint = Ids.sha256Hex(Ids.sha256File(r.unique()) + filter.fingerprint());
    if (isDone(round, "filter", fingerprint, r.kept())) {
      LOG.log(Level.INFO, "round {0} filter: unchanged since the last run, skipped", round);
      return;
    }
    long start = System.nanoTime();
    FilterResult result;
    try (JsonlReader<Candidate> in = JsonlReader.open(r.unique(), Candidate.class);
        JsonlWriter kept = JsonlWriter.create(r.kept());
        JsonlWriter rejected = JsonlWriter.create(r.rejected())) {
      result = FilterStage.run(filter, in.stream(), kept, rejected);
    }
    log.roundStage(round, "filter", "complete", fingerprint, Pipeline.seconds(start), result);
  }

  private void label(int round, RunDirectory r) throws TeacherException, InterruptedException {
    String fingerprint = Ids.sha256Hex(Ids.sha256File(r.kept()) + label.fingerprint());
    if (isDone(round, "label", fingerprint, r.labeled())) {
      LOG.log(Level.INFO, "round {0} label: unchanged since the last run, skipped", round);
      return;
    }
    long start = System.nanoTime();
    List<Candidate> kept = readAll(r.kept(), Candidate.class);
    Set<String> ids = new HashSet<>();
    kept.forEach(c -> ids.add(c.id()));
    LabelResult result;
    try (JsonlWriter labeled = JsonlWriter.create(r.labeled());
        JsonlWriter rejected = JsonlWriter.create(r.labelRejected());
        JsonlWriter disagreements = JsonlWriter.create(r.disagreements());
        TeacherSession.StageRequests requests = session.begin("label", dir.responses(), ids)) {
      result = label.run(requests, kept, labeled, rejected, disagreements);
    } catch (StoppedException e) {
      log.roundStage(
          round,
          "label",
          "stopped",
          null,
          Pipeline.seconds(start),
          Map.of("reason", e.getMessage()));
      throw e;
    }
    // With failures (within the tolerance) no fingerprint is kept, so the next run retries them.
    boolean failed = result.rejectedByReason().containsKey("request_failed");
    log.roundStage(
        round, "label", "complete", failed ? null : fingerprint, Pipeline.seconds(start), result);
  }

  /**
   * Keeps this round's labeled questions in their cells up to each target, first come first kept
   * (rounds in order, each in file order), and rebuilds the run folder's files from the rounds'.
   */
  private void select(int round, Map<Cell, Integer> asked, State state) {
    for (CellState s : state.cells.values()) {
      s.asked.add(asked.getOrDefault(s.cell, 0));
      s.gained.add(0);
    }
    for (Labeled q : readAll(dir.round(round).labeled(), Labeled.class)) {
      CellState s = state.cells.get(Cell.of(q));
      if (s != null && s.deficit() > 0) {
        s.kept.add(q);
        s.gained.set(round - 1, s.gained.get(round - 1) + 1);
      }
    }
    rebuild(round, state);
  }

  /**
   * Writes the run folder's files from rounds 1 to {@code round}: each round's file one after
   * another, and the selection (labeled.jsonl, with over_target in label_rejected.jsonl). The
   * selection is kept when its inputs are unchanged, so a hand edit of labeled.jsonl stands and
   * reaches the export.
   */
  private void rebuild(int round, State state) {
    List<RunDirectory> rounds = new ArrayList<>();
    for (int e = 1; e <= round; e++) {
      rounds.add(dir.round(e));
    }
    concat(rounds, RunDirectory::prompts, dir.prompts());
    concat(rounds, RunDirectory::candidates, dir.candidates());
    concat(rounds, RunDirectory::unique, dir.unique());
    concat(rounds, RunDirectory::duplicates, dir.duplicates());
    concat(rounds, RunDirectory::crossLabel, dir.crossLabel());
    concat(rounds, RunDirectory::kept, dir.kept());
    concat(rounds, RunDirectory::rejected, dir.rejected());
    concat(rounds, RunDirectory::disagreements, dir.disagreements());

    StringBuilder inputs = new StringBuilder(Json.write(config.targets()));
    rounds.forEach(
        r -> inputs.append(Ids.sha256File(r.labeled())).append(Ids.sha256File(r.labelRejected())));
    String fingerprint = Ids.sha256Hex(inputs.toString());
    if (fingerprint.equals(log.roundFingerprint(round, "select"))
        && Files.exists(dir.labeled())
        && Files.exists(dir.labelRejected())) {
      return;
    }
    Map<Cell, Integer> count = new LinkedHashMap<>();
    try (JsonlWriter labeled = JsonlWriter.create(dir.labeled());
        JsonlWriter rejected = JsonlWriter.create(dir.labelRejected())) {
      for (RunDirectory r : rounds) {
        readAll(r.labelRejected(), Rejected.class).forEach(rejected::write);
        for (Labeled q : readAll(r.labeled(), Labeled.class)) {
          Cell cell = Cell.of(q);
          CellState s = state.cells.get(cell);
          int target = s == null ? 0 : s.target;
          if (count.getOrDefault(cell, 0) < target) {
            count.merge(cell, 1, Integer::sum);
            labeled.write(q);
          } else {
            rejected.write(
                new Rejected(
                    q.id(),
                    "over_target",
                    "cell " + cell.id() + " already has its target of " + target + " questions"));
          }
        }
      }
      rejected.commit();
      labeled.commit();
    }
    log.roundStage(
        round,
        "select",
        "complete",
        fingerprint,
        0,
        Map.of("kept", count.values().stream().mapToInt(Integer::intValue).sum()));
  }

  private static void concat(
      List<RunDirectory> rounds,
      java.util.function.Function<RunDirectory, Path> file,
      Path target) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      for (RunDirectory r : rounds) {
        Path part = file.apply(r);
        if (Files.exists(part)) {
          bytes.write(Files.readAllBytes(part));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the rounds' files for " + target, e);
    }
    byte[] content = bytes.toByteArray();
    try {
      if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), content)) {
        return; // unchanged: leave the file (and its time stamp) alone
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + target, e);
    }
    AtomicFile.writeBytes(target, content);
  }

  private Map<String, Object> roundCells(int round, State state) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (CellState s : state.cells.values()) {
      int asked = s.asked.size() >= round ? s.asked.get(round - 1) : 0;
      if (asked == 0) {
        continue;
      }
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("asked", asked);
      c.put("new_exported", s.gained.get(round - 1));
      c.put("yield", Math.round(s.yieldOf(round) * 1000) / 1000.0);
      c.put("status", s.status.name().toLowerCase(java.util.Locale.ROOT));
      out.put(s.cell.id(), c);
    }
    return out;
  }

  private Outcome outcome(int rounds, State state, BudgetExceededException budget) {
    List<CellOutcome> cells = new ArrayList<>();
    int exported = 0;
    for (CellState s : state.cells.values()) {
      exported += s.exported();
      AxisCoverage coverage = AxisCoverage.of(s.kept);
      cells.add(
          new CellOutcome(
              s.cell.id(),
              s.target,
              s.exported(),
              s.target == 0 ? 1 : Math.round(1000.0 * s.exported() / s.target) / 1000.0,
              s.rounds(),
              s.yields(),
              s.status.name().toLowerCase(java.util.Locale.ROOT),
              coverage.cells().getOrDefault(s.cell, Map.of())));
    }
    return new Outcome(rounds, exported, cells, budget);
  }

  /** Removes the folders and run.json entries of rounds an earlier, longer run left behind. */
  private void forgetRoundsAfter(int last) {
    log.keepRounds(last);
    Path rounds = dir.root().resolve("rounds");
    if (!Files.isDirectory(rounds)) {
      return;
    }
    try (Stream<Path> folders = Files.list(rounds)) {
      for (Path f : folders.sorted(Comparator.reverseOrder()).toList()) {
        String name = f.getFileName().toString();
        if (name.matches("\\d+") && Integer.parseInt(name) > last) {
          try (Stream<Path> walk = Files.walk(f)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing rounds after " + last + " in " + rounds, e);
    }
  }

  static <T> List<T> readAll(Path file, Class<T> type) {
    return Pipeline.readAll(file, type);
  }
}
