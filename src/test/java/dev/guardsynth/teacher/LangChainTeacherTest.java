package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.testing.FakeAnthropicServer;
import dev.guardsynth.testing.FakeOllamaServer;
import dev.guardsynth.testing.ScriptedChatServer.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LangChain4j providers against real local servers speaking Anthropic's and Ollama's APIs. */
class LangChainTeacherTest {
  private static final String KEY = "sk-ant-DISTINCTIVE-test-key-42";
  private static final TeacherRequest REQUEST =
      new TeacherRequest(
          "claude-test",
          List.of(ChatMessage.system("You write questions."), ChatMessage.user("Write one.")),
          0.7,
          256,
          3);

  @TempDir Path dir;

  private static LangChainTeacher anthropic(FakeAnthropicServer server, String key) {
    // 2 s: short enough for the timeout case, long enough for a loaded CI machine's first call.
    return LangChainTeacher.anthropic(server.baseUrl(), key, "claude-test", Duration.ofSeconds(2));
  }

  private static TeacherException failure(Answer answer) throws Exception {
    try (FakeAnthropicServer server = FakeAnthropicServer.start(KEY, body -> answer)) {
      return assertThrows(TeacherException.class, () -> anthropic(server, KEY).complete(REQUEST));
    }
  }

  @Test
  void anthropicSendsTheMessagesApiRequestAndReadsTextAndUsage() throws Exception {
    try (FakeAnthropicServer server =
        FakeAnthropicServer.start(KEY, body -> Answer.text("1. Is it safe?"))) {
      TeacherReply reply = anthropic(server, KEY).complete(REQUEST);

      assertEquals("1. Is it safe?", reply.text());
      assertEquals("claude-test", reply.model());
      assertTrue(reply.usage().inputTokens() > 0 && reply.usage().outputTokens() > 0);
      var sent = server.received().get(0);
      assertEquals(List.of(KEY), sent.headers().get("x-api-key"));
      assertEquals("claude-test", sent.body().path("model").asText());
      assertEquals(256, sent.body().path("max_tokens").asInt());
      assertEquals(0.7, sent.body().path("temperature").asDouble(), 1e-9);
      assertTrue(
          sent.body().path("system").toString().contains("You write questions."),
          "the system message goes in Anthropic's top-level system field: " + sent.body());
      assertEquals("user", sent.body().path("messages").get(0).path("role").asText());
      assertTrue(sent.body().path("messages").get(0).toString().contains("Write one."));
    }
  }

  @Test
  void anAnthropicReplyStoppedAtMaxTokensIsTruncated() throws Exception {
    String cut =
        "{\"id\": \"msg_1\", \"type\": \"message\", \"role\": \"assistant\", \"model\":"
            + " \"claude-test\", \"content\": [{\"type\": \"text\", \"text\": \"1. Whole?\\n2. Cu\"}],"
            + " \"stop_reason\": \"max_tokens\", \"stop_sequence\": null, \"usage\":"
            + " {\"input_tokens\": 10, \"output_tokens\": 256}}";
    try (FakeAnthropicServer server =
        FakeAnthropicServer.start(KEY, body -> new Answer(200, null, cut, Map.of(), 0, false))) {
      TeacherReply reply = anthropic(server, KEY).complete(REQUEST);
      assertEquals("1. Whole?\n2. Cu", reply.text());
      assertTrue(reply.truncated(), "stop_reason max_tokens is LangChain4j's FinishReason.LENGTH");
    }
    try (FakeAnthropicServer server =
        FakeAnthropicServer.start(KEY, body -> Answer.text("1. Whole?"))) {
      assertFalse(anthropic(server, KEY).complete(REQUEST).truncated());
    }
  }

  @Test
  void anthropicFailuresMapOntoKindsWithRetryAfter() throws Exception {
    TeacherException limited =
        failure(
            Answer.status(429, FakeAnthropicServer.error("rate_limit_error", "slow down"))
                .withHeader("retry-after", "12"));
    assertEquals(TeacherException.Kind.RATE_LIMITED, limited.kind());
    assertEquals(Duration.ofSeconds(12), limited.retryAfter());

    assertEquals(
        TeacherException.Kind.RATE_LIMITED,
        failure(Answer.status(529, FakeAnthropicServer.error("overloaded_error", "busy"))).kind());
    assertEquals(
        TeacherException.Kind.SERVER,
        failure(Answer.status(500, FakeAnthropicServer.error("api_error", "oops"))).kind());
    TeacherException bad =
        failure(
            Answer.status(400, FakeAnthropicServer.error("invalid_request_error", "bad model")));
    assertEquals(TeacherException.Kind.BAD_REQUEST, bad.kind());
    assertTrue(bad.getMessage().contains("bad model"), bad.getMessage());
    assertEquals(TeacherException.Kind.MALFORMED, failure(Answer.malformed()).kind());
    assertEquals(TeacherException.Kind.CONNECTION, failure(Answer.dropped()).kind());
    assertEquals(TeacherException.Kind.TIMEOUT, failure(Answer.text("late").delayed(3_000)).kind());
  }

