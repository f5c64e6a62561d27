package dev.guardsynth.generate;

import java.util.List;

/**
 * What one teacher reply held. {@code returned} counts the reply's items (non-blank lines outside
 * code fences and thinking that are not notes of an item, or JSON array elements; a refusal counts
 * as one), so that {@code returned == questions.size() + unparseable + truncated + (refusal ? 1 :
 * 0)} always holds.
 *
 * @param unparseable items that were not questions: preambles, closing remarks, stray text, the
 *     prompt's own instructions echoed as items
 * @param truncated 1 when the token limit cut the reply and its last, unfinished item was dropped
 * @param thinkBlock whether a thinking block was dropped before reading the reply
 * @param attachedNotes what the teacher attached to its questions and the reader kept aside as
 *     their notes (a translation, an echoed tag list, an explanation, a topic lead-in, a
 *     sub-bullet)
 */
public record ParsedReply(
    List<Question> items,
    boolean refusal,
    int returned,
    int unparseable,
    int truncated,
    boolean thinkBlock,
    int attachedNotes) {
  public ParsedReply {
    items = List.copyOf(items);
  }

  /**
   * One question and what the teacher attached to it.
   *
   * @param note the attached text kept aside (parts joined by "; "), or null
   */
  public record Question(String text, String note) {}

  /** The questions' texts, in reply order. */
  public List<String> questions() {
    return items.stream().map(Question::text).toList();
  }

  static ParsedReply nothing(boolean thinkBlock) {
    return new ParsedReply(List.of(), false, 0, 0, 0, thinkBlock, 0);
  }

  static ParsedReply refused(boolean thinkBlock) {
    return new ParsedReply(List.of(), true, 1, 0, 0, thinkBlock, 0);
  }
}
