package dev.guardsynth.data;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Two near-identical questions with different labels, both kept, listed for review: a harmful
 * question and its harmless near-twin are both useful training data, unless one label is wrong.
 *
 * @param id the later question
 * @param otherId the earlier question (possibly from an earlier release)
 * @param similarity Jaccard similarity of their shingle sets, 4 decimals
 * @param labels the label of {@code id}, then the label of {@code otherId}
 */
public record CrossLabelPair(String id, String otherId, double similarity, List<Label> labels) {
  public CrossLabelPair {
    requireNonNull(id, "id");
    requireNonNull(otherId, "other_id");
    labels = List.copyOf(labels);
  }
}
