package dev.guardsynth.label;

import dev.guardsynth.data.Label;

/**
 * A question the judge labeled differently from the label or category it was generated for: a line
 * of {@code disagreements.jsonl}, kept for human audit. Immutable.
 *
 * @param label the intended label
 * @param category the intended category
 * @param action {@code rejected} or {@code relabeled}, per {@code label.on_disagree}
 */
public record Disagreement(
    String id,
    String text,
    String language,
    Label label,
    String category,
    Label judgeLabel,
    String judgeCategory,
    String action) {}
