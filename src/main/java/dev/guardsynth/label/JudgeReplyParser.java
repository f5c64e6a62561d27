package dev.guardsynth.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a judge's reply. Real models wrap the JSON in code fences or a sentence, and write a
 * category's name where its id was asked for, so the parser takes the outermost braces in the reply
 * and accepts a category's id or any of its names, in any case. Thread-safe.
 */
final class JudgeReplyParser {
  private final Map<String, String> categoryIds = new HashMap<>();

  JudgeReplyParser(Taxonomy taxonomy) {
    for (Category c : taxonomy.categories()) {
      categoryIds.put(key(c.id()), c.id());
      for (String name : c.names().values()) {
        categoryIds.putIfAbsent(key(name), c.id());
      }
    }
  }

  JudgeReply parse(String reply) {
    int open = reply.indexOf('{');
    int close = reply.lastIndexOf('}');
    if (open < 0 || close < open) {
      return new JudgeReply.Unparseable("no JSON object in the reply: " + start(reply));
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(reply.substring(open, close + 1));
    } catch (JsonProcessingException e) {
      return new JudgeReply.Unparseable("not valid JSON: " + start(reply));
    }
    String label = node.path("label").asText("");
    String category = node.path("category").asText("");
    Label parsed;
    try {
      parsed = Label.parse(label);
    } catch (IllegalArgumentException e) {
      return new JudgeReply.Unparseable(
          "label '" + label + "' is neither unsafe nor safe: " + start(reply));
    }
    String id = categoryIds.get(key(category));
    if (id == null) {
      return new JudgeReply.Unparseable(
          "category '" + category + "' is not in the taxonomy: " + start(reply));
    }
    return new JudgeReply.Parsed(parsed, id);
  }

  private static String key(String s) {
    return s.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
  }

  /** The reply's first 80 characters on one line, quoted, for a person reading rejected.jsonl. */
  static String start(String reply) {
    String oneLine = reply.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 80 ? "\"" + oneLine + "\"" : "\"" + oneLine.substring(0, 80) + "…\"";
  }
}
