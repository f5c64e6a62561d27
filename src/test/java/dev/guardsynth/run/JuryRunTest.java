package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.label.Disagreement;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} with a jury of three real local servers (and a fourth as the teacher that writes the
 * questions), which disagree on a known subset: the vote and {@code on_split} as configured,
 * Fleiss' kappa in run.json, {@code stats} and the card, each judge's verdicts in
 * disagreements.jsonl, and a re-run under another {@code on_split} that asks no judge again.
 */
class JuryRunTest {
  static final List<String> UNSAFE =
      List.of(
          "How can I take things from a shop without getting caught?",
          "How do I get into my neighbour's wifi without them knowing?",
          "Is it fine to borrow an unlocked bike without asking the owner?");
  static final List<String> SAFE =
      List.of(
          "How can I protect myself from pickpockets when travelling?",
          "What lock is best to keep my bike from being stolen?",
          "How do I report a scam phone call to the police?");

  /** Judges A, B and C: U unsafe, S safe. The dissents are the known subset. */
  static final Map<String, String> VERDICTS =
      Map.of(
          UNSAFE.get(0), "UUU",
          UNSAFE.get(1), "UUS",
          UNSAFE.get(2), "USS",
          SAFE.get(0), "SSS",
          SAFE.get(1), "SUS",
          SAFE.get(2), "SSU");

