package dev.guardsynth.run;

import dev.guardsynth.data.AxisCoverage;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Labeled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The round policy of {@code run}, apart from any file: what each round asks of each cell (round 1
 * its target, later rounds its deficit over its measured yield, with a margin, and never more than
 * {@code targets.max_ask_factor} × the deficit), which labeled questions a cell keeps (first come,
 * up to its target), and when a cell is settled (filled, or saturated when a round's yield fell
 * below {@code targets.min_yield}). Not thread-safe.
 */
final class RoundPolicy {
  /**
   * How much more than the deficit over the measured yield a round asks for: yields vary from round
   * to round, and a round too small costs a whole extra round.
   */
  static final double MARGIN = 1.25;

  /** The lowest yield a deficit is divided by, so a cell near saturation is not asked for 100×. */
  static final double YIELD_FLOOR = 0.05;

  /** One cell across the rounds so far. Mutable; owned by its policy. */
  static final class CellState {
    final Cell cell;
    final int target;
    final List<Integer> asked = new ArrayList<>(); // per round: questions asked
    final List<Integer> gained = new ArrayList<>(); // per round: new questions kept
    final List<Integer> fresh = new ArrayList<>(); // per round: new unique questions after dedup
    final CellLosses.Counts losses = new CellLosses.Counts(); // over the rounds
    final List<Labeled> kept = new ArrayList<>(); // in the order kept
    int exported; // questions kept within the target: kept.size(), or an estimate's count
    CellStatus status = CellStatus.OPEN;
    int saturatedIn;

    CellState(Cell cell, int target) {
      this.cell = cell;
      this.target = target;
    }

    int exported() {
      return exported;
    }

    void keep(Labeled q) {
      kept.add(q);
      exported++;
    }

    int deficit() {
      return Math.max(0, target - exported());
    }

    /** New questions kept per question asked in {@code round}, or -1 when it was not asked. */
    double yieldOf(int round) {
      return perAsked(gained, round);
    }

    /**
     * New unique questions (after dedup) per question asked in {@code round}, or -1 when it was not
     * asked: what the teacher still had to say, before any later stage dropped a question.
     */
    double freshYieldOf(int round) {
      return perAsked(fresh, round);
    }

    private double perAsked(List<Integer> counts, int round) {
      int a = round <= asked.size() ? asked.get(round - 1) : 0;
      return a == 0 || round > counts.size() ? -1 : (double) counts.get(round - 1) / a;
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

    private int lastAsked() {
      for (int r = asked.size(); r >= 1; r--) {
        if (asked.get(r - 1) > 0) {
          return r;
        }
      }
      return 1;
    }
  }

  /** Every cell's state, in plan order. */
  final Map<Cell, CellState> cells = new LinkedHashMap<>();

  private final double maxAskFactor;

  /**
   * @param maxAskFactor {@code targets.max_ask_factor}: a round after the first asks a cell for at
   *     most this many times its deficit
   */
  RoundPolicy(RoundPlanner planner, double maxAskFactor) {
    for (Cell c : planner.cells()) {
      cells.put(c, new CellState(c, planner.target(c)));
    }
    this.maxAskFactor = maxAskFactor;
  }

  /**
   * What round {@code round} asks of each cell still open: round 1 the targets; later rounds the
   * deficit over the last round's yield, with {@link #MARGIN}, at most {@code max_ask_factor} × the
   * deficit.
   */
  Map<Cell, Integer> ask(int round) {
    Map<Cell, Integer> out = new LinkedHashMap<>();
    for (CellState s : cells.values()) {
      if (s.status != CellStatus.OPEN || s.deficit() == 0) {
        continue;
      }
      int questions =
          round == 1 ? s.target : askAfterRoundOne(s.deficit(), s.yieldOf(s.lastAsked()));
      out.put(s.cell, questions);
    }
    return out;
  }

  /**
   * What a later round asks of a cell {@code deficit} short whose last round yielded {@code yield}:
   * the deficit over that yield with {@link #MARGIN}, capped at {@code max_ask_factor} × the
   * deficit, since a yield near {@code min_yield} would otherwise mean 20 or more times the deficit
   * in one round, paid for even when the teacher has nothing new left.
   */
  int askAfterRoundOne(int deficit, double yield) {
    double overYield = Math.ceil(deficit * MARGIN / Math.max(YIELD_FLOOR, yield));
    return (int) Math.min(overYield, Math.floor(maxAskFactor * deficit));
  }

