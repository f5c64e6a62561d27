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
}