  @Test
  void aRejectedAnthropicKeyIsAuthAndNeverEchoed() throws Exception {
    try (FakeAnthropicServer server =
        FakeAnthropicServer.start("the-right-key", b -> Answer.text("x"))) {
      TeacherException e =
          assertThrows(TeacherException.class, () -> anthropic(server, KEY).complete(REQUEST));
      assertEquals(TeacherException.Kind.AUTH, e.kind());
      assertTrue(e.getMessage().contains("teacher 'anthropic' at " + server.baseUrl()));
      assertFalse(e.getMessage().contains(KEY));
      for (Throwable c = e; c != null; c = c.getCause()) {
        assertFalse(String.valueOf(c.getMessage()).contains(KEY), "cause: " + c);
      }
    }
  }

  @Test
  void ollamaSendsItsNativeChatRequestWithTheSampleAsSeed() throws Exception {
    try (FakeOllamaServer server = FakeOllamaServer.start(body -> Answer.text("1. Why?"))) {
      LangChainTeacher t =
          LangChainTeacher.ollama(server.baseUrl(), "llama-test", Duration.ofSeconds(5));
      TeacherReply reply =
          t.complete(
              new TeacherRequest(
                  "llama-test", List.of(ChatMessage.user("Write one.")), 0.2, 64, 9));

      assertEquals("1. Why?", reply.text());
      assertTrue(reply.usage().outputTokens() > 0);
      var body = server.received().get(0).body();
      assertEquals("llama-test", body.path("model").asText());
      assertEquals(9, body.path("options").path("seed").asInt());
      assertEquals(64, body.path("options").path("num_predict").asInt());
      assertFalse(body.path("stream").asBoolean(true));
    }
  }

  @Test
  void anUnknownOllamaModelIsABadRequestNamingIt() throws Exception {
    try (FakeOllamaServer server =
        FakeOllamaServer.start(
            body -> Answer.status(404, FakeOllamaServer.error("model 'nope' not found")))) {
      TeacherException e =
          assertThrows(
              TeacherException.class,
              () ->
                  LangChainTeacher.ollama(server.baseUrl(), "nope", Duration.ofSeconds(5))
                      .complete(
                          new TeacherRequest("nope", List.of(ChatMessage.user("q")), 0.2, 64, 0)));
      assertEquals(TeacherException.Kind.BAD_REQUEST, e.kind());
      assertTrue(e.getMessage().contains("model 'nope' not found"), e.getMessage());
    }
  }

  @Test
  void ollamaSharesTheRunnersRetriesJournalAndAccounting() throws Exception {
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    try (FakeOllamaServer server =
        FakeOllamaServer.start(body -> {
          int seed = body.path("options").path("seed").asInt();
          int attempt = attempts.computeIfAbsent(seed, s -> new AtomicInteger()).incrementAndGet();
          return seed == 1 && attempt == 1
              ? Answer.status(503, FakeOllamaServer.error("loading model"))
                  .withHeader("Retry-After", "0")
              : Answer.text("q" + seed + "?");
        })) {
      TeacherConfig config =
          ConfigLoader.YAML.readValue(
              "{provider: ollama, base_url: '"
                  + server.baseUrl()
                  + "', model: llama-test, concurrency: 2, prices: {llama-test: {input: 1, output: 2}}}",
              TeacherConfig.class);
      Teacher teacher = Teachers.open(config, Map.of(), null);
      List<TeacherRequest> requests =
          IntStream.range(0, 4)
              .mapToObj(i ->
                  new TeacherRequest("llama-test", List.of(ChatMessage.user("q" + i)), 0.2, 64, i))
              .toList();
      Path file = dir.resolve("responses.jsonl");
      Ledger ledger = new Ledger(config, BudgetConfig.unlimited());
      Map<Integer, String> answers = new TreeMap<>();
      try (Journal journal = Journal.open(file)) {
        RequestRunner.Result result =
            RequestRunner.builder(teacher, config)
                .journal(journal)
                .ledger(ledger)
                .stage("label")
                .retryBaseDelay(Duration.ZERO)
                .build()
                .run(requests, (i, a) -> answers.put(i, a.reply().text()));
        assertEquals(1, result.retries());
      }
      assertEquals(Map.of(0, "q0?", 1, "q1?", 2, "q2?", 3, "q3?"), answers);
      StageUsage usage = ledger.stage("label");
      assertEquals(4, usage.sent());
      assertTrue(usage.costUsd() > 0, "priced from teacher.prices");
      try (Journal journal = Journal.open(file)) {
        assertEquals(4, journal.size(), "the same journal as the OpenAI teacher");
      }
    }
  }
}
