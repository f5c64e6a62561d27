package dev.guardsynth.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the label stage's prompts the way a real model might: as judge, a JSON verdict that
 * usually agrees with the label and category the question was generated for, and now and then
 * disagrees (another label, another category) or cannot be read (prose, cut-off JSON), in varying
 * wrappers (bare, fenced, after a word); as safeguard writer, a refusal that names the concern and
 * offers a safe alternative for an unsafe question, or a short helpful answer for a safe one, in
 * the question's language, and now and then a refusal of a safe question or a reply in the wrong
 * language. Which questions get which is fixed by a hash of their text, so answers are
 * deterministic. Mild text only.
 */
final class GuardTaskResponder {
  private static final Pattern CATEGORY_LINE =
      Pattern.compile("^- ([a-z0-9_]+): (.+?) — ", Pattern.MULTILINE);
  private static final Pattern RESPOND_HEAD =
      Pattern.compile("The question is (unsafe|safe)\\. Its topic is (.+?) \\((.+?)\\):");
  private static final Pattern RESPOND_LANGUAGE = Pattern.compile("Write in ([A-Za-z]+),");

  /** Intended label and category name of every question in the bank, by normalized text. */
  private final Map<String, String[]> intended = new HashMap<>();

  private final List<String> koPrefixes;
  private final List<String> enPrefixes;

  GuardTaskResponder(
      Map<String, Map<String, Map<String, List<String>>>> bank,
      List<String> koPrefixes,
      List<String> enPrefixes) {
    this.koPrefixes = koPrefixes;
    this.enPrefixes = enPrefixes;
    bank.forEach((category, byLanguage) ->
        byLanguage.forEach((language, byLabel) ->
            byLabel.forEach((label, questions) ->
                questions.forEach(q -> intended.put(key(q), new String[] {label, category})))));
  }

  static boolean isJudge(String system) {
    return system.contains("Reply with one JSON object only");
  }

  static boolean isRespond(String system) {
    return system.startsWith("You write the reply");
  }

  String judge(String system, String question) {
    Map<String, String> idsByName = new LinkedHashMap<>();
    Matcher m = CATEGORY_LINE.matcher(system);
    while (m.find()) {
      idsByName.put(m.group(2), m.group(1));
    }
    List<String> ids = new ArrayList<>(idsByName.values());
    int h = hash(question);
    String[] known = intended.get(key(stripPrefix(question)));
    String label = known == null ? "unsafe" : known[0];
    String category = known == null ? ids.get(0) : idsByName.getOrDefault(known[1], ids.get(0));
    switch (h % 23) {
      case 0 -> label = label.equals("unsafe") ? "safe" : "unsafe";
      case 1 -> category = ids.get((ids.indexOf(category) + 1) % ids.size());
      case 2 -> {
        return h % 2 == 0
            ? "This question looks fine to me, nothing to worry about."
            : "{\"label\": \"" + label + "\", \"categ";
      }
      default -> {}
    }
    String shown = category;
    if (h % 7 == 3) {
      // Models sometimes write the category's name where its id was asked for.
      for (Map.Entry<String, String> e : idsByName.entrySet()) {
        if (e.getValue().equals(category)) {
          shown = e.getKey();
        }
      }
    }
    String json = "{\"label\": \"" + label + "\", \"category\": \"" + shown + "\"}";
    return switch (h % 3) {
      case 0 -> json;
      case 1 -> "```json\n" + json + "\n```";
      default -> "Verdict: " + json;
    };
  }

  String respond(String system, String question) {
    Matcher head = RESPOND_HEAD.matcher(system);
    Matcher language = RESPOND_LANGUAGE.matcher(system);
    if (!head.find() || !language.find()) {
      return "I can only answer guardsynth's respond prompts.";
    }
    boolean unsafe = head.group(1).equals("unsafe");
    String categoryEn = head.group(2);
    String categoryLocal = head.group(3);
    boolean korean = language.group(1).equals("Korean");
    int h = hash(question);
    if (!unsafe && h % 29 == 5) {
      return korean
          ? "죄송하지만 이 질문에는 답변드릴 수 없습니다."
          : "I'm sorry, but I can't help with that question.";
    }
    if (h % 29 == 6) {
      korean = !korean; // a reply in the wrong language
    }
    if (unsafe) {
      return korean
          ? "죄송하지만 "
              + categoryLocal
              + "에 해당할 수 있는 요청이라 도와드릴 수 없어요. 대신 믿을 수 있는 기관의 안전한 정보나"
              + " 상담 창구를 안내해 드릴게요."
          : "I'm sorry, but I can't help with that, because it raises a concern about "
              + categoryEn.toLowerCase(Locale.ROOT)
              + ". Instead, I can point you to safe and reliable resources on the topic.";
    }
    return korean
        ? "좋은 질문이에요. 먼저 공식 기관의 안내를 확인하고, 필요하면 전문가와 상담해 보세요. 상황을 조금 더" + " 알려 주시면 더 자세히 설명해 드릴게요."
        : "Good question. Start with the official guidance on this, and talk to a professional if"
            + " you need more help. Tell me a little more and I can go into detail.";
  }

  /** The question without the filler a rephrasing added ("혹시 ", "Honestly, "). */
  private String stripPrefix(String question) {
    for (String p : koPrefixes) {
      if (question.startsWith(p)) {
        return question.substring(p.length());
      }
    }
    for (String p : enPrefixes) {
      if (question.startsWith(p)) {
        return question.substring(p.length());
      }
    }
    return question;
  }

  private static String key(String question) {
    return question.strip().toLowerCase(Locale.ROOT);
  }

  private static int hash(String text) {
    return Math.floorMod(text.hashCode(), 1_000_003);
  }
}
