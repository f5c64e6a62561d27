package dev.guardsynth.data;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * One cell of the targets grid: a taxonomy category, a label and a language. {@code targets} counts
 * exported questions per cell, and the rounds of {@code run} fill cells one by one. Immutable;
 * {@link #id()} ({@code crime_advice/unsafe/ko}) is the cell's stable name in {@code run.json},
 * {@code stats} and error messages.
 */
public record Cell(String category, Label label, String language) implements Comparable<Cell> {
  private static final Comparator<Cell> ORDER =
      Comparator.comparing(Cell::language).thenComparing(Cell::category).thenComparing(Cell::label);

  public Cell {
    requireNonNull(category, "category");
    requireNonNull(label, "label");
    requireNonNull(language, "language");
  }

  /** The cell a question belongs to. */
  public static Cell of(Candidate candidate) {
    return new Cell(candidate.category(), candidate.label(), candidate.language());
  }

  /** The cell a labeled question ends up in (after any relabeling by the judge). */
  public static Cell of(Labeled labeled) {
    return new Cell(labeled.category(), labeled.label(), labeled.language());
  }

  /** {@code category/label/language}, e.g. {@code crime_advice/unsafe/ko}. */
  public String id() {
    return category + "/" + label.json() + "/" + language;
  }

  @Override
  public int compareTo(Cell other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return id();
  }
}
