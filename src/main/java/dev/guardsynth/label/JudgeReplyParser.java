package dev.guardsynth.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.text.ThinkBlocks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the label stage's replies: a judge's verdicts and a safeguard writer's responses, one per
 * question id. With structured output the reply is exactly the schema's JSON; without it, real
 * models wrap the JSON in code fences or a sentence, drop the wrapping object, write a category's
 * name where its id was asked for, or answer "yes" for true, so the parser takes the outermost JSON
 * in the reply, finds the list of items wherever it is, and accepts a category's id or any of its
 * names, in any case. Thread-safe.
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
    if (open < 0 || close < open) {
      return new Items(Map.of(), "no JSON object in the reply: " + start(reply), true);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(reply.substring(open, close + 1));
    } catch (JsonProcessingException e) {
      return new Items(Map.of(), "not valid JSON: " + start(reply), false);
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
    JsonNode answers = get(node, "checks");
    for (String check : checks) {
      Boolean yes = yes(get(answers, check));
      if (yes == null) {
        return new JudgeReply.Unparseable(
            "rule check '" + check + "' not answered true or false: " + start(reply));
      }
      if (yes) {
        violated.add(check);
      }
    }
    return new JudgeReply.Parsed(parsed, id, violated);
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

  /** true, false, or null when {@code answer} is neither a boolean nor yes/no/true/false text. */
  private static Boolean yes(JsonNode answer) {
    if (answer.isBoolean()) {
      return answer.booleanValue();
    }
    return switch (answer.asText("").strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
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
