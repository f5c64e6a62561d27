package dev.guardsynth.doctor;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Cell;
import dev.guardsynth.doctor.DoctorReport.CellYield;
import dev.guardsynth.doctor.DoctorReport.Estimate;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.run.CostPerQuestion;
import dev.guardsynth.teacher.StageUsage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * From a few probes to the configured targets: each probed cell's yield (exported questions per
 * question asked: kept by the filter, kept by the judge, its response kept), then, with every cell
 * of the targets at the yield of the probed cell of its label and language, the requests and cost
 * the targets take, per exported question as {@code run.json}'s {@code cost_per_question} shows it.
 * Generation is priced per request as the probes' requests cost; judge and respond per question as
 * the probe's batch cost, which a full batch (sharing its system message over more questions)
 * undercuts, so the label stage's figures lean high.
 */
final class YieldEstimate {
  private YieldEstimate() {}

  /** What the probes saw of one cell; filled in stage by stage. Not thread-safe. */
  static final class Tally {
    final Cell cell;
    int asked;
    int kept;
    int judged;
    int agreed;
    int responses;
    int responsesKept;

    Tally(Cell cell) {
      this.cell = cell;
    }
  }

  /**
   * What one kind of request used in the probes.
   *
   * @param items what its cost is divided by: requests for generate, questions for judge and
   *     respond
   */
  record Spent(StageUsage usage, long items) {}

  static Estimate of(
      PromptPlanner planner,
      LabelConfig label,
      TeacherConfig teacher,
      Collection<Tally> tallies,
      Spent generate,
      Spent judge,
      Spent respond,
      List<String> notes) {
    Shares shares = new Shares(label, List.copyOf(tallies));
    List<CellYield> cells = new ArrayList<>();
    for (Tally t : tallies) {
      cells.add(
          new CellYield(
              t.cell.id(),
              t.asked,
              t.kept,
              t.judged,
              t.agreed,
              t.responses,
              t.responsesKept,
              round(shares.yieldOf(t))));
    }
    double asked = 0;
    double judged = 0;
    double responded = 0;
    long exported = 0;
    List<String> unreachable = new ArrayList<>();
    for (Cell cell : planner.cells()) {
      int target = planner.target(cell);
      exported += target;
      Tally like = shares.like(cell);
      double cellYield = shares.yieldOf(like);
      if (cellYield <= 0) {
        unreachable.add(cell.id());
        continue;
      }
      double cellAsked = target / cellYield;
      asked += cellAsked;
      judged += label.judge() ? cellAsked * shares.kept(like) : 0;
      responded += label.respond() ? target / shares.responded(like) : 0;
    }
    boolean priced = teacher.priceOf(teacher.model()) != null;
    if (!unreachable.isEmpty()) {
      notes.add(
          "yield 0 in the probes for "
              + String.join(", ", unreachable)
              + " (or the cells estimated from them): their targets cannot be met with this"
              + " teacher, so no cost is estimated");
      return new Estimate(cells, exported, Map.of(), 0, priced, null);
    }
    double generateRequests = asked / planner.perCall();
    Map<String, StageUsage> byStage = new LinkedHashMap<>();
    Map<String, Long> requests = new LinkedHashMap<>();
    byStage.put("generate", scale(generate, generateRequests, ceil(generateRequests)));
    requests.put("generate", ceil(generateRequests));
    if (label.judge()) {
      long n = ceil(judged / label.batchSize());
      byStage.put("judge", scale(judge, judged, n));
      requests.put("judge", n);
    }
    if (label.respond()) {
      long n = ceil(responded / label.respondBatchSize());
      byStage.put("respond", scale(respond, responded, n));
      requests.put("respond", n);
    }
    double cost = byStage.values().stream().mapToDouble(StageUsage::costUsd).sum();
    if (!priced) {
      notes.add(
          "no price is set for model '"
              + teacher.model()
              + "' in teacher.prices, so every USD figure is 0; add teacher.prices."
              + teacher.model()
              + ": {input: …, output: …} (USD per million tokens) to estimate the cost");
    }
    return new Estimate(
        cells,
        exported,
        requests,
        Math.round(cost * 1e6) / 1e6,
        priced,
        CostPerQuestion.of(byStage, exported));
  }

  /** {@code spent} scaled from its items to {@code items}, as {@code requests} requests. */
  private static StageUsage scale(Spent spent, double items, long requests) {
    StageUsage u = spent.usage();
    double f = spent.items() == 0 ? 0 : items / spent.items();
    double cost = u.costUsd() * f;
    return new StageUsage(
        requests,
        0,
        requests,
        0,
        0,
        Math.round(u.inputTokens() * f),
        Math.round(u.outputTokens() * f),
        cost,
        cost,
        Math.round(u.cachedInputTokens() * f));
  }

  /**
   * The shares a cell's questions get through each step. A step the probes did not reach for a cell
   * (its questions were not in the judge's batch) takes the share of the cell's language, or of
   * every probe.
   */
  private record Shares(LabelConfig label, List<Tally> tallies) {
    double kept(Tally t) {
      return t.asked == 0 ? 0 : (double) t.kept / t.asked;
    }

    double agreed(Tally t) {
      if (!label.judge()) {
        return 1;
      }
      return share(t, x -> x.judged > 0, x -> x.agreed, x -> x.judged);
    }

    double responded(Tally t) {
      if (!label.respond()) {
        return 1;
      }
      return share(t, x -> x.responses > 0, x -> x.responsesKept, x -> x.responses);
    }

    double yieldOf(Tally t) {
      double r = responded(t);
      return r == 0 ? 0 : kept(t) * agreed(t) * r;
    }

    /** The probed cell a target cell is estimated from: its label and language, else nearest. */
    Tally like(Cell cell) {
      List<Predicate<Tally>> nearest =
          List.of(
              t -> t.cell.equals(cell),
              t -> t.cell.label() == cell.label() && t.cell.language().equals(cell.language()),
              t -> t.cell.language().equals(cell.language()),
              t -> t.cell.label() == cell.label(),
              t -> true);
      for (Predicate<Tally> p : nearest) {
        for (Tally t : tallies) {
          if (p.test(t)) {
            return t;
          }
        }
      }
      throw new IllegalStateException("no probed cell to estimate " + cell + " from");
    }

    private double share(
        Tally t,
        Predicate<Tally> seen,
        java.util.function.ToIntFunction<Tally> part,
        java.util.function.ToIntFunction<Tally> whole) {
      List<Predicate<Tally>> pools =
          List.of(x -> x == t, x -> x.cell.language().equals(t.cell.language()), x -> true);
      for (Predicate<Tally> pool : pools) {
        int p = 0;
        int w = 0;
        for (Tally x : tallies) {
          if (pool.test(x) && seen.test(x)) {
            p += part.applyAsInt(x);
            w += whole.applyAsInt(x);
          }
        }
        if (w > 0) {
          return (double) p / w;
        }
      }
      return 1; // the step saw no question at all: nothing says it loses any
    }
  }

  private static long ceil(double x) {
    return (long) Math.ceil(x - 1e-9);
  }

  private static double round(double share) {
    return Math.round(share * 1000) / 1000.0;
  }
}
