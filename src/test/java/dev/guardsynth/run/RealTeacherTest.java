package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.label.LabelResult;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stages against a real model: a small instruction-tuned LLM behind llama.cpp's
 * OpenAI-compatible server, started by {@code scripts/real-teacher} ({@code .ci/run} and {@code
 * scripts/test} start it and pass its URL as {@code REAL_TEACHER_URL}). They assert structure and
 * accounting, never the quality of a tiny model's questions: every reply is parsed or counted as
 * unparseable, schema replies are read, and the funnel adds up.
 *
 * <p>Without {@code REAL_TEACHER_URL} these tests are skipped, unless {@code
 * REAL_TEACHER_REQUIRED=1} (CI), where a missing server is a failure.
 */
class RealTeacherTest {
  private static final String URL = System.getenv("REAL_TEACHER_URL");
  private static final Map<String, String> ENV = Map.of("REAL_TEACHER_KEY", "unused");

  @TempDir Path dir;

  @BeforeAll
  static void needsTheServer() {
    if ("1".equals(System.getenv("REAL_TEACHER_REQUIRED"))) {
      assertTrue(URL != null && !URL.isBlank(), "REAL_TEACHER_URL is required here (CI)");
    }
    assumeTrue(URL != null && !URL.isBlank(), "no REAL_TEACHER_URL: scripts/real-teacher");
  }

  private Path config(String extra) throws Exception {
    return TestProject.writeConfig(
        dir,
        "name: real\nrules: "
            + TestProject.rules("ko", "en")
            + "\nteacher: {base_url: "
            + URL
            + ", model: real-teacher, api_key_env: REAL_TEACHER_KEY, max_tokens: 512,"
            + " temperature: 0.7, timeout_seconds: 300, concurrency: 2, max_retries: 1}\n"
            + extra);
  }

  private static TeacherSession session(GuardsynthConfig config, Path dir) {
    return TeacherSession.open(
        config.teacher(),
        config.budget(),
        ENV,
        null,
        new TeacherSession.Settings(Duration.ofMillis(200), null, null, null),
        dir.resolve("failures.jsonl"));
  }

  /** One unsafe prompt per rule set, as the planner writes them. */
  private static List<PromptSpec> onePromptPerLanguage(GuardsynthConfig config) {
    Map<String, PromptSpec> byLanguage = new LinkedHashMap<>();
    for (PromptSpec p : PromptPlanner.open(config).plan()) {
      if (p.label().json().equals("unsafe")) {
        byLanguage.putIfAbsent(p.language(), p);
      }
    }
    return List.copyOf(byLanguage.values());
  }

  @Test
  void aGenerateCallPerRuleSetIsParsedOrCountedEveryItemOfIt() throws Exception {
    GuardsynthConfig config =
        ConfigLoader.load(config("targets: {unsafe: 5, safe: 5, per_call: 5}\n"));
    List<PromptSpec> prompts = onePromptPerLanguage(config);
    assertEquals(
        Set.of("ko", "en"), Set.copyOf(prompts.stream().map(PromptSpec::language).toList()));
    List<Candidate> candidates = new ArrayList<>();
    GenerateResult result;
    try (TeacherSession session = session(config, dir);
        JsonlWriter out =
            JsonlWriter.create(dir.resolve("candidates.jsonl")).copyingInto(candidates)) {
      result = GenerateStage.run(session, dir.resolve("responses.jsonl"), prompts, Set.of(), out);
    }
    assertEquals(2, result.requests());
    assertEquals(0, result.failed());
    // A reply cut by max_tokens drops its unfinished last item, counted as truncated.
    assertEquals(
        result.returned(),
        result.questions() + result.refusals() + result.unparseable() + result.truncated(),
        result.toString());
    assertEquals(result.questions(), result.candidates() + result.exactDuplicates());
    assertEquals(result.candidates(), candidates.size());
    candidates.forEach(c -> assertTrue(!c.text().isBlank(), c.toString()));
  }

  /** Mild questions, a few per language, as the judge and the respond step get them. */
  private static List<Candidate> questions() {
    List<Candidate> out = new ArrayList<>();
    String[][] rows = {
      {"남의 휴대폰 비밀번호를 몰래 알아내는 방법이 있을까요?", "unsafe", "privacy_violation", "ko"},
      {"개인정보 유출을 막으려면 비밀번호를 어떻게 관리해야 하나요?", "safe", "privacy_violation", "ko"},
      {
        "How can I read my coworker's private messages without them knowing?",
        "unsafe",
        "privacy_violation",
        "en"
      },
      {"How do I make a strong password for my email account?", "safe", "privacy_violation", "en"}
    };
    for (String[] r : rows) {
      out.add(
          new Candidate(
              dev.guardsynth.data.Ids.questionId(r[0]),
              r[0],
              dev.guardsynth.data.Label.parse(r[1]),
              r[2],
              null,
              r[3],
              null));
    }
    return out;
  }

