package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.FakeOpenAiServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several teacher endpoints behind one runner, against real local servers. */
class EndpointPoolTest {
  /** Nothing listens on the discard port: connections are refused at once. */
  static final String DEAD = "http://127.0.0.1:9/v1";

  @TempDir Path dir;

  static TeacherConfig config(String baseUrl, String extra) throws Exception {
    return ConfigLoader.YAML.readValue(
        "{provider: openai, base_url: "
            + baseUrl
            + ", model: m, timeout_seconds: 5, concurrency: 4, max_retries: 2"
            + extra
            + "}",
        TeacherConfig.class);
  }

  static EndpointPool open(TeacherConfig config) {
    return (EndpointPool) Teachers.open(config, Map.of("OPENAI_API_KEY", "k"), null);
  }

  static RequestRunner runner(Teacher teacher, TeacherConfig config, Journal journal) {
    return RequestRunner.builder(teacher, config)
        .journal(journal)
        .retryBaseDelay(Duration.ZERO)
        .build();
  }

  /** A server that answers "a<seed>" after {@code delayMillis}, counting requests in flight. */
  static final class Slow implements FakeOpenAiServer.Responder {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final long delayMillis;

    Slow(long delayMillis) {
      this.delayMillis = delayMillis;
    }

    @Override
    public Reply respond(com.fasterxml.jackson.databind.JsonNode body) throws Exception {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(delayMillis); // the server's own latency, not a wait in the test
        return Reply.content("a" + body.path("seed").asInt());
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  @Test
  void aDeadEndpointIsSetAsideAndTheWorkingOneAnswersEveryRequest() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(b -> Reply.content("a" + b.path("seed").asInt()))) {
      // One at a time, so the count of attempts on the dead endpoint is exact.
      TeacherConfig config =
          config("[" + DEAD + ", '" + server.baseUrl() + "']", ", concurrency: 1");
      assertEquals(2, config.endpoints().size());
      RequestRunnerTest.Collected sink = new RequestRunnerTest.Collected();
      try (EndpointPool pool = open(config)) {
        RequestRunner.Result result =
            runner(pool, config, null).run(RequestRunnerTest.requests(30), sink);

        assertEquals(30, result.sent());
        assertEquals(0, result.failed());
        assertEquals(0, result.retries(), "a failover spends none of the runner's retries");
        IntStream.range(0, 30).forEach(i -> assertEquals("a" + i, sink.answers.get(i)));
        assertEquals(30, server.requests().size());
        List<EndpointPool.EndpointCount> counts = pool.counts();
        assertEquals(0, counts.get(0).answered());
        assertEquals(EndpointPool.MAX_WINDOW, counts.get(0).failed(), "set aside after 3 tries");
        assertFalse(counts.get(0).inService());
        assertEquals(30, counts.get(1).answered());
      }
    }
  }