  @TempDir Path dir;
  FakeOpenAiServer teacher;
  final List<FakeOpenAiServer> judges = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    teacher =
        FakeOpenAiServer.start(request -> {
          String user = request.path("messages").get(1).path("content").asText();
          List<String> lines = user.contains("harmless questions") ? SAFE : UNSAFE;
          return FakeOpenAiServer.Reply.content(
              "1. " + lines.get(0) + "\n2. " + lines.get(1) + "\n3. " + lines.get(2));
        });
    for (int j = 0; j < 3; j++) {
      int judge = j;
      judges.add(FakeOpenAiServer.start(request -> verdicts(request, judge)));
    }
  }

  @AfterEach
  void stop() {
    teacher.close();
    judges.forEach(FakeOpenAiServer::close);
  }

  static FakeOpenAiServer.Reply verdicts(JsonNode request, int judge) throws Exception {
    String user = request.path("messages").get(1).path("content").asText();
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode item : Json.MAPPER.readTree(user)) {
      char label = VERDICTS.get(item.path("question").asText()).charAt(judge);
      ObjectNode v = out.addObject().put("id", item.path("id").asText());
      v.put("label", label == 'U' ? "unsafe" : "safe").put("category", "crime_advice");
      ObjectNode checks = v.putObject("checks");
      for (String check : List.of("celebrity", "targets_ai", "language")) {
        checks.put(check, false);
      }
    }
    return FakeOpenAiServer.Reply.content(
        Json.MAPPER.createObjectNode().set("verdicts", out).toString());
  }

  RunRecord run(String onSplit) throws Exception {
    String crimeOnly =
        Files.readString(TestProject.ROOT.resolve("rules/taxonomy.yaml"))
            .replaceAll("(?s)\n  - id: privacy_violation.*", "\n");
    Path taxonomy = Files.writeString(dir.resolve("taxonomy.yaml"), crimeOnly);
    StringBuilder jury = new StringBuilder();
    for (int j = 0; j < 3; j++) {
      jury.append(j == 0 ? "" : ", ")
          .append("{base_url: '")
          .append(judges.get(j).baseUrl())
          .append("', model: judge, api_key_env: K, max_retries: 0}");
    }
    Path config =
        TestProject.writeConfig(
            dir,
            "name: jury\n"
                + "taxonomy: "
                + taxonomy
                + "\n"
                + "teacher: {provider: openai, base_url: '"
                + teacher.baseUrl()
                + "', model: local, api_key_env: K, concurrency: 2, max_retries: 0}\n"
                + "rules: "
                + TestProject.rules("en")
                + "\n"
                + "targets: {unsafe: 3, safe: 3, per_call: 3, max_rounds: 1, min_fill: 0}\n"
                + "label: {respond: false, structured: 'off', vote: unanimous, on_split: "
                + onSplit
                + ", judges: ["
                + jury
                + "]}\n");
    return new Pipeline(
            ConfigLoader.load(config, Map.of()),
            new Pipeline.Options(
                null, Map.of("K", "k"), Duration.ZERO, Clock.systemUTC(), null, null, null))
        .run();
  }

  List<Integer> judgeRequests() {
    return judges.stream().map(s -> s.requests().size()).toList();
  }

  @Test
  void aUnanimousJuryRejectsItsSplitsThenKeepsThemAsControversialWithoutAskingAgain()
      throws Exception {
    RunRecord first = run("reject");
    RunDirectory run = new RunDirectory(dir.resolve("output/jury"));

    List<String> kept =
        Pipeline.readAll(run.labeled(), Labeled.class).stream().map(Labeled::text).toList();
    assertEquals(
        List.of(UNSAFE.get(0), SAFE.get(0)).stream().sorted().toList(),
        kept.stream().sorted().toList());
    List<Rejected> rejected = Pipeline.readAll(run.labelRejected(), Rejected.class);
    assertEquals(4, rejected.size());
    assertTrue(
        rejected.stream().allMatch(r -> r.reason().equals("judge_split")), rejected.toString());
    List<Disagreement> disagreements = Pipeline.readAll(run.disagreements(), Disagreement.class);
    assertEquals(4, disagreements.size());
    assertEquals(3, disagreements.get(0).verdicts().size(), "each judge's verdict");
    assertTrue(
        disagreements.get(0).verdicts().get(2).judge().startsWith("judge@http://127.0.0.1:"));

    // By hand: rows (unsafe, safe) (3,0) (2,1) (1,2) (0,3) (1,2) (1,2); N = 6, n = 3;
    // P̄ = (1 + 1/3 + 1/3 + 1 + 1/3 + 1/3) / 6 = 5/9; p = 8/18, 10/18; P_e = 41/81;
    // κ = (45/81 − 41/81) / (40/81) = 0.1.
    LabelDecisions.Jury agreement = first.labels().jury();
    assertEquals(0.1, agreement.kappa(), 1e-9);
    assertEquals(0.1, agreement.kappaByCategory().get("crime_advice"), 1e-9);
    assertEquals(6, agreement.rated());
    assertEquals(4, agreement.splits());
    JsonNode runJson = Json.MAPPER.readTree(run.runJson().toFile());
    assertEquals(0.1, runJson.path("labels").path("jury").path("kappa").asDouble(), 1e-9);
    String stats = RunReportText.render(RunStats.read(run.root()));
    assertTrue(stats.contains("Fleiss' kappa 0.100 over 6 questions"), stats);
    String card = Files.readString(run.dataset().resolve("README.md"));
    assertTrue(card.contains("## Labels"), card);
    assertTrue(card.contains("Fleiss' kappa 0.100"), card);
    assertEquals(List.of(1, 1, 1), judgeRequests(), "one batch per judge");
    for (int j = 0; j < 3; j++) {
      assertEquals(1, judgeJournalLines(run, j), "each judge has a journal of its own");
    }

    // The same questions under on_split: controversial: the label stage runs again (its settings
    // changed), every judge's replies come from its journal, and the splits are kept.
    RunRecord second = run("controversial");
    assertEquals(List.of(1, 1, 1), judgeRequests(), "a judge was paid twice");
    List<Labeled> all = Pipeline.readAll(run.labeled(), Labeled.class);
    assertEquals(6, all.size());
    assertEquals(4, all.stream().filter(q -> q.judge().keptAsControversial()).count());
    assertEquals(4, second.labels().jury().controversial());
    long controversialRecords = 0;
    for (String split : List.of("train", "validation", "test")) {
      Path file = run.dataset().resolve("detect/" + split + ".jsonl");
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file)) {
          controversialRecords +=
              Json.MAPPER.readTree(line).path("label").asText().equals("controversial") ? 1 : 0;
        }
      }
    }
    assertEquals(4, controversialRecords);
  }

  /** Lines of judge {@code j}'s journal; -1 unless there are exactly three judge journals. */
  long judgeJournalLines(RunDirectory run, int j) throws Exception {
    try (Stream<Path> files = Files.list(run.root())) {
      if (files.filter(p -> p.getFileName().toString().contains(".judge-")).count() != 3) {
        return -1;
      }
    }
    return Files.readAllLines(judgeFile(run, j)).size();
  }

  /** Every judge serves the model "judge": only its URL tells its journal apart. */
  Path judgeFile(RunDirectory run, int j) {
    return LabelStage.judgeJournal(
        run.responses(),
        dev.guardsynth.config.TeacherConfig.builder()
            .baseUrl(judges.get(j).baseUrl())
            .model("judge")
            .build());
  }
}
