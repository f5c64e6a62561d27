package dev.guardsynth.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that speaks the two OpenAI endpoints a guard model is scored
 * through: {@code POST /v1/chat/completions} and {@code POST /v1/moderations}. A {@link Script}
 * decides each answer from the question and how often it was asked before, so tests can inject 500s
 * and 429s. Counts requests and the most in flight at once. Thread-safe.
 */
public final class FakeGuardServer implements AutoCloseable {
  /** Decides the answer to one request. */
  @FunctionalInterface
  public interface Script {
    /**
     * @param moderation whether the moderation endpoint was called (else chat completions)
     * @param attempt how many times this question was asked on this endpoint before (0 first)
     */
    Reply answer(boolean moderation, String question, int attempt);
  }

  /**
   * One HTTP answer.
   *
   * @param content the chat answer's text (chat completions)
   * @param flagged the moderation verdict (moderations)
   */
  public record Reply(int status, String content, boolean flagged, Map<String, String> headers) {
    public static Reply chat(String content) {
      return new Reply(200, content, false, Map.of());
    }

    public static Reply moderation(boolean flagged) {
      return new Reply(200, null, flagged, Map.of());
    }

    public static Reply status(int status) {
      return new Reply(status, null, false, Map.of());
    }

    public static Reply rateLimited(String retryAfter) {
      return new Reply(429, null, false, Map.of("Retry-After", retryAfter));
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Script script;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile CountDownLatch overlap = new CountDownLatch(0);

  private FakeGuardServer(Script script) throws IOException {
    this.script = script;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", exchange -> handle(exchange, false));
    server.createContext("/v1/moderations", exchange -> handle(exchange, true));
    server.setExecutor(executor);
    server.start();
  }

  public static FakeGuardServer start(Script script) throws IOException {
    return new FakeGuardServer(script);
  }

  /**
   * Holds the first {@code n} requests until all {@code n} are in flight (at most 10 s), which
   * proves concurrency without a sleep: a client that sends one request at a time would stall here
   * and leave {@link #maxInFlight()} at 1.
   */
  public FakeGuardServer requireOverlap(int n) {
    overlap = new CountDownLatch(n);
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** HTTP requests received, failed ones included. */
  public int requests() {
    return requests.get();
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** Request bodies, in arrival order. */
  public List<JsonNode> bodies() {
    return List.copyOf(bodies);
  }

  /** The Authorization header of each request. */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private void handle(HttpExchange exchange, boolean moderation) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    requests.incrementAndGet();
    try (exchange) {
      CountDownLatch gate = overlap;
      gate.countDown();
      gate.await(10, TimeUnit.SECONDS);
      JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
      bodies.add(body);
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      String question = moderation ? body.path("input").asText() : lastUserMessage(body);
      int attempt =
          attempts
              .computeIfAbsent((moderation ? "m:" : "c:") + question, k -> new AtomicInteger())
              .getAndIncrement();
      Reply reply = script.answer(moderation, question, attempt);
      String model = body.path("model").asText();
      String json =
          reply.status() != 200
              ? error(reply.status())
              : moderation
                  ? moderationJson(model, reply.flagged())
                  : chatJson(model, reply.content());
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static String lastUserMessage(JsonNode body) {
    String question = "";
    for (JsonNode m : body.path("messages")) {
      if (m.path("role").asText().equals("user")) {
        question = m.path("content").asText();
      }
    }
    return question;
  }

  private final AtomicInteger ids = new AtomicInteger();

  private String chatJson(String model, String content) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", "chatcmpl-" + ids.incrementAndGet());
    root.put("object", "chat.completion");
    root.put("created", 1_700_000_000L);
    root.put("model", model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    message.putNull("refusal");
    choice.put("finish_reason", "stop");
    choice.putNull("logprobs");
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", 120);
    usage.put("completion_tokens", 6);
    usage.put("total_tokens", 126);
    return root.toString();
  }

  private String moderationJson(String model, boolean flagged) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", "modr-" + ids.incrementAndGet());
    root.put("model", model);
    ObjectNode result = root.putArray("results").addObject();
    result.put("flagged", flagged);
    ObjectNode categories = result.putObject("categories");
    ObjectNode scores = result.putObject("category_scores");
    ObjectNode types = result.putObject("category_applied_input_types");
    for (String category : List.of("harassment", "illicit", "violence")) {
      categories.put(category, flagged && category.equals("illicit"));
      scores.put(category, flagged && category.equals("illicit") ? 0.91 : 0.01);
      ArrayNode applied = types.putArray(category);
      applied.add("text");
    }
    return root.toString();
  }

  private static String error(int status) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", "scripted failure " + status);
    error.put("type", status == 429 ? "rate_limit_exceeded" : "server_error");
    error.putNull("code");
    return root.toString();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
