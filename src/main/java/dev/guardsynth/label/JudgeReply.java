package dev.guardsynth.label;

import dev.guardsynth.data.Label;

/** What a judge's reply said: a {@link Parsed} label and category, or {@link Unparseable} text. */
sealed interface JudgeReply permits JudgeReply.Parsed, JudgeReply.Unparseable {
  /**
   * @param category a category id of the taxonomy
   */
  record Parsed(Label label, String category) implements JudgeReply {}

  /**
   * @param why what was wrong and how the reply starts, for the rejection's detail
   */
  record Unparseable(String why) implements JudgeReply {}
}
