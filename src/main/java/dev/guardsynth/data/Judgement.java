package dev.guardsynth.data;

import static java.util.Objects.requireNonNull;

/**
 * The teacher-as-judge's verdict on a question: the label and category it chose, and whether both
 * agree with the ones the question was generated for. Immutable.
 */
public record Judgement(Label label, String category, boolean agrees) {
  public Judgement {
    requireNonNull(label, "label");
    requireNonNull(category, "category");
  }
}
