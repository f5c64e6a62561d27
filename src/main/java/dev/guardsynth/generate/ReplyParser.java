package dev.guardsynth.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a teacher's free-text reply into questions. Copes with what real models return: numbered
 * items ({@code 1.}, {@code 1)}, {@code (1)}, {@code Q1:}), bullets, blank lines, code fences, a
 * JSON array (of strings or of objects with a {@code question} or {@code text} field), a preamble
 * or closing remark (dropped and counted), a refusal, and more or fewer items than asked. Stateless
 * and thread-safe.
 */
public final class ReplyParser {
  private static final Pattern ITEM =
      Pattern.compile(
          "^\\s*(?:\\(\\d{1,3}\\)|\\d{1,3}\\s*[.):\\]]|[Qq]\\d{1,3}\\s*[.):]|[-*•·▪●◦–]|#{1,6}\\s*\\d{1,3}[.)])\\s*(.+)$");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*$");
  private static final Pattern QUESTION_END = Pattern.compile(".*[?？]['\"”’)]*\\s*$");
  private static final Pattern REFUSAL =
      Pattern.compile(
          "(?i)(I'?m sorry|I am sorry|I can(?:no|')t (?:help|assist|provide|comply|create|generate)|I (?:won't|will not|am unable to|am not able to)"
              + "|as an AI|cannot (?:help|assist|fulfil|fulfill|comply) with"
              + "|죄송합니다|죄송하지만|도와드릴 수 없|제공(?:해 ?드릴|할) 수 없|생성(?:해 ?드릴|할) 수 없|작성(?:해 ?드릴|할) 수 없|응할 수 없|AI로서)");

  /** Parses one reply. */
  public ParsedReply parse(String reply) {
    List<String> lines = new ArrayList<>();
    for (String line : reply.split("\\R")) {
      if (!line.isBlank() && !FENCE.matcher(line).matches()) {
        lines.add(line.strip());
      }
    }
    if (lines.isEmpty()) {
      return new ParsedReply(List.of(), false, 0, 0);
    }
    ParsedReply json = parseJson(String.join("\n", lines));
    if (json != null) {
      return json;
    }
    List<String> items = new ArrayList<>();
    for (String line : lines) {
      Matcher m = ITEM.matcher(line);
      if (m.matches()) {
        String q = clean(m.group(1));
        if (!q.isEmpty()) {
          items.add(q);
        }
      }
    }
    if (items.isEmpty()) {
      if (REFUSAL.matcher(String.join(" ", lines)).find()) {
        return new ParsedReply(List.of(), true, 1, 0);
      }
      // No list markers: one question per line, keeping only lines that read as questions.
      for (String line : lines) {
        String q = clean(line);
        if (QUESTION_END.matcher(q).matches()) {
          items.add(q);
        }
      }
    }
    return new ParsedReply(items, false, lines.size(), lines.size() - items.size());
  }

  /** A JSON array reply, or null when the reply is not JSON. */
  private ParsedReply parseJson(String text) {
    String t = text.strip();
    if (!(t.startsWith("[") || t.startsWith("{"))) {
      return null;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(t);
    } catch (Exception notJson) {
      return null;
    }
    if (node.isObject()) {
      JsonNode list = node.has("questions") ? node.get("questions") : null;
      if (list == null || !list.isArray()) {
        return null;
      }
      node = list;
    }
    if (!node.isArray()) {
      return null;
    }
    List<String> items = new ArrayList<>();
    for (JsonNode element : node) {
      String value =
          element.isTextual()
              ? element.asText()
              : element.isObject() && element.hasNonNull("question")
                  ? element.get("question").asText()
                  : element.isObject() && element.hasNonNull("text")
                      ? element.get("text").asText()
                      : "";
      String q = clean(value);
      if (!q.isEmpty()) {
        items.add(q);
      }
    }
    return new ParsedReply(items, false, node.size(), node.size() - items.size());
  }

  /** Strips markdown emphasis and surrounding quotes. */
  static String clean(String text) {
    String s = text.strip().replace("**", "").replace("__", "").strip();
    while (s.length() >= 2 && isQuotePair(s.charAt(0), s.charAt(s.length() - 1))) {
      s = s.substring(1, s.length() - 1).strip();
    }
    return s;
  }

  private static boolean isQuotePair(char open, char close) {
    return (open == '"' && close == '"')
        || (open == '\'' && close == '\'')
        || (open == '“' && close == '”')
        || (open == '「' && close == '」')
        || (open == '`' && close == '`');
  }
}
