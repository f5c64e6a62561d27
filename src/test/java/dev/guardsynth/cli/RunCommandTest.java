package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.GuardsynthProcess;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives {@code guardsynth run} end to end against a real local chat-completions server. */
class RunCommandTest {
  private static final String KEY_VAR = "GS_TEST_KEY";
  private static final Map<String, String> ENV = Map.of(KEY_VAR, "sk-test-1234");

  @TempDir Path dir;

  private Path config(String teacher) throws Exception {
    return TestProject.writeConfig(
        dir,
        "name: t\n"
            + "rules: "
            + TestProject.rules("ko", "en")
            + "\n"
            + "targets: {unsafe: 6, safe: 4, per_call: 4, max_rounds: 1, min_fill: 0}\n"
            + "label: {judge: false, respond: false}\n"
            + "teacher:\n"
            + "  api_key_env: "
            + KEY_VAR
            + "\n"
            + "  max_retries: 0\n"
            + "  concurrency: 8\n"
            + teacher);
  }

  private static List<JsonNode> readJsonl(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(Json.MAPPER.readTree(line));
    }
    return out;
  }

  /**
   * A teacher whose replies are known by construction: questions numbered per request, a preamble
   * line, repeats across requests, and a refusal for one category. The test's expected set comes
   * from here, not from the parser under test.
   */
  private static final class KnownReplies implements FakeOpenAiServer.Responder {
    final Set<String> distinctQuestions = ConcurrentHashMap.newKeySet();
    final List<Integer> preambles = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public FakeOpenAiServer.Reply respond(JsonNode request) {
      String prompt = request.path("messages").get(1).path("content").asText();
      int seed = request.path("seed").asInt();
      if (prompt.contains("Self-harm") && prompt.contains("bad-purpose")) {
        return FakeOpenAiServer.Reply.content("I'm sorry, but I can't help with that.");
      }
      String head = prompt.lines().findFirst().orElseThrow(); // axis lines may say "about" too
      // A Korean prompt names the category "Crime advice (범죄 조언)", an English one alone and
      // then a colon: the name ends at whichever comes first.
      int end =
          java.util.stream.IntStream.of(head.indexOf('('), head.indexOf(':'))
              .filter(i -> i >= 0)
              .min()
              .orElseThrow();
      String topic =
          head.substring(head.indexOf(" about ") + 1, end).strip()
              + (prompt.contains("bad-purpose") ? " U" : " S");
      String lang = prompt.contains("Korean") ? "ko" : "en";
      StringBuilder reply = new StringBuilder("Here are the questions you asked for:\n");
      preambles.add(1);
      for (int i = 0; i < 4; i++) {
        // Items 0-1 repeat across the two samples of a prompt; items 2-3 are new per sample.
        String q = lang + " " + topic + " question " + (i < 2 ? i : seed * 10 + i) + "?";
        distinctQuestions.add(q);
        reply.append(i + 1).append(". ").append(q).append('\n');
      }
      return FakeOpenAiServer.Reply.content(reply.toString());
    }
  }

  @Test
  void liveRunGeneratesEveryDistinctQuestionOnceAndCountsAddUp() throws Exception {
    KnownReplies replies = new KnownReplies();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(replies).requireKey("sk-test-1234")) {
      Path config = config("  model: small-1\n");
      CliResult result =
          CliResult.run(
              ENV,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl(),
              "--model",
              "m",
              "--run-name",
              "live");
      // Every question is filtered out (remarks, or not in the rule set's language): a run that
      // exports nothing fails, after writing what it got.
      assertEquals(1, result.exitCode(), result.err());
      assertTrue(result.err().contains("exported nothing"), result.err());
      Path run = dir.resolve("output/live");

      List<JsonNode> candidates = readJsonl(run.resolve("candidates.jsonl"));
      List<String> texts = candidates.stream().map(c -> c.get("text").asText()).toList();
      assertEquals(new HashSet<>(texts).size(), texts.size(), "a question appears twice");
      assertEquals(replies.distinctQuestions, new HashSet<>(texts));
      for (JsonNode c : candidates) {
        assertEquals(Ids.questionId(c.get("text").asText()), c.get("id").asText());
        assertEquals("m", c.at("/source/model").asText());
      }

      JsonNode runJson = Json.MAPPER.readTree(run.resolve("run.json").toFile());
      JsonNode counts = runJson.at("/stages/generate/counts");
      long returned = counts.get("returned").asLong();
      assertEquals(
          returned,
          counts.get("candidates").asLong()
              + counts.get("exact_duplicates").asLong()
              + counts.get("refusals").asLong()
              + counts.get("unparseable").asLong());
      assertEquals(candidates.size(), counts.get("candidates").asLong());
      assertEquals(replies.preambles.size(), counts.get("unparseable").asLong());
      assertEquals(
          4, counts.get("refusals").asLong()); // 2 languages × 2 calls for self-harm unsafe
      assertEquals(server.requests().size(), counts.get("requests").asLong());
      assertEquals("m", runJson.at("/config/teacher/model").asText());
      assertEquals("complete", runJson.get("status").asText());
      assertTrue(runJson.at("/usage/input_tokens").asLong() > 0);
      assertFalse(Files.readString(run.resolve("run.json")).contains("sk-test-1234"));
      assertTrue(Files.exists(run.resolve("dataset/manifest.json")), "the empty release, whole");
    }
  }

  @Test
  void theOfflineDemoWritesValidChatRecords() throws Exception {
    Path demo = TestProject.ROOT.resolve("examples/demo/guardsynth.yaml");
    Path copy = dir.resolve("demo.yaml");
    // Same demo, but written under the temp folder instead of the project's output/.
    Files.writeString(
        copy,
        Files.readString(demo)
            .replace(
                "cassette: cassette.jsonl",
                "cassette: " + demo.getParent().resolve("cassette.jsonl"))
            .replace("../../", TestProject.ROOT + "/")
            .replace(
                "output: " + TestProject.ROOT + "/output", "output: " + dir.resolve("output")));
    CliResult result = CliResult.run("run", "--config", copy.toString());
    assertEquals(0, result.exitCode(), result.err());
    Set<String> taxonomy = new LinkedHashSet<>();
    Json.MAPPER
        .readTree(CliResult.run("taxonomy", "--config", copy.toString(), "--json").out())
        .get("categories")
        .forEach(c -> taxonomy.add(c.get("id").asText()));
    int total = 0;
    for (String split : List.of("train", "validation", "test")) {
      List<JsonNode> records = new ArrayList<>();
      for (String task : List.of("detect", "respond")) {
        Path file = dir.resolve("output/demo/dataset/" + task + "/" + split + ".jsonl");
        if (Files.exists(file)) {
          records.addAll(readJsonl(file));
        }
      }
      assertFalse(records.isEmpty(), split);
      for (JsonNode r : records) {
        for (String field :
            List.of("id", "task", "split", "label", "category", "language", "messages")) {
          assertTrue(r.has(field), field + " missing in " + r);
        }
        assertEquals(split, r.get("split").asText());
        assertEquals(
            List.of("system", "user", "assistant"), r.get("messages").findValuesAsText("role"));
        String content = r.at("/messages/2/content").asText();
        if (r.get("task").asText().equals("detect")) {
          JsonNode answer = Json.MAPPER.readTree(content);
          assertEquals(r.get("label").asText(), answer.get("label").asText());
          assertTrue(taxonomy.contains(answer.get("category").asText()), answer.toString());
        } else {
          assertEquals("respond", r.get("task").asText());
          assertFalse(content.isBlank(), r.toString());
        }
      }
      total += records.size();
    }
    assertTrue(total > 100, "demo exported only " + total);
  }

  @Test
  void aMissingApiKeyVariableExitsTwoNamingIt() throws Exception {
    Path config = config("  model: m\n");
    CliResult result =
        CliResult.run(
            Map.of(), "run", "--config", config.toString(), "--base-url", "http://127.0.0.1:9/v1");
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(
        result.err().contains("environment variable " + KEY_VAR + " is not set"), result.err());
    assertFalse(
        Files.exists(dir.resolve("output/t")),
        "nothing should be written before the config is valid");
  }

  @Test
  void aMaxTokensTooSmallForThePromptsIsWarnedAboutInTheDryRunAndTheRun() throws Exception {
    // Four Korean questions per prompt take up to 4 × 80 + 60 = 380 tokens (ReplyLength).
    Path roomy = config("  model: m\n  max_tokens: 384\n");
    CliResult fits = CliResult.run(ENV, "run", "--config", roomy.toString(), "--dry-run");
    assertEquals(0, fits.exitCode(), fits.err());
    assertFalse(fits.err().contains("teacher.max_tokens"), fits.err());

    Path tight = config("  model: m\n  max_tokens: 256\n");
    CliResult dry = CliResult.run(ENV, "run", "--config", tight.toString(), "--dry-run");
    assertEquals(0, dry.exitCode(), dry.err());
    assertTrue(
        dry.err().contains("warning: teacher.max_tokens 256 may cut generation replies"),
        dry.err());
    assertTrue(dry.err().contains("Set teacher.max_tokens to 512 or more"), dry.err());
    JsonNode plan =
        Json.MAPPER.readTree(
            CliResult.run(ENV, "run", "--config", tight.toString(), "--dry-run", "--json").out());
    assertTrue(plan.path("notes").toString().contains("teacher.max_tokens 256"), plan.toString());

    // run logs it on stderr before its first request (here to a port nobody listens on).
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    GuardsynthProcess run =
        GuardsynthProcess.start(
            dir.resolve("logs"),
            ENV,
            "run",
            "--config",
            tight.toString(),
            "--base-url",
            "http://127.0.0.1:" + port + "/v1");
    assertEquals(1, run.waitFor(120), run.err());
    assertTrue(
        run.err().contains("warning: teacher.max_tokens 256 may cut generation replies"),
        run.err());
  }

  @Test
  void anUnreachableBaseUrlExitsOneNamingItAndLeavesNoCandidates() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort(); // free, then closed: nothing listens there
    }
    String url = "http://127.0.0.1:" + port + "/v1";
    CliResult result =
        CliResult.run(ENV, "run", "--config", config("  model: m\n").toString(), "--base-url", url);
    assertEquals(1, result.exitCode(), result.err());
    assertTrue(result.err().contains(url), result.err());
    assertTrue(result.err().contains("could not be reached"), result.err());
    Path run = dir.resolve("output/t");
    assertFalse(Files.exists(run.resolve("candidates.jsonl")));
    assertFalse(Files.exists(run.resolve("dataset/detect/train.jsonl")));
    assertEquals(
        "failed", Json.MAPPER.readTree(run.resolve("run.json").toFile()).get("status").asText());
  }

  @Test
  void aRejectedKeyExitsOneWithoutEchoingIt() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(r -> FakeOpenAiServer.Reply.content("1. x?")).requireKey("other")) {
      CliResult result =
          CliResult.run(
              ENV,
              "run",
              "--config",
              config("  model: m\n").toString(),
              "--base-url",
              server.baseUrl());
      assertEquals(1, result.exitCode(), result.err());
      assertTrue(result.err().contains("HTTP 401"), result.err());
      assertTrue(result.err().contains("check the API key"), result.err());
      assertFalse(result.err().contains("sk-test-1234"));
    }
  }

  @Test
  void anUnknownConfigKeyExitsTwoNamingFileKeyAndAllowedKeys() throws Exception {
    Path config = config("  modle: m\n");
    CliResult result = CliResult.run(ENV, "run", "--config", config.toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains(config + ":"), result.err());
    assertTrue(result.err().contains("teacher.modle: unknown key; allowed keys:"), result.err());
    assertTrue(result.err().contains("model"), result.err());
  }

  @Test
  void aBadValueExitsTwoNamingTheAllowedValues() throws Exception {
    Path config = config("  temperature: 7\n");
    CliResult result = CliResult.run(ENV, "run", "--config", config.toString());
    assertEquals(2, result.exitCode());
    assertTrue(
        result
            .err()
            .contains("teacher.temperature: 7.0 is not allowed; use a number from 0.0 to 2.0"),
        result.err());
  }

  @Test
  void aReplayMissingARequestFailsClearlyInsteadOfInventingAnAnswer() throws Exception {
    Path cassette = dir.resolve("empty.jsonl");
    Files.writeString(cassette, "");
    Path config = config("  provider: replay\n  cassette: " + cassette + "\n");
    CliResult result = CliResult.run(ENV, "run", "--config", config.toString());
    assertEquals(1, result.exitCode(), result.err());
    assertTrue(result.err().contains("cassette " + cassette + " holds no reply"), result.err());
    assertTrue(result.err().contains("record it again"), result.err());
  }

  @Test
  void recordThenReplayGivesTheSameDataset() throws Exception {
    Path cassette = dir.resolve("cassette.jsonl");
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(new dev.guardsynth.testing.QuestionBankResponder())) {
      CliResult live =
          CliResult.run(
              ENV,
              "run",
              "--config",
              config("  model: m\n").toString(),
              "--base-url",
              server.baseUrl(),
              "--record",
              cassette.toString(),
              "--run-name",
              "live");
      assertEquals(0, live.exitCode(), live.err());
    }
    Path replay = config("  model: m\n  provider: replay\n  cassette: " + cassette + "\n");
    CliResult offline =
        CliResult.run(Map.of(), "run", "--config", replay.toString(), "--run-name", "replayed");
    assertEquals(0, offline.exitCode(), offline.err());
    for (String split : List.of("train", "validation", "test")) {
      assertEquals(
          Files.readString(dir.resolve("output/live/dataset/detect/" + split + ".jsonl")),
          Files.readString(dir.resolve("output/replayed/dataset/detect/" + split + ".jsonl")));
    }
  }
}
