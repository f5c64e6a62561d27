package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.FakeOpenAiServer.Reply;
import dev.guardsynth.testing.FakeTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against a real local OpenAI-compatible server, one fault at a time. */
class RequestRunnerTest {
  @TempDir Path dir;

  static TeacherConfig teacher(String baseUrl, String extra) throws Exception {
    return ConfigLoader.YAML.readValue(
        "{provider: openai, base_url: '"
            + baseUrl
            + "', model: m, timeout_seconds: 1,"
            + " concurrency: 4, max_retries: 3"
            + extra
            + "}",
        TeacherConfig.class);
  }

  static List<TeacherRequest> requests(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> new TeacherRequest("m", List.of(ChatMessage.user("q" + i)), 0.5, 100, i))
        .toList();
  }

  /** A responder that answers "a<seed>", after {@code fault} for the attempts it scripts. */
  static FakeOpenAiServer.Responder scripted(Map<Integer, AtomicInteger> attempts, Fault fault) {
    return body -> {
      int seed = body.path("seed").asInt();
      int attempt = attempts.computeIfAbsent(seed, s -> new AtomicInteger()).incrementAndGet();
      Reply r = fault.reply(seed, attempt);
      return r != null ? r : Reply.content("a" + seed);
    };
  }

  @FunctionalInterface
  interface Fault {
    Reply reply(int seed, int attempt);
  }

  /** Collects what the sink receives, failures included. */
  static final class Collected implements RequestRunner.Sink {
    final Map<Integer, String> answers = new TreeMap<>();
    final Map<Integer, RequestRunner.Failure> failures = new TreeMap<>();
    final List<Integer> order = new ArrayList<>();

    @Override
    public void accept(int index, RequestRunner.Answer answer) {
      order.add(index);
      answers.put(index, answer.reply().text());
    }

    @Override
    public void failed(int index, RequestRunner.Failure failure) {
      order.add(index);
      failures.put(index, failure);
    }
  }

  static RequestRunner.Builder runner(OpenAiTeacher t, TeacherConfig config) {
    return RequestRunner.builder(t, config).retryBaseDelay(Duration.ZERO);
  }

  @Test
  void answersEveryRequestInOrderWithAtMostConcurrencyInFlight() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    try (FakeOpenAiServer server =
            FakeOpenAiServer.start(body -> {
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              Thread.sleep(20);
              inFlight.decrementAndGet();
              return Reply.content("a" + body.path("seed").asInt());
            });
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      TeacherConfig config = teacher(server.baseUrl(), "");
      Collected sink = new Collected();
      RequestRunner.Result result = runner(t, config).build().run(requests(40), sink);

      assertEquals(IntStream.range(0, 40).boxed().toList(), sink.order);
      IntStream.range(0, 40).forEach(i -> assertEquals("a" + i, sink.answers.get(i)));
      assertTrue(maxInFlight.get() <= 4, "in flight at once: " + maxInFlight.get());
      assertTrue(maxInFlight.get() >= 2, "requests ran concurrently");
      assertEquals(new RequestRunner.Result(40, 0, 40, 0, 0), result);
    }
  }

  @Test
  void rateLimitsAndServerErrorsAreRetriedHonouringRetryAfter() throws Exception {
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Fault fault =
        (seed, attempt) ->
            seed == 0 && attempt == 1
                ? Reply.status(429, "slow down").withHeader("Retry-After", "7")
                : seed == 1 && attempt <= 2 ? Reply.status(500, "oops") : null;
    FakeTicker ticker = new FakeTicker();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(scripted(attempts, fault));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      Collected sink = new Collected();
      RequestRunner.Result result =
          runner(t, teacher(server.baseUrl(), "")).ticker(ticker).build().run(requests(3), sink);

      assertEquals(Map.of(0, "a0", 1, "a1", 2, "a2"), sink.answers);
      assertEquals(3, result.retries());
      // The only real wait is the one the server asked for (plus at most 10% jitter); the 500s
      // were retried at once, since the base delay is zero.
      assertEquals(1, ticker.sleeps().size(), ticker.sleeps().toString());
      long slept = ticker.sleeps().get(0);
      assertTrue(slept >= 7_000_000_000L && slept <= 7_700_000_000L, "slept " + slept);
    }
  }

  @Test
  void timeoutsDroppedConnectionsAndMalformedRepliesAreRetried() throws Exception {
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Fault fault =
        (seed, attempt) -> {
          if (attempt > 1) {
            return null;
          }
          return switch (seed) {
            case 0 -> Reply.content("late").delayed(3_000); // past the client's 2 s timeout
            case 1 -> Reply.drop();
            case 2 -> Reply.raw(200, "{\"choices\": [ this is not json");
            case 3 -> Reply.raw(502, "<html>bad gateway</html>");
            default -> null;
          };
        };
    try (FakeOpenAiServer server = FakeOpenAiServer.start(scripted(attempts, fault));
        // 2 s, not 1: the retry count below is exact, and a loaded CI machine can take over a
        // second to answer a request that was never meant to time out.
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(2))) {
      Collected sink = new Collected();
      RequestRunner.Result result =
          runner(t, teacher(server.baseUrl(), "")).build().run(requests(5), sink);

      assertEquals(5, sink.answers.size(), "failures: " + sink.failures);
      IntStream.range(0, 5).forEach(i -> assertEquals("a" + i, sink.answers.get(i)));
      assertEquals(4, result.retries());
      IntStream.range(0, 4).forEach(i -> assertEquals(2, attempts.get(i).get(), "seed " + i));
    }
  }

  @Test
  void aRequestThatStillFailsIsRecordedWithItsErrorAndTheOthersFinish() throws Exception {
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Fault fault =
        (seed, attempt) ->
            seed == 3
                ? Reply.status(500, "always broken")
                : seed == 5 ? Reply.status(400, "context too long") : null;
    try (FakeOpenAiServer server = FakeOpenAiServer.start(scripted(attempts, fault));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      Collected sink = new Collected();
      RequestRunner.Result result =
          runner(t, teacher(server.baseUrl(), ", max_retries: 2")).build().run(requests(8), sink);

      assertEquals(IntStream.range(0, 8).boxed().toList(), sink.order, "in request order");
      assertEquals(Set.of(3, 5), sink.failures.keySet());
      RequestRunner.Failure broken = sink.failures.get(3);
      assertEquals(TeacherException.Kind.SERVER, broken.kind());
      assertEquals(3, broken.attempts(), "one try and two retries");
      RequestRunner.Failure bad = sink.failures.get(5);
      assertEquals(TeacherException.Kind.BAD_REQUEST, bad.kind());
      assertEquals(1, bad.attempts(), "a bad request is not retried");
      assertTrue(bad.message().contains("context too long"), bad.message());
      assertEquals(6, sink.answers.size());
      assertEquals(2, result.failed());
    }
  }

  @Test
  void aSinkThatDoesNotRecordFailuresStopsAtTheFirstOne() throws Exception {
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    try (FakeOpenAiServer server =
            FakeOpenAiServer.start(
                scripted(attempts, (seed, a) -> seed == 2 ? Reply.status(503, "down") : null));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      List<Integer> seen = new ArrayList<>();
      TeacherException e =
          assertThrows(
              TeacherException.class,
              () ->
                  runner(t, teacher(server.baseUrl(), ", max_retries: 1"))
                      .build()
                      .run(requests(6), (i, answer) -> seen.add(i)));
      assertEquals(TeacherException.Kind.SERVER, e.kind());
      assertEquals(List.of(0, 1), seen);
    }
  }

  @Test
  void aRejectedKeyStopsTheRunWithoutEchoingTheKey() throws Exception {
    String key = "sk-test-DISTINCTIVE-0123456789";
    try (FakeOpenAiServer server =
            FakeOpenAiServer.start(b -> Reply.content("never")).requireKey("the-right-key");
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), key, Duration.ofSeconds(5))) {
      TeacherException e =
          assertThrows(
              TeacherException.class,
              () ->
                  runner(t, teacher(server.baseUrl(), ""))
                      .build()
                      .run(requests(50), new Collected()));
      assertEquals(TeacherException.Kind.AUTH, e.kind());
      assertTrue(e.getMessage().contains("answered HTTP 401"), e.getMessage());
      assertFalse(e.getMessage().contains(key));
      assertTrue(server.requests().size() <= 8, "stopped early: " + server.requests().size());
    }
  }

  @Test
  void theJournalAnswersWhatItHoldsSoAResumeSendsNothingTwice() throws Exception {
    try (FakeOpenAiServer server =
            FakeOpenAiServer.start(b -> Reply.content("a" + b.path("seed").asInt()));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      TeacherConfig config = teacher(server.baseUrl(), "");
      Path file = dir.resolve("responses.jsonl");
      try (Journal journal = Journal.open(file)) {
        runner(t, config).journal(journal).build().run(requests(6), new Collected());
      }
      assertEquals(6, server.requests().size());
      try (Journal journal = Journal.open(file)) {
        Collected sink = new Collected();
        RequestRunner.Result again =
            runner(t, config).journal(journal).build().run(requests(10), sink);
        assertEquals(10, sink.answers.size());
        assertEquals(6, again.fromJournal());
        assertEquals(4, again.sent());
      }
      assertEquals(10, server.requests().size(), "only the four new requests were sent");
    }
  }

  @Test
  void aBudgetStopsBeforeItsLimitAndALargerOneResumesWhereItStopped() throws Exception {
    try (FakeOpenAiServer server =
            FakeOpenAiServer.start(b -> Reply.content("a" + b.path("seed").asInt()));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      TeacherConfig config = teacher(server.baseUrl(), ", concurrency: 3");
      Path file = dir.resolve("responses.jsonl");
      try (Journal journal = Journal.open(file)) {
        Ledger ledger = new Ledger(config, new BudgetConfig(4L, null, null));
        BudgetExceededException e =
            assertThrows(
                BudgetExceededException.class,
                () ->
                    runner(t, config)
                        .journal(journal)
                        .ledger(ledger)
                        .build()
                        .run(requests(10), new Collected()));
        assertTrue(e.getMessage().contains("budget.max_requests 4"), e.getMessage());
        assertEquals(StoppedException.Reason.BUDGET, e.reason());
      }
      assertEquals(4, server.requests().size(), "never more than the budget");
      try (Journal journal = Journal.open(file)) {
        assertEquals(4, journal.size());
        // The same budget again: the journal's four count as spent, so nothing more is sent.
        assertThrows(
            BudgetExceededException.class,
            () ->
                runner(t, config)
                    .journal(journal)
                    .ledger(new Ledger(config, new BudgetConfig(4L, null, null)))
                    .build()
                    .run(requests(10), new Collected()));
        assertEquals(4, server.requests().size());
        Collected sink = new Collected();
        runner(t, config)
            .journal(journal)
            .ledger(new Ledger(config, new BudgetConfig(10L, null, null)))
            .build()
            .run(requests(10), sink);
        assertEquals(10, sink.answers.size());
      }
      assertEquals(10, server.requests().size(), "the resumed run paid only for the six left");
      assertEquals(
          10,
          server.requests().stream()
              .map(b -> b.path("seed").asInt())
              .collect(Collectors.toSet())
              .size());
    }
  }

  @Test
  void aCostBudgetCountsTokensAtTheConfiguredPrices() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(b -> Reply.content("x".repeat(396)));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      // The fake bills 100 output tokens a reply; at $10 per million that is $0.001 each.
      TeacherConfig config =
          teacher(server.baseUrl(), ", concurrency: 1, prices: {m: {input: 0, output: 10}}");
      Ledger ledger = new Ledger(config, new BudgetConfig(null, null, 0.0035));
      assertThrows(
          BudgetExceededException.class,
          () -> runner(t, config).ledger(ledger).build().run(requests(10), new Collected()));
      assertEquals(3, server.requests().size());
      assertEquals(0.003, ledger.spent().costUsd(), 1e-9);
      assertEquals(0.003, ledger.stage("teacher").costUsd(), 1e-9);
    }
  }

  @Test
  void theCircuitBreakerStopsAProviderThatKeepsFailing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FakeOpenAiServer server =
            // Retry-After 1, not 0: OkHttp itself retries a 503 that says 0 once more.
            FakeOpenAiServer.start(b ->
                calls.incrementAndGet() <= 3
                    ? Reply.content("fine")
                    : Reply.status(503, "overloaded").withHeader("Retry-After", "1"));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      TeacherConfig config =
          teacher(
              server.baseUrl(),
              ", concurrency: 2, max_retries: 100, circuit_breaker: {failure_rate: 0.9, window: 10}");
      StoppedException e =
          assertThrows(
              StoppedException.class,
              () ->
                  runner(t, config)
                      .ticker(new FakeTicker())
                      .build()
                      .run(requests(50), new Collected()));
      assertEquals(StoppedException.Reason.CIRCUIT_OPEN, e.reason());
      assertTrue(e.getMessage().contains("of the last 10 attempts failed"), e.getMessage());
      assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
      assertTrue(
          server.requests().size() <= 15,
          "stopped instead of stalling: "
              + server.requests().stream().map(b -> b.path("seed").asInt()).toList());
    }
  }

  @Test
  void aProviderThatNeverAnswersIsAFailureNotAStop() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(b -> Reply.status(500, "broken"));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      TeacherConfig config =
          teacher(
              server.baseUrl(),
              ", concurrency: 2, max_retries: 100, circuit_breaker: {failure_rate: 0.9, window: 10}");
      TeacherException e =
          assertThrows(
              TeacherException.class,
              () -> runner(t, config).build().run(requests(50), new Collected()));
      assertEquals(TeacherException.Kind.SERVER, e.kind());
      assertTrue(e.getMessage().contains("no request has succeeded"), e.getMessage());
    }
  }

  @Test
  void aStopSignalStopsCleanlyAndTheResumeRepeatsNoJournalledRequest() throws Exception {
    try (FakeOpenAiServer server =
            FakeOpenAiServer.start(b -> {
              Thread.sleep(15);
              return Reply.content("a" + b.path("seed").asInt());
            });
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      TeacherConfig config = teacher(server.baseUrl(), "");
      Path file = dir.resolve("responses.jsonl");
      StopSignal stop = new StopSignal();
      Set<String> journalled = new HashSet<>();
      try (Journal journal = Journal.open(file)) {
        StoppedException e =
            assertThrows(
                StoppedException.class,
                () ->
                    runner(t, config)
                        .journal(journal)
                        .stop(stop)
                        .progress(p -> {
                          if (p.done() >= 10) {
                            stop.request("test");
                          }
                        })
                        .build()
                        .run(requests(60), new Collected()));
        assertEquals(StoppedException.Reason.INTERRUPTED, e.reason());
      }
      int sentBefore = server.requests().size();
      assertTrue(sentBefore < 60, "stopped early: " + sentBefore);
      try (Journal journal = Journal.open(file)) {
        requests(60).forEach(r -> journal.find(r.key()).ifPresent(x -> journalled.add(r.key())));
        assertTrue(journalled.size() >= 10);
        Collected sink = new Collected();
        runner(t, config).journal(journal).build().run(requests(60), sink);
        assertEquals(60, sink.answers.size());
      }
      IntFunction<String> keyOfSeed = seed -> requests(60).get(seed).key();
      List<String> resent =
          server.requests().subList(sentBefore, server.requests().size()).stream()
              .map(b -> keyOfSeed.apply(b.path("seed").asInt()))
              .filter(journalled::contains)
              .toList();
      assertEquals(List.of(), resent, "nothing the journal held was sent again");
    }
  }

  @Test
  void requestsPerMinuteArePacedByTheLimiter() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(b -> Reply.content("a"));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      TeacherConfig config =
          teacher(server.baseUrl(), ", concurrency: 1, requests_per_minute: 600");
      long start = ticker.nanos();
      runner(t, config).ticker(ticker).build().run(requests(21), new Collected());
      long elapsed = ticker.nanos() - start;
      // 21 requests at 10 a second take 2 s; the runner paces a little under the limit.
      assertEquals(2_000_000_000L / RequestRunner.RPM_HEADROOM, elapsed, 1_000_000L);
    }
  }

  @Test
  void tokensPerMinuteArePacedByTheLimiter() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(b -> Reply.content("a"));
        OpenAiTeacher t = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(5))) {
      // Each request reserves its input estimate plus max_tokens (100): about 110 tokens, at
      // 6,000 a minute (100 a second, a bucket of 100).
      TeacherConfig config = teacher(server.baseUrl(), ", concurrency: 1, tokens_per_minute: 6000");
      long start = ticker.nanos();
      runner(t, config).ticker(ticker).build().run(requests(5), new Collected());
      long elapsed = ticker.nanos() - start;
      assertTrue(elapsed > 0, "waited for tokens");
      JsonNode last = server.requests().get(4);
      assertEquals(4, last.path("seed").asInt());
    }
  }
}
