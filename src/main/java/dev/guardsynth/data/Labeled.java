package dev.guardsynth.data;

import static java.util.Objects.requireNonNull;

/**
 * A question that passed the label stage: the candidate's fields, with {@code label} and {@code
 * category} as finally decided (the judge's when it relabeled), the judge's verdict ({@code null}
 * when judging is off) and the safeguard {@code response} ({@code null} when responses are off). A
 * line of {@code labeled.jsonl}; a candidates file reads as labeled records with neither.
 * Immutable.
 */
public record Labeled(
    String id,
    String text,
    Label label,
    String category,
    String group,
    String language,
    Source source,
    Judgement judge,
    String response) {
  public Labeled {
    requireNonNull(id, "id");
    requireNonNull(text, "text");
    requireNonNull(label, "label");
    requireNonNull(category, "category");
    if (text.isBlank()) {
      throw new IllegalArgumentException("question " + id + ": text is blank");
    }
  }

  /** {@code candidate} with a verdict and a response, keeping its label and category. */
  public static Labeled of(Candidate candidate, Judgement judge, String response) {
    return new Labeled(
        candidate.id(),
        candidate.text(),
        candidate.label(),
        candidate.category(),
        candidate.group(),
        candidate.language(),
        candidate.source(),
        judge,
        response);
  }

  /**
   * This record with the label and category the judge chose.
   *
   * @param newGroup the taxonomy group of the judge's category
   */
  public Labeled relabeled(String newGroup) {
    requireNonNull(judge, "judge");
    return new Labeled(
        id, text, judge.label(), judge.category(), newGroup, language, source, judge, response);
  }

  public Labeled withResponse(String newResponse) {
    return new Labeled(id, text, label, category, group, language, source, judge, newResponse);
  }
}
