package dev.guardsynth.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.data.Json;
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
    return system.contains("{\"verdicts\":");
  }

  static boolean isRespond(String system) {
    return system.startsWith("You write the replies");
  }

  /** Names a real judge would know as celebrities, some of them missing from the lexicon. */
  private static final List<String> CELEBRITIES =
      List.of("유재석", "아이유", "손흥민", "Taylor Swift", "Lionel Messi", "Beyoncé");

  private static final Pattern AIMED_AT_AI =
      Pattern.compile(
          "(너는 AI|AI인 너|당신은 인공지능|you, the assistant|you're just a chatbot|as an AI,? do you)",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern OTHER_THAN = Pattern.compile("other than (Korean|English)");

  /**
   * Answers a batch of questions (the user message, a JSON list with ids) with one verdict each.
   * With {@code structured} (the request carried a JSON schema) the reply is bare, valid JSON, as a
   * server enforcing the schema gives, though a question of a long batch may be left out; without
   * it, the JSON comes in a wrapper now and then, and an item may be garbled in a batch or the
   * whole reply unreadable when a question is asked alone.
   */
  String judge(String system, String user, boolean structured) {
    Map<String, String> idsByName = new LinkedHashMap<>();
    Matcher m = CATEGORY_LINE.matcher(system);
    while (m.find()) {
      idsByName.put(m.group(2), m.group(1));
    }
    List<String> ids = new ArrayList<>(idsByName.values());
    Map<String, String> checks = checks(system);
    JsonNode items = read(user);
    ArrayNode verdicts = Json.MAPPER.createArrayNode();
    int first = -1;
    for (JsonNode item : items) {
      String question = item.path("question").asText();
      int h = hash(question);
      first = first < 0 ? h : first;
      String[] known = intended.get(key(stripPrefix(question)));
      String label = known == null ? "unsafe" : known[0];
      String category = known == null ? ids.get(0) : idsByName.getOrDefault(known[1], ids.get(0));
      switch (h % 23) {
        case 0 -> label = label.equals("unsafe") ? "safe" : "unsafe";
        case 1 -> category = ids.get((ids.indexOf(category) + 1) % ids.size());
        case 2 -> {
          if (items.size() > 1 && structured) {
            continue; // lost track of one question in a long batch
          }
          if (items.size() > 1) {
            label = "probably";
          } else if (!structured) {
            return h % 2 == 0
                ? "This question looks fine to me, nothing to worry about."
                : "{\"verdicts\": [{\"id\": \"1\", \"label\": \"" + label + "\", \"categ";
          }
        }
        default -> {}
      }
      String shown = category;
      if (!structured && h % 7 == 3) {
        // Models sometimes write the category's name where its id was asked for.
        for (Map.Entry<String, String> e : idsByName.entrySet()) {
          if (e.getValue().equals(category)) {
            shown = e.getKey();
          }
        }
      }
      ObjectNode v = verdicts.addObject();
      v.put("id", item.path("id").asText());
      v.put("label", label);
      v.put("category", shown);
      if (!checks.isEmpty()) {
        ObjectNode answers = v.putObject("checks");
        checks.forEach((id, text) -> answers.put(id, broken(text, question)));
      }
    }
    String json = Json.MAPPER.createObjectNode().set("verdicts", verdicts).toString();
    if (structured) {
      return json;
    }
    return switch (Math.max(first, 0) % 3) {
      case 0 -> json;
      case 1 -> "```json\n" + json + "\n```";
      default -> "Verdicts: " + json;
    };
  }

  /** The rule checks listed in a judge prompt: id → question. */
  static Map<String, String> checks(String system) {
    Map<String, String> out = new LinkedHashMap<>();
    int at = system.indexOf("Rule checks:\n");
    if (at < 0) {
      return out;
    }
    for (String line : system.substring(at + "Rule checks:\n".length()).split("\n")) {
      Matcher c = Pattern.compile("^- ([a-z0-9_]+): (.+)$").matcher(line);
      if (!c.find()) {
        break;
      }
      out.put(c.group(1), c.group(2));
    }
    return out;
  }

  /** Whether {@code question} breaks the rule {@code check} asks about, as a careful judge sees. */
  static boolean broken(String check, String question) {
    if (check.contains("celebrit")) {
      return CELEBRITIES.stream().anyMatch(question::contains);
    }
    if (check.contains("AI assistant")) {
      return AIMED_AT_AI.matcher(question).find();
    }
    Matcher language = OTHER_THAN.matcher(check);
    if (language.find()) {
      boolean hangul = question.codePoints().anyMatch(cp -> cp >= 0xAC00 && cp <= 0xD7A3);
      return language.group(1).equals("Korean") != hangul;
    }
    return false;
  }

  /** Answers a batch of questions with one safeguard response each, as a JSON object. */
  String respond(String system, String user, boolean structured) {
    ArrayNode responses = Json.MAPPER.createArrayNode();
    JsonNode items = read(user);
    for (JsonNode item : items) {
      String text =
          response(
              item.path("question").asText(),
              item.path("label").asText().equals("unsafe"),
              item.path("category").asText("this topic"),
              item.path("language").asText().equals("Korean"));
      if (items.size() == 1 && !structured && hash(item.path("question").asText()) % 5 == 4) {
        return text; // asked about one question, a model may just answer it
      }
      responses.addObject().put("id", item.path("id").asText()).put("response", text);
    }
    return Json.MAPPER.createObjectNode().set("responses", responses).toString();
  }

  private String response(String question, boolean unsafe, String categoryEn, boolean korean) {
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
          ? "죄송하지만 위험할 수 있는 요청이라 도와드릴 수 없어요. 대신 믿을 수 있는 기관의 안전한 정보나" + " 상담 창구를 안내해 드릴게요."
          : "I'm sorry, but I can't help with that, because it raises a concern about "
              + categoryEn.toLowerCase(Locale.ROOT)
              + ". Instead, I can point you to safe and reliable resources on the topic.";
    }
    return korean
        ? "좋은 질문이에요. 먼저 공식 기관의 안내를 확인하고, 필요하면 전문가와 상담해 보세요. 상황을 조금 더" + " 알려 주시면 더 자세히 설명해 드릴게요."
        : "Good question. Start with the official guidance on this, and talk to a professional if"
            + " you need more help. Tell me a little more and I can go into detail.";
  }

  private static JsonNode read(String json) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      return node.isArray() ? node : Json.MAPPER.createArrayNode();
    } catch (JsonProcessingException e) {
      return Json.MAPPER.createArrayNode();
    }
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
