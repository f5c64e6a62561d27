package dev.guardsynth.run;

import java.util.List;
import java.util.Map;

/**
 * What {@code guardsynth stats} reports about a run directory. Immutable.
 *
 * @param funnel the stages in order, each with what came in, what went out and why the rest left
 * @param categories per category: label counts, teacher refusals and judge agreement
 * @param consistent whether every count adds up and every dropped question has exactly one reason
 * @param problems what does not add up, when something does not
 * @param cells per cell of the targets: target, exported, fill, rounds, yield per round and axis
 *     coverage (empty for a run from before rounds)
 * @param costPerQuestion what each exported question cost, per stage, from run.json; null when the
 *     run has not exported
 */
public record RunReport(
    String run,
    List<Step> funnel,
    List<CategoryRow> categories,
    boolean consistent,
    List<String> problems,
    List<CellOutcome> cells,
    CostPerQuestion costPerQuestion) {
  public RunReport {
    cells = List.copyOf(cells);
    funnel = List.copyOf(funnel);
    categories = List.copyOf(categories);
    problems = List.copyOf(problems);
  }

  /**
   * One stage of the funnel: {@code in - sum(dropped) == out} when it adds up.
   *
   * @param dropped questions dropped per reason (an unmodifiable copy: see RunStats)
   * @param ran whether the stage's output is in the run directory
   * @param note how the numbers were found, when not the obvious way
   * @param teacherFormat what the teacher's reply format cost besides the drops, from run.json
   *     (generate: {@code think_block} replies, {@code attached_note}s kept aside; label: {@code
   *     think_block} and {@code truncated} replies, {@code unanswered_check}s); not questions, so
   *     outside the sum; empty for other stages
   */
  public record Step(
      String stage,
      long in,
      long out,
      Map<String, Long> dropped,
      boolean ran,
      boolean addsUp,
      String note,
      Map<String, Long> teacherFormat) {
    public Step {
      teacherFormat = teacherFormat == null ? Map.of() : Map.copyOf(teacherFormat);
    }
  }

  /**
   * One category's row.
   *
   * @param candidates candidate questions by label
   * @param labeled questions that passed the label stage, by final label
   * @param refusedReplies teacher replies to a generation prompt of this category that refused
   * @param refusalLines refusals the teacher left among its questions (filter reason refusal)
   */
  public record CategoryRow(
      String category,
      Map<String, Long> candidates,
      Map<String, Long> labeled,
      long refusedReplies,
      long refusalLines,
      Judge judge) {
    public CategoryRow {
      candidates = Map.copyOf(candidates);
      labeled = Map.copyOf(labeled);
    }
  }

  /** The judge's verdicts on one category's kept questions; null fields mean judging was off. */
  public record Judge(long judged, long agreed, long disagreed, long unparseable) {
    /** Agreed over judged, 0 to 1; 0 when nothing was judged. */
    public double agreement() {
      return judged == 0 ? 0 : (double) agreed / judged;
    }
  }
}
