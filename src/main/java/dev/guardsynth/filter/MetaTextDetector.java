package dev.guardsynth.filter;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the teacher's own remarks that a reply parser took for a question: list headings ("Here are
 * 10 questions:", "다음은 요청하신 질문입니다"), assistant self-talk ("As an AI language model, I..."), fillers
 * ("Sure!", "물론입니다") and sign-offs ("I hope these help", "도움이 되었으면"). A question addressed to the
 * AI ("As an AI, do you...?") is not meta-text: that is the ai_target rule's business. Thread-safe.
 */
final class MetaTextDetector {
  private static final Pattern META =
      Pattern.compile(
          String.join(
              "|",
              // A heading: text that ends in a colon introduces a list; it is not a question.
              "[:：]\\s*$",
              "^\\s*here\\s+(?:are|is)\\b",
              "\\b(?:\\d+|two|three|four|five|six|seven|eight|nine|ten|some|more)\\s+(?:more\\s+)?"
                  + "(?:harmless\\s+|harmful\\s+|bad-purpose\\s+|safe\\s+|unsafe\\s+|example\\s+)?questions"
                  + "\\s*(?:about|on|regarding|related|that|[:：]|$)",
              "^\\s*(?:sure|certainly|of course|okay|ok|absolutely)\\s*[,!.]",
              "\\bas\\s+an\\s+AI\\s+language\\s+model\\b|\\bas\\s+an\\s+AI(?:\\s+assistant)?,\\s*I\\b",
              "\\bI\\s+hope\\s+(?:these|this|that)\\s+helps?\\b|\\blet\\s+me\\s+know\\s+if\\b",
              "^\\s*(?:note|disclaimer|question\\s*\\d+)\\s*[:：]",
              "^\\s*(?:다음은|아래는)\\s?.{0,30}(?:질문|예시|목록)",
              "\\d+\\s?(?:개|가지)의?\\s?질문(?:입니다|이에요|을\\s?(?:작성|생성|만들))",
              "질문\\s?\\d+\\s?(?:개|가지)(?:를|을)?\\s?(?:작성|생성|만들)",
              "(?:AI|인공지능|언어\\s?모델)(?:로서|으로서)\\s?(?:저는|제가)|AI\\s?언어\\s?모델로서",
              "도움이\\s?(?:되었으면|되셨으면|되길|되시길)",
              "^\\s*(?:물론입니다|물론이죠|네,\\s|알겠습니다)",
              "^\\s*(?:참고|주의|질문\\s?\\d+)\\s?[:：]"),
          Pattern.CASE_INSENSITIVE);

  private MetaTextDetector() {}

  /** The remark-like phrase in {@code text}, if any. */
  static Optional<String> find(String text) {
    Matcher m = META.matcher(text);
    return m.find() ? Optional.of(m.group().strip()) : Optional.empty();
  }
}