  /**
   * Records an estimated round: each cell asked {@code asked.get(cell)} questions and kept {@code
   * gained.get(cell)} new ones (no more than its deficit), all of them new after dedup. For the dry
   * run's estimate, which drives this policy instead of a copy of it.
   */
  void keepEstimated(Map<Cell, Integer> asked, Map<Cell, Integer> gained) {
    for (CellState s : cells.values()) {
      int a = asked.getOrDefault(s.cell, 0);
      int g = Math.min(s.deficit(), gained.getOrDefault(s.cell, 0));
      s.asked.add(a);
      s.gained.add(g);
      s.fresh.add(g);
      s.exported += g;
    }
  }

  /**
   * Keeps a round's labeled questions in their cells up to each target, in order, and records what
   * each cell was asked, brought after dedup, gained and lost in it.
   */
  void keep(int round, Rounds.Round done) {
    Map<Cell, Integer> unique = new LinkedHashMap<>();
    done.unique().forEach(c -> unique.merge(Cell.of(c), 1, Integer::sum));
    for (CellState s : cells.values()) {
      s.asked.add(done.asked().getOrDefault(s.cell, 0));
      s.gained.add(0);
      s.fresh.add(unique.getOrDefault(s.cell, 0));
      s.losses.add(done.losses().of(s.cell));
    }
    for (Labeled q : done.labels().labeled()) {
      CellState s = cells.get(Cell.of(q));
      if (s != null && s.deficit() > 0) {
        s.keep(q);
        s.gained.set(round - 1, s.gained.get(round - 1) + 1);
      }
    }
  }

  /**
   * Settles cells after {@code round}: filled; saturated when the teacher stopped bringing new
   * unique questions (new after dedup, per question asked, below {@code minYield}); or dropped when
   * it still brought them but later stages dropped so many that too few were kept: more rounds
   * would pay for what those stages throw away, and the cell's losses say why.
   */
  void settle(int round, double minYield) {
    for (CellState s : cells.values()) {
      if (s.status != CellStatus.OPEN) {
        continue;
      }
      if (s.deficit() == 0) {
        s.status = CellStatus.FILLED;
      } else if (s.freshYieldOf(round) >= 0 && s.freshYieldOf(round) < minYield) {
        s.status = CellStatus.SATURATED;
        s.saturatedIn = round;
      } else if (s.yieldOf(round) >= 0 && s.yieldOf(round) < minYield) {
        s.status = CellStatus.DROPPED;
      }
    }
  }

  /** Settles every cell still open once the rounds are over. */
  void close(boolean budgetStopped) {
    for (CellState s : cells.values()) {
      if (s.status == CellStatus.OPEN) {
        s.status =
            s.deficit() == 0
                ? CellStatus.FILLED
                : budgetStopped ? CellStatus.BUDGET : CellStatus.MAX_ROUNDS;
      }
    }
  }

  /** The questions each cell kept so far, shown to the next round's prompts as examples. */
  Map<Cell, List<String>> accepted() {
    Map<Cell, List<String>> out = new LinkedHashMap<>();
    cells.values().forEach(s -> out.put(s.cell, s.kept.stream().map(Labeled::text).toList()));
    return out;
  }

  /** Every cell's kept questions, cell by cell in plan order: what the rounds so far settled. */
  List<Labeled> kept() {
    List<Labeled> out = new ArrayList<>();
    cells.values().forEach(s -> out.addAll(s.kept));
    return out;
  }

  /** Each target of a cell, for the selection of the run folder's labeled questions. */
  int target(Cell cell) {
    CellState s = cells.get(cell);
    return s == null ? 0 : s.target;
  }

  /** What {@code round} did for each cell it asked, for run.json. */
  Map<String, RunRecord.RoundCell> roundCells(int round) {
    Map<String, RunRecord.RoundCell> out = new LinkedHashMap<>();
    for (CellState s : cells.values()) {
      int asked = s.asked.size() >= round ? s.asked.get(round - 1) : 0;
      if (asked > 0) {
        out.put(
            s.cell.id(),
            new RunRecord.RoundCell(
                asked,
                s.gained.get(round - 1),
                Math.round(s.yieldOf(round) * 1000) / 1000.0,
                s.status));
      }
    }
    return out;
  }

  /** Every cell's outcome, in plan order. */
  List<CellOutcome> outcomes() {
    List<CellOutcome> out = new ArrayList<>();
    for (CellState s : cells.values()) {
      AxisCoverage coverage = AxisCoverage.of(s.kept);
      out.add(
          new CellOutcome(
              s.cell.id(),
              s.target,
              s.exported(),
              s.target == 0 ? 1 : Math.round(1000.0 * s.exported() / s.target) / 1000.0,
              s.rounds(),
              s.yields(),
              s.status,
              coverage.cells().getOrDefault(s.cell, Map.of()),
              s.losses.asMap()));
    }
    return out;
  }

  /** Questions kept within targets, over every cell. */
  int exported() {
    return cells.values().stream().mapToInt(CellState::exported).sum();
  }
}
