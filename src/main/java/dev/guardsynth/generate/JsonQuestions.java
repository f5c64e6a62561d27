package dev.guardsynth.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The questions of a reply written as JSON, wherever the JSON sits (after a lead sentence too): an
 * array, or an object holding the list under any key, of strings or of objects with a text field;
 * JSON5-ish slips (trailing commas, single quotes, unquoted keys, comments) are read as meant, and
 * JSON the token limit cut keeps its complete strings. Stateless and thread-safe.
 */
final class JsonQuestions {
  private JsonQuestions() {}

  private static final List<String> TEXT_FIELDS =
      List.of("question", "text", "content", "query", "prompt", "q", "질문");

  /** Fields beside the question that say something about it: kept aside as its note. */
  private static final List<String> NOTE_FIELDS =
      List.of(
          "translation", "explanation", "note", "reason", "intent", "why", "번역", "설명", "의도", "이유");

  private static final Pattern CUT_STRING =
      Pattern.compile(
          "(?:^|[\\[,]|\"(?:question|text|content)\"\\s*:)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /**
   * What the JSON held: its elements in order (text "" for an element without one), lines before it
   * ({@code lead}) and text after it ({@code trailing}, 0 or 1), and whether the token limit cut it
   * (its unfinished element is not among {@code elements}).
   */
  record Found(List<ItemText.Item> elements, int lead, int trailing, boolean cut) {}

  /** The reply's JSON list, or null when it holds none. */
  static Found find(List<String> lines, boolean truncated) {
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (t.startsWith("[") || t.startsWith("{")) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      return null;
    }
    String text = String.join("\n", lines.subList(start, lines.size())).strip();
    JsonNode node = null;
    int trailing = 0;
    int close = Math.max(text.lastIndexOf(']'), text.lastIndexOf('}'));
    if (close > 0) {
      try {
        node = Json.RELAXED.readTree(text.substring(0, close + 1));
        trailing = text.substring(close + 1).isBlank() ? 0 : 1;
      } catch (Exception notJson) {
        node = null;
      }
    }
    if (node == null) {
      return truncated ? cut(text, start) : null;
    }
    JsonNode list = list(node);
    if (list == null) {
      return null;
    }
    List<ItemText.Item> elements = new ArrayList<>();
    list.forEach(element -> elements.add(new ItemText.Item(text(element), notes(element))));
    return new Found(elements, start, trailing, false);
  }

  /** JSON the token limit cut: its complete strings; null when it has none. */
  private static Found cut(String text, int lead) {
    Matcher m = CUT_STRING.matcher(text);
    List<ItemText.Item> elements = new ArrayList<>();
    while (m.find()) {
      elements.add(new ItemText.Item(m.group(1).replace("\\\"", "\""), List.of()));
    }
    return elements.isEmpty() ? null : new Found(elements, lead, 0, true);
  }

  /** The list of questions in {@code node}: the array itself, or the first under any key. */
  private static JsonNode list(JsonNode node) {
    if (node.isArray()) {
      return node;
    }
    if (!node.isObject()) {
      return null;
    }
    JsonNode questions = field(node, "questions");
    if (questions != null && questions.isArray()) {
      return questions;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      JsonNode value = it.next().getValue();
      if (value.isArray() && !value.isEmpty() && !text(value.get(0)).isEmpty()) {
        return value;
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      JsonNode value = it.next().getValue();
      if (value.isObject()) {
        JsonNode inner = list(value);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private static JsonNode field(JsonNode object, String name) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().strip().toLowerCase(Locale.ROOT).equals(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** An object element's note fields. */
  private static List<String> notes(JsonNode element) {
    List<String> notes = new ArrayList<>();
    if (element.isObject()) {
      for (String name : NOTE_FIELDS) {
        JsonNode value = field(element, name);
        if (value != null && value.isTextual() && !value.asText().isBlank()) {
          notes.add(value.asText().strip());
        }
      }
    }
    return notes;
  }

  /** An element's question: a string, or an object's text field. */
  private static String text(JsonNode element) {
    if (element.isTextual()) {
      return element.asText();
    }
    if (element.isObject()) {
      for (String name : TEXT_FIELDS) {
        JsonNode value = field(element, name);
        if (value != null && value.isTextual()) {
          return value.asText();
        }
      }
    }
    return "";
  }
}
