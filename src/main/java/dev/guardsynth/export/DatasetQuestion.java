package dev.guardsynth.export;

import dev.guardsynth.data.Label;

/**
 * One line of {@code dataset/questions.jsonl}: a question of the release and the split it is in.
 * Whatever the record format (OpenAI's lines carry only messages), this file tells a later release
 * which questions to keep and where ({@code --previous}). Immutable.
 *
 * @param split {@code train}, {@code validation} or {@code test}
 * @param language the question's language, or null when it was not recorded
 * @param label the label of the cell it was asked for
 * @param controversial true when it is exported as {@code controversial} (a jury split on it); null
 *     otherwise, and left out of the JSON
 */
record DatasetQuestion(
    String id,
    String split,
    Label label,
    String category,
    String language,
    String text,
    Boolean controversial) {

  boolean keptAsControversial() {
    return Boolean.TRUE.equals(controversial);
  }

  /** The label its records carry: {@code unsafe}, {@code safe} or {@code controversial}. */
  String exportedLabel() {
    return keptAsControversial() ? DatasetExporter.CONTROVERSIAL : label.json();
  }

  /** {@code label/category}: the stratum the splitter balances. */
  String stratum() {
    return label.json() + "/" + category;
  }
}
