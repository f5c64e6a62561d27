package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Json;
import dev.guardsynth.teacher.TeacherRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol ({@code POST
 * /v1/chat/completions}) and enough of the Batch API ({@code /v1/files}, {@code /v1/batches}) for
 * batch mode. What it answers is up to a {@link Responder}; it logs every request body (with its
 * arrival time) so tests can assert what was (and was not) sent. Runs on virtual threads;
 * thread-safe.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  /**
   * The journal key of a request as this server received it: what a test compares with the keys in
   * {@code responses.jsonl} to tell a request paid twice from one sent for the first time.
   */
  public static String journalKey(JsonNode body) {
    List<ChatMessage> messages = new ArrayList<>();
    body.get("messages")
        .forEach(
            m -> messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText())));
    return new TeacherRequest(
            body.get("model").asText(),
            messages,
            body.get("temperature").asDouble(),
            body.get("max_tokens").asInt(),
            body.path("seed").asInt(0))
        .key();
  }

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

    /** A completion the token limit cut: {@code finish_reason: "length"}. */
    public static Reply cut(String text) {
      return new Reply(200, Map.of(), "\u0001" + text, 0);
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

    /** Closes the connection without answering, as a crashed proxy or server does. */
    public static Reply drop() {
      return new Reply(DROP, Map.of(), null, 0);
    }
  }

  /** The status of {@link Reply#drop()}: no HTTP answer at all. */
  static final int DROP = -1;

  /**
   * One chat request as the server saw it.
   *
   * @param atNanos {@link System#nanoTime()} on arrival
   * @param status the status answered ({@code -1} for a dropped connection)
   */
  public record Received(long atNanos, JsonNode body, int status) {}

  private final HttpServer server;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final java.util.Set<String> cachedPrefixes = ConcurrentHashMap.newKeySet();
  private volatile String requiredKey;
  private volatile Responder responder;
  private volatile int pollsUntilDone = 1;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, FakeBatch> batches = new ConcurrentHashMap<>();
  private final List<JsonNode> batchRequests = new CopyOnWriteArrayList<>();

  private FakeOpenAiServer(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free port of 127.0.0.1. */
  public static FakeOpenAiServer start(Responder responder) throws IOException {
    return start(0, responder);
  }

  public static FakeOpenAiServer start(int port, Responder responder) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    FakeOpenAiServer fake = new FakeOpenAiServer(http);
    fake.responder = responder;
    http.createContext("/v1/chat/completions", exchange -> fake.handle(exchange, responder));
    http.createContext("/v1/files", fake::handleFiles);
    http.createContext("/v1/batches", fake::handleBatches);
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

  /** Every chat request with its arrival time and the status answered, in arrival order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Bodies of the chat requests that arrived inside batches, in batch order. */
  public List<JsonNode> batchRequests() {
    return List.copyOf(batchRequests);
  }

  /** How many batches were created. */
  public int batchesCreated() {
    return batches.size();
  }

  /** How many files were uploaded or produced. */
  public int files() {
    return files.size();
  }

  /** How many status checks a batch answers "in_progress" before it completes (default 1). */
  public FakeOpenAiServer batchPollsUntilDone(int polls) {
    this.pollsUntilDone = polls;
    return this;
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
      received.add(new Received(System.nanoTime(), body, reply.status()));
      if (reply.delayMillis() > 0) {
        Thread.sleep(reply.delayMillis());
      }
      if (reply.status() == DROP) {
        // Closing the exchange before any response line closes the connection: the client sees
        // it dropped.
        return;
      }
      String text = reply.body();
      if (text != null && (text.startsWith("\u0000") || text.startsWith("\u0001"))) {
        text = completion(body, text.substring(1), text.startsWith("\u0001") ? "length" : "stop");
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

  private String completion(JsonNode request, String content, String finishReason) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", "chatcmpl-" + ids.incrementAndGet());
    root.put("object", "chat.completion");
    root.put("created", 1_700_000_000L);
    root.put("model", request.path("model").asText("fake"));
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.put("finish_reason", finishReason);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    int promptChars = request.path("messages").toString().length();
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", promptChars / 4);
    usage.put("completion_tokens", content.length() / 4 + 1);
    usage.put("total_tokens", promptChars / 4 + content.length() / 4 + 1);
    // A prompt cache as providers keep one: a system message seen before is read from the cache.
    String system = request.path("messages").path(0).path("content").asText("");
    if (!cachedPrefixes.add(system)) {
      usage.putObject("prompt_tokens_details").put("cached_tokens", system.length() / 4);
    }
    return root.toString();
  }

  // --- The Batch API: /v1/files and /v1/batches, enough of it for openai-java's batch calls. ---

  /** A batch the fake runs: its lines are answered by the responder when it completes. */
  private static final class FakeBatch {
    final String id;
    final String inputFileId;
    final long total;
    int polls;
    String status = "validating";
    String outputFileId;
    String errorFileId;
    long completed;
    long failed;

    FakeBatch(String id, String inputFileId, long total) {
      this.id = id;
      this.inputFileId = inputFileId;
      this.total = total;
    }
  }

  private void handleFiles(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        send(
            exchange,
            401,
            "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"test\"}}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (exchange.getRequestMethod().equals("POST") && path.equals("/v1/files")) {
        byte[] content = multipartFile(exchange);
        String id = "file-" + ids.incrementAndGet();
        files.put(id, content);
        send(exchange, 200, fileObject(id, content.length, "batch"));
      } else if (exchange.getRequestMethod().equals("GET") && path.endsWith("/content")) {
        String id = path.substring("/v1/files/".length(), path.length() - "/content".length());
        byte[] content = files.get(id);
        if (content == null) {
          send(exchange, 404, "{\"error\":{\"message\":\"No such file\",\"type\":\"test\"}}");
        } else {
          exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
          exchange.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
          if (content.length > 0) {
            exchange.getResponseBody().write(content);
          }
        }
      } else {
        send(exchange, 404, "{\"error\":{\"message\":\"not in the fake\",\"type\":\"test\"}}");
      }
    }
  }

  private void handleBatches(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        send(
            exchange,
            401,
            "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"test\"}}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (exchange.getRequestMethod().equals("POST") && path.equals("/v1/batches")) {
        JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
        String inputFileId = body.path("input_file_id").asText();
        byte[] input = files.get(inputFileId);
        if (input == null) {
          send(
              exchange,
              400,
              "{\"error\":{\"message\":\"unknown input_file_id\",\"type\":\"test\"}}");
          return;
        }
        long lines =
            new String(input, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
        FakeBatch batch = new FakeBatch("batch_" + ids.incrementAndGet(), inputFileId, lines);
        batches.put(batch.id, batch);
        send(exchange, 200, batchObject(batch));
      } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/v1/batches/")) {
        FakeBatch batch = batches.get(path.substring("/v1/batches/".length()));
        if (batch == null) {
          send(exchange, 404, "{\"error\":{\"message\":\"No such batch\",\"type\":\"test\"}}");
          return;
        }
        synchronized (batch) {
          if (batch.status.equals("validating") || batch.status.equals("in_progress")) {
            batch.polls++;
            batch.status = "in_progress";
            if (batch.polls > pollsUntilDone) {
              runBatch(batch);
            }
          }
          send(exchange, 200, batchObject(batch));
        }
      } else {
        send(exchange, 404, "{\"error\":{\"message\":\"not in the fake\",\"type\":\"test\"}}");
      }
    }
  }

  /** Answers every line of a batch with the responder; non-200 answers go to the error file. */
  private void runBatch(FakeBatch batch) throws IOException {
    StringBuilder output = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    for (String line :
        new String(files.get(batch.inputFileId), StandardCharsets.UTF_8).lines().toList()) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode in = Json.MAPPER.readTree(line);
      JsonNode chat = in.path("body");
      batchRequests.add(chat);
      Reply reply;
      try {
        reply = responder.respond(chat);
      } catch (Exception e) {
        reply = Reply.status(500, "responder failed: " + e);
      }
      ObjectNode out = Json.MAPPER.createObjectNode();
      out.put("id", "batch_req_" + ids.incrementAndGet());
      out.put("custom_id", in.path("custom_id").asText());
      ObjectNode response = out.putObject("response");
      int status = reply.status() == DROP ? 500 : reply.status();
      response.put("status_code", status);
      response.put("request_id", "req_" + ids.get());
      String text = reply.body();
      if (text != null && (text.startsWith("\u0000") || text.startsWith("\u0001"))) {
        String finish = text.startsWith("\u0001") ? "length" : "stop";
        response.set("body", Json.MAPPER.readTree(completion(chat, text.substring(1), finish)));
      } else {
        JsonNode parsed;
        try {
          parsed = Json.MAPPER.readTree(text == null ? "{}" : text);
        } catch (IOException notJson) {
          parsed = Json.MAPPER.createObjectNode().put("raw", text);
        }
        response.set("body", parsed);
      }
      out.putNull("error");
      if (status == 200) {
        output.append(out).append('\n');
        batch.completed++;
      } else {
        errors.append(out).append('\n');
        batch.failed++;
      }
    }
    batch.outputFileId = "file-" + ids.incrementAndGet();
    files.put(batch.outputFileId, output.toString().getBytes(StandardCharsets.UTF_8));
    if (!errors.isEmpty()) {
      batch.errorFileId = "file-" + ids.incrementAndGet();
      files.put(batch.errorFileId, errors.toString().getBytes(StandardCharsets.UTF_8));
    }
    batch.status = "completed";
  }

  private boolean authorized(HttpExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    return requiredKey == null || ("Bearer " + requiredKey).equals(auth);
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String fileObject(String id, long bytes, String purpose) {
    ObjectNode f = Json.MAPPER.createObjectNode();
    f.put("id", id);
    f.put("object", "file");
    f.put("bytes", bytes);
    f.put("created_at", 1_700_000_000L);
    f.put("filename", "input.jsonl");
    f.put("purpose", purpose);
    f.put("status", "processed");
    return f.toString();
  }

  private static String batchObject(FakeBatch b) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", b.id);
    o.put("object", "batch");
    o.put("endpoint", "/v1/chat/completions");
    o.put("input_file_id", b.inputFileId);
    o.put("completion_window", "24h");
    o.put("status", b.status);
    o.put("created_at", 1_700_000_000L);
    if (b.outputFileId != null) {
      o.put("output_file_id", b.outputFileId);
    }
    if (b.errorFileId != null) {
      o.put("error_file_id", b.errorFileId);
    }
    ObjectNode counts = o.putObject("request_counts");
    counts.put("total", b.total);
    counts.put("completed", b.completed);
    counts.put("failed", b.failed);
    return o.toString();
  }

  /** The content of the part named "file" of a multipart/form-data upload. */
  private static byte[] multipartFile(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    String boundary =
        type.substring(type.indexOf("boundary=") + "boundary=".length()).replace("\"", "");
    byte[] body = exchange.getRequestBody().readAllBytes();
    // ISO-8859-1 maps bytes one to one, so offsets found in the string are byte offsets.
    String text = new String(body, StandardCharsets.ISO_8859_1);
    for (String part : text.split("--" + java.util.regex.Pattern.quote(boundary))) {
      int headersEnd = part.indexOf("\r\n\r\n");
      if (headersEnd < 0 || !part.substring(0, headersEnd).contains("name=\"file\"")) {
        continue;
      }
      String content = part.substring(headersEnd + 4);
      if (content.endsWith("\r\n")) {
        content = content.substring(0, content.length() - 2);
      }
      return content.getBytes(StandardCharsets.ISO_8859_1);
    }
    throw new IOException("no part named 'file' in the upload");
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * Runs a server with a {@link LimitedTeacher#noisy() noisy} limited teacher until killed, for
   * recording the demo cassette (whose run should exercise every filter and fill every cell in
   * rounds) and trying the tool by hand: {@code scripts/dev-teacher [PORT]}.
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
    FakeOpenAiServer server = start(port, LimitedTeacher.noisy());
    System.err.println(
        "fake OpenAI-compatible teacher at " + server.baseUrl() + " (Ctrl-C to stop)");
    Thread.currentThread().join();
  }
}
