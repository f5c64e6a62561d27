package dev.guardsynth.eval;

import static java.util.Objects.requireNonNull;

import dev.guardsynth.data.Label;

/**
 * One scored question: its gold label and, when the file has one, its topic category. Immutable.
 *
 * @param id the file's id, or {@link dev.guardsynth.data.Ids#questionId} of the text when the file
 *     has none, so predictions written by guardsynth still join
 * @param category the topic category, or null when the file has none
 * @param where the record's location ({@code file:line}), for messages
 */
public record GoldExample(String id, String text, Label label, String category, String where) {
  public GoldExample {
    requireNonNull(id, "id");
    requireNonNull(text, "text");
    requireNonNull(label, "label");
    requireNonNull(where, "where");
  }
}
