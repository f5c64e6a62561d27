package dev.guardsynth.label;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.teacher.ResponseSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON schemas the label stage asks replies to follow: a judge's verdicts (label enum, category
 * enum of the taxonomy's ids, one boolean per rule check) and the safeguard writer's responses.
 * Shaped for OpenAI's strict mode: every property required, no others allowed.
 */
final class ReplySchemas {
  private ReplySchemas() {}

  /** The judge's schema, or null when {@code label.structured} is off. */
  static ResponseSchema judge(
      LabelConfig.Structured mode, List<String> categoryIds, List<RuleSet.Check> checks) {
    if (mode == LabelConfig.Structured.OFF) {
      return null;
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("id", Map.of("type", "string"));
    properties.put("label", Map.of("type", "string", "enum", List.of("unsafe", "safe")));
    properties.put("category", Map.of("type", "string", "enum", List.copyOf(categoryIds)));
    if (!checks.isEmpty()) {
      Map<String, Object> answers = new LinkedHashMap<>();
      List<String> ids = new ArrayList<>();
      for (RuleSet.Check c : checks) {
        answers.put(c.id(), Map.of("type", "boolean"));
        ids.add(c.id());
      }
      properties.put("checks", object(answers, ids));
    }
    Map<String, Object> verdict = object(properties, List.copyOf(properties.keySet()));
    return new ResponseSchema(
        "judge_verdicts", list("verdicts", verdict), mode == LabelConfig.Structured.AUTO);
  }

  /** The safeguard writer's schema, or null when {@code label.structured} is off. */
  static ResponseSchema respond(LabelConfig.Structured mode) {
    if (mode == LabelConfig.Structured.OFF) {
      return null;
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("id", Map.of("type", "string"));
    properties.put("response", Map.of("type", "string"));
    return new ResponseSchema(
        "safeguard_responses",
        list("responses", object(properties, List.of("id", "response"))),
        mode == LabelConfig.Structured.AUTO);
  }

  /** {@code {"<field>": [item...]}}: OpenAI wants an object at the top. */
  private static Map<String, Object> list(String field, Map<String, Object> item) {
    return object(Map.of(field, Map.of("type", "array", "items", item)), List.of(field));
  }

  private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", "object");
    o.put("properties", properties);
    o.put("required", List.copyOf(required));
    o.put("additionalProperties", false);
    return o;
  }
}
