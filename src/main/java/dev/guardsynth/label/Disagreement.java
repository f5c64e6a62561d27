package dev.guardsynth.label;

import dev.guardsynth.data.Label;
import java.util.List;

/**
 * A question the judge labeled differently from the label or category it was generated for, or one
 * a jury split on: a line of {@code disagreements.jsonl}, kept for human audit. Immutable.
 *
 * @param label the intended label
 * @param category the intended category
 * @param judgeLabel the label the judge (or the jury's vote) chose; null when a jury split without
 *     a majority
 * @param action {@code rejected} or {@code relabeled}, per {@code label.on_disagree}; for a jury's
 *     split, {@code rejected} or {@code controversial}, per {@code label.on_split}
 * @param verdicts with a jury, each judge's verdict, in {@code label.judges} order (a judge whose
 *     verdict could not be read is left out); null with a single judge
 */
public record Disagreement(
    String id,
    String text,
    String language,
    Label label,
    String category,
    Label judgeLabel,
    String judgeCategory,
    String action,
    List<JudgeVerdict> verdicts) {
  public Disagreement {
    verdicts = verdicts == null ? null : List.copyOf(verdicts);
  }

  /**
   * One judge's verdict on a question.
   *
   * @param judge the judge, as {@code model@base_url}
   */
  public record JudgeVerdict(String judge, Label label, String category) {}
}
