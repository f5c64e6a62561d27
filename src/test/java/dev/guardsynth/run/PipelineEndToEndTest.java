package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.cli.Main;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.QuestionBankResponder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5's acceptance, end to end: a run through a local OpenAI-compatible server (the fake
 * teacher, planting a filter bait in every other reply), then {@code stats} and {@code export}
 * through the real command line. The run happens once; each test checks one acceptance point.
 */
class PipelineEndToEndTest {
  @TempDir static Path dir;
  static FakeOpenAiServer server;
  static Path config;
  static Path run;
  static final Taxonomy TAXONOMY = TaxonomyReader.read(Path.of("rules/taxonomy.yaml"));

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static Pipeline pipeline() {
    return new Pipeline(
        ConfigLoader.load(config, Map.of()),
        new Pipeline.Options(
            null,
            Map.of("FAKE_TEACHER_KEY", "k"),
            Duration.ZERO,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)));
  }

  @BeforeAll
  static void runThePipeline() throws Exception {
    server = FakeOpenAiServer.start(QuestionBankResponder.noisy());
    Path repo = Path.of("").toAbsolutePath();
    config =
        Files.writeString(
            dir.resolve("guardsynth.yaml"),
            """
            name: accept
            teacher:
              provider: openai
              base_url: %s
              model: fake-teacher
              api_key_env: FAKE_TEACHER_KEY
              max_retries: 0
              concurrency: 8
            taxonomy: %s/rules/taxonomy.yaml
            prompts: %s/prompts
            rules: [%s/rules/ko.yaml, %s/rules/en.yaml]
            targets: {unsafe: 5, safe: 5, per_call: 5, max_rounds: 1, min_fill: 0}
            filters: %s/rules/filters.yaml
            label: {judge: true, respond: true, on_disagree: reject, structured: off}
            export: {tasks: [detect, respond], format: chat, seed: 42}
            output: output
            """
                .formatted(server.baseUrl(), repo, repo, repo, repo, repo));
    run = pipeline().run() == null ? null : dir.resolve("output/accept");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  static <T> List<T> read(Path file, Class<T> type) throws IOException {
    List<T> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(Json.LENIENT.readValue(line, type));
    }
    return out;
  }

  static List<JsonNode> records(Path dataset) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String split : List.of("train", "validation", "test")) {
      for (String task : List.of("detect", "respond")) {
        Path file = dataset.resolve(task + "/" + split + ".jsonl");
        if (Files.exists(file)) {
          for (String line : Files.readAllLines(file)) {
            out.add(Json.MAPPER.readTree(line));
          }
        }
      }
    }
    return out;
  }

  /** 1. The funnel adds up at every stage; every dropped question has exactly one reason. */
  @Test
  void theFunnelAddsUpAndStatsPrintsIt() throws IOException {
    Result json = cli("stats", run.toString(), "--json");
    assertEquals(0, json.code(), json.err());
    JsonNode report = Json.MAPPER.readTree(json.out());
    assertTrue(report.path("consistent").asBoolean(), report.path("problems").toString());
    Map<String, JsonNode> steps = new HashMap<>();
    for (JsonNode step : report.path("funnel")) {
      steps.put(step.path("stage").asText(), step);
      long dropped = 0;
      for (JsonNode n : step.path("dropped")) {
        dropped += n.asLong();
      }
      if (step.path("ran").asBoolean()) {
        assertEquals(
            step.path("out").asLong(), step.path("in").asLong() - dropped, step.toString());
      }
    }
    assertEquals(
        List.of("generate", "dedup", "filter", "label", "export"),
        report.path("funnel").findValuesAsText("stage"));
    // The fake teacher's bait reaches every filter, and its judge both disagrees and mumbles
    // (free text: with structured output on, a server guarantees a readable reply).
    Set<String> filterReasons = new HashSet<>();
    steps.get("filter").path("dropped").fieldNames().forEachRemaining(filterReasons::add);
    assertTrue(
        filterReasons.containsAll(
            List.of(
                "too_short",
                "refusal",
                "meta_text",
                "rule:celebrity",
                "rule:ai_target",
                "personal_data",
                "rule:links")),
        filterReasons.toString());
    assertTrue(steps.get("label").path("dropped").has("judge_disagrees"));
    assertTrue(steps.get("label").path("dropped").has("judge_unparseable"));

    List<Rejected> rejected = read(run.resolve("rejected.jsonl"), Rejected.class);
    Set<String> ids = new HashSet<>();
    rejected.forEach(r -> assertTrue(ids.add(r.id()), "one reason only for " + r.id()));
    Set<String> labeled = new HashSet<>();
    read(run.resolve("labeled.jsonl"), Labeled.class).forEach(q -> labeled.add(q.id()));
    ids.forEach(id -> assertTrue(!labeled.contains(id), id + " is both rejected and labeled"));

    Result text = cli("stats", run.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(
        text.out().contains("every stage adds up; every dropped question has exactly one reason"),
        text.out());
    assertTrue(text.out().contains("judge agreement"), text.out());
    assertTrue(
        Files.size(run.resolve("disagreements.jsonl")) > 0, "disagreements are kept for audit");
  }

  /** 2. Each kept question gives one detect and one respond record; detect answers parse. */
  @Test
  void everyLabeledQuestionYieldsOneDetectAndOneRespondRecord() throws IOException {
    List<Labeled> labeled = read(run.resolve("labeled.jsonl"), Labeled.class);
    Map<String, List<String>> tasks = new HashMap<>();
    for (JsonNode record : records(run.resolve("dataset"))) {
      tasks
          .computeIfAbsent(record.path("id").asText(), k -> new ArrayList<>())
          .add(record.path("task").asText());
      if (record.path("task").asText().equals("detect")) {
        JsonNode answer =
            Json.MAPPER.readTree(record.path("messages").get(2).path("content").asText());
        Label.parse(answer.path("label").asText());
        assertTrue(TAXONOMY.find(answer.path("category").asText()).isPresent(), record.toString());
      }
    }
    assertEquals(labeled.size(), tasks.size());
    for (Labeled q : labeled) {
      assertEquals(List.of("detect", "respond"), tasks.get(q.id()), q.id());
    }
  }

  /** 3. No near-duplicates across splits; every stratum within one question of its target. */
  @Test
  void splitsKeepNearDuplicatesTogetherAndRatiosWithinOne() throws IOException {
    Map<String, String> split = new HashMap<>();
    Map<String, String> text = new HashMap<>();
    Map<String, String> stratum = new HashMap<>();
    for (JsonNode r : records(run.resolve("dataset"))) {
      split.put(r.path("id").asText(), r.path("split").asText());
      text.put(r.path("id").asText(), r.path("messages").get(1).path("content").asText());
      stratum.put(
          r.path("id").asText(), r.path("label").asText() + "/" + r.path("category").asText());
    }
    List<String> ids = new ArrayList<>(split.keySet());
    List<Set<String>> grams = ids.stream().map(id -> grams(text.get(id))).toList();
    double threshold = ConfigLoader.load(config, Map.of()).dedup().threshold();
    for (int i = 0; i < ids.size(); i++) {
      for (int j = i + 1; j < ids.size(); j++) {
        if (jaccard(grams.get(i), grams.get(j)) >= threshold) {
          assertEquals(
              split.get(ids.get(i)),
              split.get(ids.get(j)),
              text.get(ids.get(i)) + " ~ " + text.get(ids.get(j)));
        }
      }
    }
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    Map<String, Integer> sizes = new HashMap<>();
    for (String id : ids) {
      sizes.merge(stratum.get(id), 1, Integer::sum);
      counts
          .computeIfAbsent(stratum.get(id), k -> new HashMap<>())
          .merge(split.get(id), 1, Integer::sum);
    }
    Map<String, Double> ratios = Map.of("train", 0.8, "validation", 0.1, "test", 0.1);
    sizes.forEach((s, n) ->
        ratios.forEach((name, ratio) -> {
          int placed = counts.get(s).getOrDefault(name, 0);
          assertTrue(Math.abs(placed - n * ratio) < 1, s + " " + name + ": " + placed + " of " + n);
        }));
  }

  /** 4. The manifest's hashes match; exporting again with the same seed gives the same bytes. */
  @Test
  void theManifestMatchesAndReExportIsByteIdentical() throws IOException {
    Path dataset = run.resolve("dataset");
    JsonNode files = Json.MAPPER.readTree(dataset.resolve("manifest.json").toFile()).path("files");
    files
        .fieldNames()
        .forEachRemaining(name ->
            assertEquals(
                files.path(name).path("sha256").asText(),
                Ids.sha256File(dataset.resolve(name)),
                name));
    for (String copy : List.of("again", "once-more")) {
      Result r =
          cli(
              "export",
              "--config",
              config.toString(),
              "--in",
              run.resolve("labeled.jsonl").toString(),
              "-o",
              dir.resolve(copy).toString(),
              "--seed",
              "42");
      assertEquals(0, r.code(), r.err());
    }
    try (Stream<Path> list = Files.walk(dataset)) {
      for (Path file : list.filter(Files::isRegularFile).toList()) {
        byte[] original = Files.readAllBytes(file);
        Path name = dataset.relativize(file);
        assertArrayEquals(
            original, Files.readAllBytes(dir.resolve("again").resolve(name)), file.toString());
        assertArrayEquals(
            original, Files.readAllBytes(dir.resolve("once-more").resolve(name)), file.toString());
      }
    }
  }

  /** A second run skips every stage and pays for nothing. */
  @Test
  void aSecondRunSkipsEveryStageWithoutRequests() throws Exception {
    int before = server.requests().size();
    RunRecord log = pipeline().run();
    assertEquals(before, server.requests().size());
    assertEquals(StageStatus.COMPLETE, log.status());
  }

  private static double jaccard(Set<String> x, Set<String> y) {
    long common = x.stream().filter(y::contains).count();
    return (double) common / (x.size() + y.size() - common);
  }

  /** Character 3-grams of the letters and digits, measured here independently of the exporter. */
  private static Set<String> grams(String text) {
    int[] cps = Ids.normalize(text).codePoints().filter(Character::isLetterOrDigit).toArray();
    Set<String> out = new HashSet<>();
    for (int i = 0; i + 3 <= cps.length; i++) {
      out.add(new String(cps, i, 3));
    }
    return out;
  }
}
