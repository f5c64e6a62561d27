package dev.guardsynth.eval;

import java.util.List;

/**
 * The gold questions of one file, in file order. Immutable.
 *
 * @param source the file name, as shown in reports
 * @param skipped records of other tasks (a guardsynth test split also holds {@code respond}
 *     records) that were left out
 */
public record Gold(String source, List<GoldExample> examples, int skipped) {
  public Gold {
    examples = List.copyOf(examples);
  }

  /** Whether any question carries a category, so that a per-category table means something. */
  public boolean hasCategories() {
    return examples.stream().anyMatch(e -> e.category() != null);
  }
}
