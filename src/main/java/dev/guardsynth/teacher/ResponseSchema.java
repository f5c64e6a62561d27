package dev.guardsynth.teacher;

import java.util.Map;

/**
 * A JSON schema the reply must follow, sent as {@code response_format: {type: json_schema}} where
 * the provider supports it (OpenAI, vLLM, Ollama's and LM Studio's OpenAI-compatible endpoints).
 * Part of the request, so of its journal key: a request with a schema and one without are different
 * requests. Immutable.
 *
 * @param name the schema's name, as OpenAI asks for one ({@code judge_verdicts})
 * @param schema the JSON schema itself, as nested maps and lists; written with sorted keys, so the
 *     same schema always makes the same key
 * @param fallback when true ({@code label.structured: auto}), a server that answers HTTP 400 to
 *     {@code response_format} is asked again without it, and the teacher stops sending it for the
 *     rest of the run; when false ({@code on}) that 400 fails the request
 */
public record ResponseSchema(String name, Map<String, Object> schema, boolean fallback) {
  public ResponseSchema {
    if (name == null || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("schema name '" + name + "': use 1 to 64 of a-z0-9_-");
    }
    schema = Map.copyOf(schema);
  }

  /** The {@code response_format} object of a chat completions request body. */
  public Map<String, Object> responseFormat() {
    return Map.of(
        "type",
        "json_schema",
        "json_schema",
        Map.of("name", name, "schema", schema, "strict", true));
  }
}