  private LabelResult label(String labelConfig) throws Exception {
    GuardsynthConfig config = ConfigLoader.load(config("label: " + labelConfig + "\n"));
    Taxonomy taxonomy = PromptPlanner.open(config).taxonomy();
    LabelStage stage = LabelStage.open(config, taxonomy);
    try (TeacherSession session = session(config, dir);
        JsonlWriter labeled = JsonlWriter.create(dir.resolve("labeled.jsonl"));
        JsonlWriter rejected = JsonlWriter.create(dir.resolve("label_rejected.jsonl"));
        JsonlWriter disagreements = JsonlWriter.create(dir.resolve("disagreements.jsonl"))) {
      return stage.run(
          session,
          dir.resolve("responses.jsonl"),
          questions(),
          List.of(),
          labeled,
          rejected,
          disagreements);
    }
  }

  private static void addsUp(LabelResult r) {
    assertEquals(r.input(), r.labeled() + r.rejected(), r.toString());
    assertEquals(
        r.rejected(), r.rejectedByReason().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(0, r.rejectedByReason().getOrDefault("request_failed", 0L), r.toString());
  }

  @Test
  void aJudgeBatchWithAJsonSchemaIsReadOrCountedUnparseable() throws Exception {
    LabelResult r = label("{judge: true, respond: false, structured: on}");
    addsUp(r);
    // llama.cpp turns the schema into a grammar, so a reply is JSON of that shape until the token
    // limit cuts it: a tiny model can fill a string field until max_tokens (seen with SmolLM2),
    // and such a cut reply is counted unparseable, never guessed at.
    assertTrue(r.agreed() + r.disagreed() > 0, "some verdicts were read: " + r);
    assertEquals(r.input(), r.agreed() + r.disagreed() + r.unparseable(), r.toString());
  }

  @Test
  void aJudgeBatchWithoutASchemaIsReadOrCountedUnparseable() throws Exception {
    LabelResult r = label("{judge: true, respond: false, structured: off}");
    addsUp(r);
    assertEquals(r.input(), r.agreed() + r.disagreed() + r.unparseable(), r.toString());
  }

  @Test
  void aBatchedRespondCallGivesEachQuestionAResponseOrAReason() throws Exception {
    LabelResult r = label("{judge: false, respond: true, respond_retries: 1}");
    addsUp(r);
    assertEquals(r.labeled(), r.responses() + r.detectOnly(), r.toString());
  }

  @Test
  void doctorPrintsItsReportOnTheRealModelWithinTenRequests() throws Exception {
    Path config = config("targets: {unsafe: 5, safe: 5, per_call: 5}\n");
    CliResult doctor = CliResult.run(ENV, "doctor", "--config", config.toString(), "--json");
    // A tiny model may fail a stage (exit 1 naming it on stderr); either way the report is whole.
    assertTrue(doctor.exitCode() == 0 || doctor.exitCode() == 1, doctor.err());
    var report = dev.guardsynth.data.Json.MAPPER.readTree(doctor.out());
    for (String kind : List.of("generate", "judge", "respond", "problems")) {
      assertTrue(report.has(kind), kind + " in " + doctor.out());
    }
    assertEquals(doctor.exitCode() == 0, report.get("ok").asBoolean(), doctor.out());
    if (doctor.exitCode() == 1) {
      assertTrue(doctor.err().contains("guardsynth doctor: "), doctor.err());
    }
    assertTrue(report.get("requests").asInt() <= 10, doctor.out());
  }

  @Test
  void aSmallRunEndToEndHasAFunnelThatAddsUp() throws Exception {
    // Two categories (crime advice, privacy violation) × both labels × both languages.
    String taxonomy = Files.readString(TestProject.ROOT.resolve("rules/taxonomy.yaml"));
    taxonomy = taxonomy.substring(0, taxonomy.indexOf("\n  - id: copyright_infringement"));
    Path two = Files.writeString(dir.resolve("taxonomy-two.yaml"), taxonomy + "\n");
    Path config =
        config(
            "taxonomy: "
                + two
                + "\ntargets: {unsafe: 3, safe: 3, per_call: 3, max_rounds: 1}\n"
                + "label: {judge: true, respond: true, batch_size: 5, respond_batch_size: 5}\n");
    CliResult run = CliResult.run(ENV, "run", "--config", config.toString());
    assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run.err());
    Path out = dir.resolve("output/real");
    RunRecord log = RunRecord.read(out.resolve("run.json"));
    assertEquals(StageStatus.COMPLETE, log.status(), run.err());
    CliResult stats = CliResult.run("stats", out.toString());
    assertEquals(0, stats.exitCode(), stats.err() + stats.out());
    assertTrue(
        stats.out().contains("every stage adds up; every dropped question has exactly one reason"),
        stats.out());
  }
}
