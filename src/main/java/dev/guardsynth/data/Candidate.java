package dev.guardsynth.data;

import static java.util.Objects.requireNonNull;

/**
 * A generated question with its intended label and topic category. Immutable; {@code id} is a hash
 * of the normalized text (see {@link Ids#questionId}), so the same question always gets the same
 * id.
 */
public record Candidate(
    String id,
    String text,
    Label label,
    String category,
    String group,
    String language,
    Source source) {
  public Candidate {
    requireNonNull(id, "id");
    requireNonNull(text, "text");
    requireNonNull(label, "label");
    requireNonNull(category, "category");
    if (text.isBlank()) {
      throw new IllegalArgumentException("candidate " + id + ": text is blank");
    }
  }

  /** A candidate whose id is derived from its text. */
  public static Candidate of(
      String text, Label label, String category, String group, String language, Source source) {
    return new Candidate(Ids.questionId(text), text, label, category, group, language, source);
  }
}
