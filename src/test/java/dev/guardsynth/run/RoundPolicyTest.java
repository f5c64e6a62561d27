package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.prompt.PromptSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deficit, yield and saturation arithmetic of the rounds, on made-up round results. */
class RoundPolicyTest {
  private static final Cell A = new Cell("crime_advice", Label.UNSAFE, "ko");
  private static final Cell B = new Cell("crime_advice", Label.SAFE, "ko");

  /** Two cells with targets 30 and 10, ten questions per call, no cap on a round's ask. */
  private static RoundPolicy state() {
    return state(1000);
  }

  /** Two cells with targets 30 and 10, ten questions per call. */
  private static RoundPolicy state(double maxAskFactor) {
    return new RoundPolicy(
        new RoundPlanner() {
          @Override
          public List<Cell> cells() {
            return List.of(A, B);
          }

          @Override
          public int target(Cell cell) {
            return cell.equals(A) ? 30 : 10;
          }

          @Override
          public int perCall() {
            return 10;
          }

          @Override
          public List<PromptSpec> plan(
              Map<Cell, Integer> questions, Map<Cell, List<String>> accepted, int round) {
            return List.of();
          }
        },
        maxAskFactor);
  }

  /** Records a round: {@code asked} questions and {@code kept} new questions per cell. */
  private static void round(
      RoundPolicy s, int round, int askedA, int keptA, int askedB, int keptB) {
    record(s.cells.get(A), askedA, keptA);
    record(s.cells.get(B), askedB, keptB);
    s.settle(round, 0.05);
  }

  private static void record(RoundPolicy.CellState c, int asked, int kept) {
    c.asked.add(asked);
    c.gained.add(kept);
    c.fresh.add(kept); // every new unique question kept: no later stage dropped one
    for (int i = 0; i < kept; i++) {
      String id = "q" + c.kept.size();
      Cell cell = c.cell;
      c.keep(
          Labeled.of(
              new Candidate(id, id, cell.label(), cell.category(), null, cell.language(), null),
              null,
              null));
    }
  }

  /** Issue #20: a yield near min_yield no longer means 20 × the deficit in one round. */
  @Test
  void aLaterRoundAsksACellForAtMostMaxAskFactorTimesItsDeficit() {
    RoundPolicy s = state(4);
    round(s, 1, 30, 2, 10, 10); // A: yield 2/30, 28 missing
    // Over the yield: ceil(28 * 1.25 * 30 / 2) = 525, 18.75 × the deficit; capped at 4 × 28.
    assertEquals(Map.of(A, 112), s.ask(2));
    round(s, 2, 112, 20, 0, 0); // yield 20/112, 8 missing
    // ceil(8 * 1.25 * 112 / 20) = 56, capped at 4 × 8.
    assertEquals(Map.of(A, 32), s.ask(3));
    RoundPolicy t = state(4);
    round(t, 1, 30, 12, 10, 10); // A: yield 0.4, 18 missing: ceil(18 * 1.25 / 0.4) = 57 < 72
    assertEquals(Map.of(A, 57), t.ask(2));
  }

  @Test
  void roundOneAsksForEachTargetAndLaterRoundsForTheDeficitOverTheYieldWithAMargin() {
    RoundPolicy s = state();
    assertEquals(Map.of(A, 30, B, 10), s.ask(1));
    round(s, 1, 30, 12, 10, 10); // A: yield 0.4; B: filled
    // 18 missing at 0.4 per question asked, with the 1.25 margin: ceil(56.25) = 57.
    assertEquals(Map.of(A, 57), s.ask(2));
    assertEquals(CellStatus.FILLED, s.cells.get(B).status);
    round(s, 2, 57, 15, 0, 0); // yield 15/57
    // 3 missing at 15/57: ceil(3 * 1.25 * 57 / 15) = ceil(14.25) = 15.
    assertEquals(Map.of(A, 15), s.ask(3));
  }

  @Test
  void aCellWhoseLastRoundYieldedLessThanMinYieldSaturatesAndIsAskedNoMore() {
    RoundPolicy s = state();
    round(s, 1, 30, 12, 10, 4);
    round(s, 2, 57, 2, 8, 6); // A: 2/57 = 0.035 < 0.05; B: filled
    assertEquals(CellStatus.SATURATED, s.cells.get(A).status);
    assertEquals(2, s.cells.get(A).saturatedIn);
    assertEquals(CellStatus.FILLED, s.cells.get(B).status);
    assertEquals(Map.of(), s.ask(3));
  }

  @Test
  void aYieldBelowTheFloorIsCountedAtTheFloorSoOneRoundNeverAsksWithoutBound() {
    RoundPolicy s = state();
    round(s, 1, 30, 1, 10, 10); // A: 1/30 = 0.033, below the floor of 0.05 but min_yield is 0.05
    assertEquals(CellStatus.SATURATED, s.cells.get(A).status);
    RoundPolicy t = state();
    record(t.cells.get(A), 30, 1);
    record(t.cells.get(B), 10, 10);
    t.settle(1, 0.0); // min_yield 0: never saturates by yield
    assertEquals(Map.of(A, (int) Math.ceil(29 * 1.25 / 0.05)), t.ask(2));
  }

  @Test
  void yieldsAreReportedPerRoundWithNullWhereTheCellWasNotAsked() {
    RoundPolicy s = state();
    round(s, 1, 30, 12, 10, 10);
    round(s, 2, 57, 15, 0, 0);
    assertEquals(List.of(0.4, 0.263), s.cells.get(A).yields());
    assertEquals(java.util.Arrays.asList(1.0, null), s.cells.get(B).yields());
    assertEquals(1, s.cells.get(B).rounds());
  }
}
