package dev.guardsynth.generate;

import java.util.List;

/**
 * What one teacher reply held. {@code returned} counts the reply's items (non-blank lines outside
 * code fences and thinking, or JSON array elements; a refusal counts as one), so that {@code
 * returned == questions.size() + unparseable + truncated + (refusal ? 1 : 0)} always holds.
 *
 * @param unparseable items that were not questions: preambles, closing remarks, stray text
 * @param truncated 1 when the token limit cut the reply and its last, unfinished item was dropped
 * @param thinkBlock whether a thinking block was dropped before reading the reply
 */
public record ParsedReply(
    List<String> questions,
    boolean refusal,
    int returned,
    int unparseable,
    int truncated,
    boolean thinkBlock) {
  public ParsedReply {
    questions = List.copyOf(questions);
  }

  public ParsedReply(List<String> questions, boolean refusal, int returned, int unparseable) {
    this(questions, refusal, returned, unparseable, 0, false);
  }
}
