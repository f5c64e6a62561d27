package dev.guardsynth.label;

import dev.guardsynth.data.Label;
import java.util.List;

/**
 * What a judge's reply said about one question: {@link Parsed}, or {@link Unparseable} text. Public
 * for {@link LabelReplies}; the stage itself builds them only through its parser.
 */
public sealed interface JudgeReply permits JudgeReply.Parsed, JudgeReply.Unparseable {
  /**
   * @param category a category id of the taxonomy
   * @param violated ids of the rule checks the judge answered "yes" (broken), in rule-set order
   * @param unanswered ids of the rule checks the judge left out or answered neither yes nor no, in
   *     rule-set order: counted, never a reason to throw the verdict's label away
   */
  record Parsed(Label label, String category, List<String> violated, List<String> unanswered)
      implements JudgeReply {
    public Parsed {
      violated = List.copyOf(violated);
      unanswered = List.copyOf(unanswered);
    }

    public Parsed(Label label, String category, List<String> violated) {
      this(label, category, violated, List.of());
    }

    Parsed(Label label, String category) {
      this(label, category, List.of());
    }
  }

  /**
   * @param why what was wrong and how the reply starts, for the rejection's detail
   */
  record Unparseable(String why) implements JudgeReply {}
}
