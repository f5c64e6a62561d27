package dev.guardsynth.text;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a refusal in Korean or English text: an apology that leads into declining ("죄송하지만", "I'm
 * sorry, but") or an assistant's "cannot help" ("도와드릴 수 없습니다", "I can't assist with"). Used on the
 * teacher's questions (a refusal left in a list of questions) and on safeguard responses (a safe
 * question must not be refused). The patterns are narrow on purpose: a user's question may well say
 * "sorry" or "can't", so bare words never count. Either apostrophe counts (' or ’). Thread-safe.
 */
public final class RefusalDetector {
  private static final Pattern REFUSAL =
      Pattern.compile(
          String.join(
              "|",
              // An apology that opens a refusal, in its usual places.
              "^\\s*(?:I'?m|I am|we'?re|we are)?\\s*sorry\\b[^.?!\\n]{0,60}?\\b(?:but|can'?t|cannot|unable|won'?t)\\b",
              "^\\s*(?:I\\s+)?apologi[sz]e\\b",
              // The assistant declining, in the first person.
              "\\bI\\s+(?:can'?t|cannot|can\\s+not|am\\s+unable\\s+to|'m\\s+unable\\s+to|am\\s+not\\s+able\\s+to"
                  + "|won'?t|will\\s+not|must\\s+decline\\s+to)\\s+(?:help|assist|provide|comply|create|generate"
                  + "|write|answer|fulfil|fulfill|support|share|give)\\b",
              "\\b(?:can'?t|cannot)\\s+(?:help|assist)\\s+(?:you\\s+)?with\\s+(?:that|this)\\b",
              // Korean: "sorry, but", and the polite "cannot do for you" of an assistant.
              "죄송하지만|죄송합니다만|죄송하게도|^\\s*죄송합니다|^\\s*미안하지만",
              "(?:도와|도움을?|제공해|만들어|생성해|작성해|답변|응답|안내해|알려)\\s?(?:드릴\\s?수|드리기가?)\\s?(?:없|어렵)",
              "(?:요청|질문)(?:에는|은|는)\\s?(?:응할|답할|답변할)\\s?수\\s?없"),
          Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

  private RefusalDetector() {}

  /**
   * {@code text} with typographic apostrophes (’ ‘ ʼ ＇, as GPT-4o and Llama write them) as ASCII ',
   * one for one, so that patterns written with ' match either.
   */
  public static String apostrophes(String text) {
    return text.replace('\u2019', '\'')
        .replace('\u2018', '\'')
        .replace('\u02BC', '\'')
        .replace('\uFF07', '\'');
  }

  /** The refusing phrase in {@code text}, if any. */
  public static Optional<String> find(String text) {
    Matcher m = REFUSAL.matcher(apostrophes(text));
    return m.find() ? Optional.of(m.group().strip()) : Optional.empty();
  }
}
