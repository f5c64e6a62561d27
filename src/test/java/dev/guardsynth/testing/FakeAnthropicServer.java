package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.util.function.Function;

/**
 * A real local server speaking Anthropic's Messages API: {@code POST /v1/messages} with the key in
 * {@code x-api-key}, answering a message with {@code content[].text} and {@code usage}; a wrong key
 * gets Anthropic's 401 error body. Thread-safe.
 */
public final class FakeAnthropicServer extends ScriptedChatServer {
  private final String key;

  private FakeAnthropicServer(String key, Function<JsonNode, Answer> script) throws IOException {
    super("/v1/messages", script);
    this.key = key;
  }

  public static FakeAnthropicServer start(String key, Function<JsonNode, Answer> script)
      throws IOException {
    return new FakeAnthropicServer(key, script);
  }

  /** The base URL LangChain4j's Anthropic model takes. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** Anthropic's error body. */
  public static String error(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\""
        + type
        + "\",\"message\":\""
        + message
        + "\"}}";
  }

  @Override
  protected Answer checkAuth(HttpExchange exchange) {
    String given = exchange.getRequestHeaders().getFirst("x-api-key");
    return key.equals(given)
        ? null
        : Answer.status(401, error("authentication_error", "invalid x-api-key"));
  }

  @Override
  protected String success(JsonNode request, String text) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", "msg_" + System.nanoTime());
    root.put("type", "message");
    root.put("role", "assistant");
    root.put("model", request.path("model").asText("claude-fake"));
    root.putArray("content").addObject().put("type", "text").put("text", text);
    root.put("stop_reason", "end_turn");
    root.putNull("stop_sequence");
    ObjectNode usage = root.putObject("usage");
    usage.put("input_tokens", request.path("messages").toString().length() / 4);
    usage.put("output_tokens", text.length() / 4 + 1);
    return root.toString();
  }
}
