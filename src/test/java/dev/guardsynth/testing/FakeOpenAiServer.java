package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol ({@code POST
 * /v1/chat/completions}). What it answers is up to a {@link Responder}; it logs every request body
 * so tests can assert what was (and was not) sent. Runs on virtual threads; thread-safe.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  /** Decides the answer to one chat request. */
  @FunctionalInterface
  public interface Responder {
    Reply respond(JsonNode request) throws Exception;
  }

  /**
   * An HTTP answer. {@link #content} builds a normal completion; other factories build faults.
   *
   * @param delayMillis wait before answering (a hang when longer than the client's timeout)
   */
  public record Reply(int status, Map<String, String> headers, String body, long delayMillis) {
    public static Reply content(String text) {
      return new Reply(200, Map.of(), null, 0).withContent(text);
    }

    Reply withContent(String text) {
      return new Reply(status, headers, "\u0000" + text, delayMillis);
    }

    public static Reply status(int status, String message) {
      return new Reply(
          status, Map.of(), "{\"error\":{\"message\":\"" + message + "\",\"type\":\"test\"}}", 0);
    }

    public static Reply raw(int status, String body) {
      return new Reply(status, Map.of(), body, 0);
    }

    public Reply withHeader(String name, String value) {
      var h = new java.util.HashMap<>(headers);
      h.put(name, value);
      return new Reply(status, Map.copyOf(h), body, delayMillis);
    }

    public Reply delayed(long millis) {
      return new Reply(status, headers, body, millis);
    }
  }

  private final HttpServer server;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile String requiredKey;

  private FakeOpenAiServer(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free port of 127.0.0.1. */
  public static FakeOpenAiServer start(Responder responder) throws IOException {
    return start(0, responder);
  }

  public static FakeOpenAiServer start(int port, Responder responder) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    FakeOpenAiServer fake = new FakeOpenAiServer(http);
    http.createContext("/v1/chat/completions", exchange -> fake.handle(exchange, responder));
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.start();
    return fake;
  }

  /** Answers 401 unless the request carries {@code Authorization: Bearer <key>}. */
  public FakeOpenAiServer requireKey(String key) {
    this.requiredKey = key;
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Bodies of every chat request received, in arrival order. */
  public List<JsonNode> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange, Responder responder) throws IOException {
    try (exchange) {
      JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
      requests.add(body);
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      Reply reply;
      if (requiredKey != null && !("Bearer " + requiredKey).equals(auth)) {
        reply = Reply.status(401, "Incorrect API key provided");
      } else {
        try {
          reply = responder.respond(body);
        } catch (Exception e) {
          reply = Reply.status(500, "responder failed: " + e);
        }
      }
      if (reply.delayMillis() > 0) {
        Thread.sleep(reply.delayMillis());
      }
      String text = reply.body();
      if (text != null && text.startsWith("\u0000")) {
        text = completion(body, text.substring(1));
      }
      byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String completion(JsonNode request, String content) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", "chatcmpl-" + ids.incrementAndGet());
    root.put("object", "chat.completion");
    root.put("created", 1_700_000_000L);
    root.put("model", request.path("model").asText("fake"));
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.put("finish_reason", "stop");
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    int promptChars = request.path("messages").toString().length();
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", promptChars / 4);
    usage.put("completion_tokens", content.length() / 4 + 1);
    usage.put("total_tokens", promptChars / 4 + content.length() / 4 + 1);
    return root.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * Runs a server with the {@link QuestionBankResponder#noisy() noisy} question bank until killed,
   * for recording the demo cassette (whose run should exercise every filter) and trying the tool by
   * hand: {@code scripts/dev-teacher [PORT]}.
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    FakeOpenAiServer server = start(port, QuestionBankResponder.noisy());
    System.err.println(
        "fake OpenAI-compatible teacher at " + server.baseUrl() + " (Ctrl-C to stop)");
    Thread.currentThread().join();
  }
}
