package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.FakeOpenAiServer.Reply;
import dev.guardsynth.testing.FakeTicker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code teacher.mode: batch} against the fake server's /v1/files and /v1/batches. */
class BatchModeTest {
  @TempDir Path dir;

  private static TeacherConfig batchConfig(String baseUrl) throws Exception {
    return ConfigLoader.YAML.readValue(
        "{provider: openai, mode: batch, base_url: '"
            + baseUrl
            + "', model: m, batch_poll_seconds: 30, max_retries: 2,"
            + " prices: {m: {input: 1, output: 10}}}",
        TeacherConfig.class);
  }

  private static FakeOpenAiServer server() throws Exception {
    return FakeOpenAiServer.start(body ->
            body.path("seed").asInt() == 2
                ? Reply.status(400, "this one is rejected")
                : Reply.content("a" + body.path("seed").asInt()))
        .requireKey("sk-batch-key");
  }

  private RequestRunner.Builder runner(
      FakeOpenAiServer server, TeacherConfig config, Journal journal, OpenAiBatch batch) {
    return RequestRunner.builder(
            new OpenAiTeacher(server.baseUrl(), "sk-batch-key", Duration.ofSeconds(5)), config)
        .journal(journal)
        .ticker(new FakeTicker())
        .batch(batch, dir.resolve("batches-generate.json"))
        .stage("generate");
  }

  @Test
  void answersThroughTheBatchApiAtHalfPriceAndJournalsTheReplies() throws Exception {
    try (FakeOpenAiServer server = server();
        OpenAiBatch batch =
            new OpenAiBatch(server.baseUrl(), "sk-batch-key", Duration.ofSeconds(5));
        Journal journal = Journal.open(dir.resolve("responses.jsonl"))) {
      TeacherConfig config = batchConfig(server.baseUrl());
      Ledger ledger = new Ledger(config, BudgetConfig.unlimited());
      RequestRunnerTest.Collected sink = new RequestRunnerTest.Collected();
      RequestRunner.Result result =
          runner(server, config, journal, batch)
              .ledger(ledger)
              .build()
              .run(RequestRunnerTest.requests(6), sink);

      assertEquals(Map.of(0, "a0", 1, "a1", 3, "a3", 4, "a4", 5, "a5"), sink.answers);
      assertEquals(Set.of(2), sink.failures.keySet());
      assertEquals(TeacherException.Kind.BAD_REQUEST, sink.failures.get(2).kind());
      assertTrue(sink.failures.get(2).message().contains("this one is rejected"));
      assertEquals(0, server.requests().size(), "nothing went through chat completions");
      assertEquals(6, server.batchRequests().size());
      assertEquals(1, server.batchesCreated());
      assertEquals(5, result.sent());
      assertEquals(5, journal.size());
      assertTrue(Files.readString(journal.file()).contains("\"batch\":true"));
      // Half price: the ledger bills batch replies at BATCH_PRICE_FACTOR of teacher.prices.
      StageUsage usage = ledger.stage("generate");
      double full = (usage.inputTokens() * 1.0 + usage.outputTokens() * 10.0) / 1e6;
      assertEquals(full * Ledger.BATCH_PRICE_FACTOR, usage.costUsd(), 1e-12);
    }
  }

  @Test
  void aRunStoppedWhileABatchRunsPollsThatBatchOnResumeInsteadOfPayingAgain() throws Exception {
    try (FakeOpenAiServer server = server().batchPollsUntilDone(3);
        OpenAiBatch batch =
            new OpenAiBatch(server.baseUrl(), "sk-batch-key", Duration.ofSeconds(5))) {
      TeacherConfig config = batchConfig(server.baseUrl());
      StopSignal stop = new StopSignal();
      try (Journal journal = Journal.open(dir.resolve("responses.jsonl"))) {
        StoppedException e =
            assertThrows(
                StoppedException.class,
                () ->
                    runner(server, config, journal, batch)
                        .stop(stop)
                        .progress(p -> {
                          if (p.inFlight() > 0) {
                            stop.request("test"); // while the batch is being polled
                          }
                        })
                        .build()
                        .run(RequestRunnerTest.requests(6), new RequestRunnerTest.Collected()));
        assertEquals(StoppedException.Reason.INTERRUPTED, e.reason());
        assertEquals(0, journal.size());
      }
      List<?> state =
          Json.MAPPER.readValue(dir.resolve("batches-generate.json").toFile(), List.class);
      assertEquals(1, state.size(), "the submitted batch is remembered");
      assertEquals(1, server.batchesCreated());
      int filesBefore = server.files();

      try (Journal journal = Journal.open(dir.resolve("responses.jsonl"))) {
        RequestRunnerTest.Collected sink = new RequestRunnerTest.Collected();
        runner(server, config, journal, batch).build().run(RequestRunnerTest.requests(6), sink);
        assertEquals(5, sink.answers.size());
        assertEquals(Set.of(2), sink.failures.keySet());
      }
      assertEquals(1, server.batchesCreated(), "resumed by batch id, not submitted again");
      assertTrue(server.files() > filesBefore, "only the batch's output files are new");
      assertEquals(6, server.batchRequests().size());

      // Run again: only the failed request goes into a new batch.
      try (Journal journal = Journal.open(dir.resolve("responses.jsonl"))) {
        RequestRunnerTest.Collected sink = new RequestRunnerTest.Collected();
        RequestRunner.Result again =
            runner(server, config, journal, batch).build().run(RequestRunnerTest.requests(6), sink);
        assertEquals(5, again.fromJournal());
      }
      assertEquals(2, server.batchesCreated());
      assertEquals(7, server.batchRequests().size(), "only the failed one was sent again");
    }
  }
}
