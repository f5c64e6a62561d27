package dev.guardsynth.data;

import static java.util.Objects.requireNonNull;

/**
 * The teacher-as-judge's verdict on a question: the label and category it chose, and whether both
 * agree with the ones the question was generated for. Immutable.
 *
 * @param controversial true when a jury split on the question and {@code label.on_split:
 *     controversial} kept it: it is exported under the third label {@code controversial}, and its
 *     {@code label} is the question's own; null otherwise (and left out of the JSON)
 */
public record Judgement(Label label, String category, boolean agrees, Boolean controversial) {
  public Judgement {
    requireNonNull(label, "label");
    requireNonNull(category, "category");
    controversial = Boolean.TRUE.equals(controversial) ? Boolean.TRUE : null;
  }

  /** A verdict that settles the label. */
  public Judgement(Label label, String category, boolean agrees) {
    this(label, category, agrees, null);
  }

  /** Whether the question is exported as {@code controversial}. */
  public boolean keptAsControversial() {
    return controversial != null;
  }
}
