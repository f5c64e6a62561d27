package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The shared part of the fakes for non-OpenAI chat protocols ({@link FakeAnthropicServer}, {@link
 * FakeOllamaServer}): a real HTTP server on 127.0.0.1 that logs each request and answers what a
 * script says: a text reply in the protocol's format, an HTTP error with headers, a delay, a
 * dropped connection or a malformed body. Runs on virtual threads; thread-safe.
 */
public abstract class ScriptedChatServer implements AutoCloseable {
  /**
   * What to answer one request.
   *
   * @param text the reply's text for status 200 (the protocol's body is built around it), or null
   * @param body a raw body to send instead, or null
   * @param drop close the connection without answering
   */
  public record Answer(
      int status,
      String text,
      String body,
      Map<String, String> headers,
      long delayMillis,
      boolean drop) {
    public static Answer text(String text) {
      return new Answer(200, text, null, Map.of(), 0, false);
    }

    public static Answer status(int status, String body) {
      return new Answer(status, null, body, Map.of(), 0, false);
    }

    public static Answer malformed() {
      return new Answer(200, null, "{\"this is\": not json", Map.of(), 0, false);
    }

    public static Answer dropped() {
      return new Answer(0, null, null, Map.of(), 0, true);
    }

    public Answer withHeader(String name, String value) {
      var h = new java.util.HashMap<>(headers);
      h.put(name, value);
      return new Answer(status, text, body, Map.copyOf(h), delayMillis, drop);
    }

    public Answer delayed(long millis) {
      return new Answer(status, text, body, headers, millis, drop);
    }
  }

  /** One request as received: its headers (lower-case names) and JSON body. */
  public record Received(Map<String, List<String>> headers, JsonNode body) {}

  private final HttpServer server;
  private final Function<JsonNode, Answer> script;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  protected ScriptedChatServer(String path, Function<JsonNode, Answer> script) throws IOException {
    this.script = script;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext(path, this::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Null when the request may go on; otherwise the answer to a request that lacks the key. */
  protected abstract Answer checkAuth(HttpExchange exchange);

  /** The protocol's success body around {@code text}. */
  protected abstract String success(JsonNode request, String text);

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
      Map<String, List<String>> headers = new java.util.TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
      received.add(new Received(headers, body));
      Answer answer = checkAuth(exchange);
      if (answer == null) {
        answer = script.apply(body);
      }
      if (answer.delayMillis() > 0) {
        Thread.sleep(answer.delayMillis());
      }
      if (answer.drop()) {
        return; // closing the exchange unanswered closes the connection
      }
      String text = answer.text() != null ? success(body, answer.text()) : answer.body();
      byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
