package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.util.function.Function;

/**
 * A real local server speaking Ollama's native chat API: {@code POST /api/chat} (no key), answering
 * {@code message.content} with {@code prompt_eval_count} and {@code eval_count} as the token
 * counts. Thread-safe.
 */
public final class FakeOllamaServer extends ScriptedChatServer {
  private FakeOllamaServer(Function<JsonNode, Answer> script) throws IOException {
    super("/api/chat", script);
  }

  public static FakeOllamaServer start(Function<JsonNode, Answer> script) throws IOException {
    return new FakeOllamaServer(script);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Ollama's error body. */
  public static String error(String message) {
    return "{\"error\":\"" + message + "\"}";
  }

  @Override
  protected Answer checkAuth(HttpExchange exchange) {
    return null;
  }

  @Override
  protected String success(JsonNode request, String text) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("model", request.path("model").asText("llama-fake"));
    root.put("created_at", "2025-01-01T00:00:00Z");
    root.putObject("message").put("role", "assistant").put("content", text);
    root.put("done", true);
    root.put("done_reason", "stop");
    root.put("prompt_eval_count", request.path("messages").toString().length() / 4);
    root.put("eval_count", text.length() / 4 + 1);
    return root.toString();
  }
}