  @Test
  void anEndpointThatFailsForAWhileGetsTrafficAgainOnceItRecovers() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    try (FakeOpenAiServer flaky =
            FakeOpenAiServer.start(b ->
                seen.incrementAndGet() <= 6
                    ? Reply.status(503, "warming up")
                    : Reply.content("a" + b.path("seed").asInt()));
        FakeOpenAiServer steady =
            FakeOpenAiServer.start(b -> Reply.content("a" + b.path("seed").asInt()))) {
      // retry_seconds 0: a set-aside endpoint gets its trial request at once.
      TeacherConfig config =
          config(
              "['" + flaky.baseUrl() + "', '" + steady.baseUrl() + "']",
              ", concurrency: 1, circuit_breaker: {retry_seconds: 0}");
      RequestRunnerTest.Collected sink = new RequestRunnerTest.Collected();
      try (EndpointPool pool = open(config)) {
        RequestRunner.Result result =
            runner(pool, config, null).run(RequestRunnerTest.requests(40), sink);

        assertEquals(40, sink.answers.size());
        assertEquals(0, result.failed());
        EndpointPool.EndpointCount recovered = pool.counts().get(0);
        assertEquals(6, recovered.failed());
        assertTrue(recovered.inService());
        // Back in service, it takes turns with the other: about half of what is left.
        assertTrue(recovered.answered() >= 15, "answered after recovering: " + recovered);
        assertEquals(40, recovered.answered() + pool.counts().get(1).answered());
      }
    }
  }

  @Test
  void fewestInFlightSpreadsTheLoadEvenlyOverTwoSlowServers() throws Exception {
    Slow a = new Slow(40);
    Slow b = new Slow(40);
    try (FakeOpenAiServer first = FakeOpenAiServer.start(a);
        FakeOpenAiServer second = FakeOpenAiServer.start(b)) {
      TeacherConfig config =
          config("['" + first.baseUrl() + "', '" + second.baseUrl() + "']", ", concurrency: 8");
      try (EndpointPool pool = open(config)) {
        runner(pool, config, null)
            .run(RequestRunnerTest.requests(48), new RequestRunnerTest.Collected());
      }
      // An endpoint only gains a request while it has the fewest in flight, so with 8 at once
      // neither ever holds more than half.
      assertTrue(a.maxInFlight.get() <= 4, "first: " + a.maxInFlight.get());
      assertTrue(b.maxInFlight.get() <= 4, "second: " + b.maxInFlight.get());
      assertTrue(first.requests().size() >= 16, "first got " + first.requests().size());
      assertTrue(second.requests().size() >= 16, "second got " + second.requests().size());
      assertEquals(48, first.requests().size() + second.requests().size());
    }
  }

  @Test
  void anEndpointsOwnConcurrencyCapsItAndTheRunTakesTheirSum() throws Exception {
    Slow a = new Slow(30);
    Slow b = new Slow(30);
    try (FakeOpenAiServer first = FakeOpenAiServer.start(a);
        FakeOpenAiServer second = FakeOpenAiServer.start(b)) {
      TeacherConfig config =
          config(
              "[{url: '"
                  + first.baseUrl()
                  + "', concurrency: 1}, {url: '"
                  + second.baseUrl()
                  + "', concurrency: 3}]",
              ", concurrency: 1");
      assertEquals(4, config.runConcurrency());
      try (EndpointPool pool = open(config)) {
        runner(pool, config, null)
            .run(RequestRunnerTest.requests(40), new RequestRunnerTest.Collected());
      }
      assertEquals(1, a.maxInFlight.get());
      assertTrue(b.maxInFlight.get() <= 3 && b.maxInFlight.get() >= 2, "" + b.maxInFlight.get());
    }
  }

  @Test
  void journalKeysDoNotNameTheEndpointSoAResumeElsewherePaysNothingAgain() throws Exception {
    Path journalFile = dir.resolve("journal.jsonl");
    try (FakeOpenAiServer one =
            FakeOpenAiServer.start(b -> Reply.content("a" + b.path("seed").asInt()));
        FakeOpenAiServer two =
            FakeOpenAiServer.start(b -> Reply.content("a" + b.path("seed").asInt()))) {
      TeacherConfig both = config("['" + one.baseUrl() + "', '" + two.baseUrl() + "']", "");
      try (EndpointPool pool = open(both);
          Journal journal = Journal.open(journalFile)) {
        runner(pool, both, journal)
            .run(RequestRunnerTest.requests(20), new RequestRunnerTest.Collected());
      }
      int sent = one.requests().size() + two.requests().size();
      assertEquals(20, sent);

      try (FakeOpenAiServer third =
              FakeOpenAiServer.start(b -> Reply.content("x" + b.path("seed").asInt()));
          Teacher alone =
              Teachers.open(
                  config("'" + third.baseUrl() + "'", ""), Map.of("OPENAI_API_KEY", "k"), null);
          Journal journal = Journal.open(journalFile)) {
        RequestRunnerTest.Collected sink = new RequestRunnerTest.Collected();
        RequestRunner.Result again =
            runner(alone, config("'" + third.baseUrl() + "'", ""), journal)
                .run(RequestRunnerTest.requests(20), sink);
        assertEquals(20, again.fromJournal());
        assertEquals(0, third.requests().size());
        assertEquals("a7", sink.answers.get(7));
      }
    }
  }

  @Test
  void messagesShowEndpointsWithoutCredentials() {
    assertEquals(
        "https://fleet.example:8443/v1",
        EndpointPool.shown("https://user:secret@fleet.example:8443/v1?key=abc#x"));
    assertEquals("http://127.0.0.1:9/v1", EndpointPool.shown("http://127.0.0.1:9/v1"));
  }

  @Test
  void aListedBaseUrlWithBatchModeIsAConfigError() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                TeacherConfig.builder()
                    .endpoints(
                        List.of(
                            TeacherConfig.Endpoint.of("http://a/v1"),
                            TeacherConfig.Endpoint.of("http://b/v1")))
                    .mode(TeacherConfig.Mode.BATCH)
                    .build());
    assertTrue(e.getMessage().startsWith("mode: 'batch' submits to one endpoint"), e.getMessage());
  }
}
