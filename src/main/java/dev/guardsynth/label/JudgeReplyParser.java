package dev.guardsynth.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.text.MarkdownTable;
import dev.guardsynth.text.ThinkBlocks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the label stage's replies: a judge's verdicts and a safeguard writer's responses, one per
 * question id. With structured output the reply is exactly the schema's JSON; without it, real
 * models wrap the JSON in code fences or a sentence, think aloud first, drop the wrapping object,
 * write keys in another case, trailing commas, single quotes or Python's True, a category's name
 * where its id was asked for ({@code id (name)}, {@code id: name}), rule checks flattened into the
 * verdict or left out, "yes" for true, or a markdown table instead of JSON; so the parser drops the
 * thinking, takes the outermost JSON in the reply (else its table), finds the list of items
 * wherever it is, accepts a category's id or any of its names in any case, and counts a rule check
 * it cannot find as unanswered without throwing the verdict's label away. Thread-safe.
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

  /**
   * A verdict for each of {@code ids}, in their order: {@link JudgeReply.Parsed} when the reply
   * holds a readable verdict for it, else {@link JudgeReply.Unparseable} saying why.
   *
   * @param checks the rule check ids every verdict must answer
   */
  Map<String, JudgeReply> parse(String reply, List<String> ids, List<String> checks) {
    Map<String, JudgeReply> out = new LinkedHashMap<>();
    Items items = items(reply, "verdicts", "label", ids);
    for (String id : ids) {
      JsonNode item = items.byId().get(id);
      if (item != null) {
        out.put(id, verdict(item, checks, reply));
      } else if (items.problem() != null) {
        out.put(id, new JudgeReply.Unparseable(items.problem()));
      } else {
        out.put(id, new JudgeReply.Unparseable("no verdict for this id: " + start(reply)));
      }
    }
    return out;
  }

  /**
   * A safeguard response for each of {@code ids} the reply answers readably, by id. A reply to a
   * single question that holds no JSON at all is taken whole as its response: the model answered
   * the question instead of filling in the format.
   */
  static Map<String, String> responses(String reply, List<String> ids) {
    Items items = items(reply, "responses", "response", ids);
    Map<String, String> out = new LinkedHashMap<>();
    if (items.problem() != null && ids.size() == 1 && items.noJson()) {
      out.put(ids.get(0), ThinkBlocks.strip(reply).text().strip());
      return out;
    }
    for (String id : ids) {
      JsonNode item = items.byId().get(id);
      if (item != null && get(item, "response").isTextual()) {
        out.put(id, get(item, "response").asText());
      }
    }
    return out;
  }

  /**
   * The reply's items by id. {@code problem} says why none could be read; {@code noJson} whether
   * the reply held no JSON at all.
   */
  private record Items(Map<String, JsonNode> byId, String problem, boolean noJson) {}

  private static Items items(String whole, String listField, String itemField, List<String> ids) {
    // A reasoning model's thinking may hold braces of its own: read only what follows it.
    String reply = ThinkBlocks.strip(whole).text();
    int object = reply.indexOf('{');
    int array = reply.indexOf('[');
    boolean isArray = array >= 0 && (object < 0 || array < object);
    int open = isArray ? array : object;
    int close = reply.lastIndexOf(isArray ? ']' : '}');
    boolean hasJson = open >= 0 && close > open;
    JsonNode root = hasJson ? read(reply.substring(open, close + 1)) : null;
    if (root == null) {
      root = table(reply, itemField); // a markdown table of the items, when the reply has one
    }
    if (root == null) {
      return hasJson
          ? new Items(Map.of(), "not valid JSON: " + start(reply), false)
          : new Items(Map.of(), "no JSON object in the reply: " + start(reply), true);
    }
    List<JsonNode> list = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(list::add);
    } else if (get(root, listField).isArray()) {
      get(root, listField).forEach(list::add);
    } else if (!get(root, itemField).isMissingNode()) {
      list.add(root); // one item without the list around it
    } else {
      for (JsonNode field : root) { // the list under another name
        if (field.isArray()) {
          field.forEach(list::add);
          break;
        }
      }
    }
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode item : list) {
      String id = get(item, "id").isValueNode() ? get(item, "id").asText() : null;
      if (id == null && ids.size() == 1 && list.size() == 1) {
        id = ids.get(0); // one question asked, one answer given: it can only be that one
      }
      if (id != null && item.isObject()) {
        byId.putIfAbsent(id.strip(), item);
      }
    }
    if (byId.isEmpty()) {
      return new Items(
          Map.of(), "no " + listField + " with ids in the reply: " + start(reply), false);
    }
    return new Items(byId, null, false);
  }

  private static final Pattern PYTHON_LITERAL =
      Pattern.compile("(?<=[:\\[,]\\s{0,4})(True|False|None)\\b");

  /**
   * {@code json} read as models write it: trailing commas, single quotes and, failing that,
   * Python's {@code True}/{@code False}/{@code None}; null when it is not JSON even so.
   */
  private static JsonNode read(String json) {
    try {
      return Json.RELAXED.readTree(json);
    } catch (JsonProcessingException e) {
      Matcher m = PYTHON_LITERAL.matcher(json);
      String repaired =
          m.replaceAll(r ->
              switch (r.group(1)) {
                case "True" -> "true";
                case "False" -> "false";
                default -> "null";
              });
      try {
        return repaired.equals(json) ? null : Json.RELAXED.readTree(repaired);
      } catch (JsonProcessingException stillNot) {
        return null;
      }
    }
  }

  /**
   * The first markdown table in {@code reply} as a list of items, one per row, keyed by the header
   * cells in lower case ({@code | id | label | category | celebrity |}); null when the reply has no
   * table or its table has no {@code itemField} column (so a response that holds a table of its own
   * is not read as one).
   */
  private static JsonNode table(String reply, String itemField) {
    MarkdownTable t = MarkdownTable.find(List.of(reply.split("\\R")));
    if (t == null || t.column(itemField) < 0) {
      return null;
    }
    ArrayNode rows = Json.MAPPER.createArrayNode();
    for (int r = 0; r < t.rows().size(); r++) {
      ObjectNode row = rows.addObject();
      for (int c = 0; c < t.header().size(); c++) {
        String key = t.header().get(c).replace("*", "").replace("`", "").strip();
        row.put(
            key.toLowerCase(Locale.ROOT), t.cell(r, c).replace("**", "").replace("`", "").strip());
      }
    }
    return rows;
  }

  private JudgeReply verdict(JsonNode node, List<String> checks, String reply) {
    String label = get(node, "label").asText("");
    String category = get(node, "category").asText("");
    Label parsed;
    try {
      parsed = Label.parse(label);
    } catch (IllegalArgumentException e) {
      return new JudgeReply.Unparseable(
          "label '" + label + "' is neither unsafe nor safe: " + start(reply));
    }
    String id = category(category);
    if (id == null) {
      return new JudgeReply.Unparseable(
          "category '" + category + "' is not in the taxonomy: " + start(reply));
    }
    List<String> violated = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    JsonNode answers = get(node, "checks");
    for (String check : checks) {
      JsonNode answer = answer(answers, check);
      // Checks flattened into the verdict ({"label": …, "celebrity": false}) are read there.
      Boolean yes = yes(answer.isMissingNode() ? get(node, check) : answer);
      if (yes == null) {
        unanswered.add(check);
      } else if (yes) {
        violated.add(check);
      }
    }
    return new JudgeReply.Parsed(parsed, id, violated, unanswered);
  }

  /** {@code node}'s field {@code name} in any case, or a missing node. */
  private static JsonNode get(JsonNode node, String name) {
    JsonNode exact = node.path(name);
    if (!exact.isMissingNode() || !node.isObject()) {
      return exact;
    }
    for (var it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().strip().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return exact;
  }

  /**
   * The category id {@code written} names: an id, a name in either language, or {@code id (name)} /
   * {@code id: name}.
   */
  private String category(String written) {
    String id = categoryIds.get(key(written));
    if (id != null) {
      return id;
    }
    for (String part : written.split("[():：/]")) {
      if (!part.isBlank() && (id = categoryIds.get(key(part))) != null) {
        return id;
      }
    }
    return null;
  }

  /**
   * The answer to {@code check} in a verdict's checks: an object keyed by check id, or a list of
   * {@code {"id": check, "answer": …}} objects; a missing node when it has none.
   */
  private static JsonNode answer(JsonNode answers, String check) {
    if (!answers.isArray()) {
      return get(answers, check);
    }
    for (JsonNode a : answers) {
      if ((get(a, "id").asText("") + get(a, "check").asText("")).strip().equalsIgnoreCase(check)) {
        for (String field : List.of("answer", "value", "violated", "result")) {
          if (!get(a, field).isMissingNode()) {
            return get(a, field);
          }
        }
      }
    }
    return get(answers, check);
  }

  /** true, false, or null when {@code answer} is neither a boolean nor yes/no/true/false text. */
  private static Boolean yes(JsonNode answer) {
    if (answer.isBoolean()) {
      return answer.booleanValue();
    }
    return switch (answer.asText("").strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "y", "예", "네" -> true;
      case "false", "no", "n", "아니오", "아니요", "아니" -> false;
      default -> null;
    };
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
