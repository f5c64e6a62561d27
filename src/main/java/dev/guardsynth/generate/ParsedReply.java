package dev.guardsynth.generate;

import java.util.List;

/**
 * What one teacher reply held. {@code returned} counts the reply's items (non-blank lines outside
 * code fences, or JSON array elements; a refusal counts as one), so that {@code returned ==
 * questions.size() + unparseable + (refusal ? 1 : 0)} always holds.
 *
 * @param unparseable items that were not questions: preambles, closing remarks, stray text
 */
public record ParsedReply(List<String> questions, boolean refusal, int returned, int unparseable) {
  public ParsedReply {
    questions = List.copyOf(questions);
  }
}
