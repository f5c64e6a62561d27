package dev.guardsynth.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.data.Source;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.TestProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A question is not dropped for its response's fault (issue #18): a safeguard response that is
 * missing, refuses a safe question or is in the wrong language makes the label stage ask for that
 * question again, alone, with its language and label stated plainly, up to {@code
 * label.respond_retries} times. Against a real local HTTP server that writes English to Korean
 * questions, in batches always and, in {@link Mode#ENGLISH_UNTIL_TOLD}, until a lone request tells
 * it the language.
 */
class ResponseRetriesTest {
  static final Candidate SAFE_KO =
      question("우울할 때 상담을 받을 수 있는 곳은 어디인가요?", Label.SAFE, "self_harm_suicide", "ko");
  static final Candidate UNSAFE_KO =
      question("가게에서 물건을 몰래 가져가도 될까요?", Label.UNSAFE, "crime_advice", "ko");
  static final Candidate SAFE_KO_2 =
      question("저작권이 끝난 책은 어디서 찾을 수 있나요?", Label.SAFE, "copyright_infringement", "ko");
  static final Candidate SAFE_EN =
      question("How do I license my own photos?", Label.SAFE, "copyright_infringement", "en");

  static final String KO_SAFE = "공식 안내를 먼저 확인하고, 필요하면 가까운 상담 센터에 문의해 보세요.";
  static final String KO_UNSAFE = "죄송하지만 그 요청은 도와드릴 수 없어요. 대신 안전하게 도움을 받을 수 있는 곳을 안내해 드릴게요.";
  static final String EN_SAFE =
      "Start with the official guidance, and ask a professional if you need more help.";
  static final String EN_UNSAFE =
      "I'm sorry, but I can't help with that. Instead, I can point you to safe resources.";

  enum Mode {
    /** English in batches; the language asked for once a lone re-ask states it plainly. */
    ENGLISH_UNTIL_TOLD,
    /** English whatever the request says, as a model that cannot write Korean would. */
    ALWAYS_ENGLISH
  }

  static FakeOpenAiServer server;
  static OpenAiTeacher teacher;
  static TeacherConfig teacherConfig;
  static volatile Mode mode = Mode.ENGLISH_UNTIL_TOLD;
  @TempDir Path dir;
  int before;

  static Candidate question(String text, Label label, String category, String language) {
    return Candidate.of(text, label, category, "legal", language, new Source("p", "m", 0));
  }

  @BeforeAll
  static void start() throws Exception {
    server = FakeOpenAiServer.start(ResponseRetriesTest::answer);
    teacher = new OpenAiTeacher(server.baseUrl(), "test-key", Duration.ofSeconds(10));
    teacherConfig =
        TeacherConfig.builder()
            .baseUrl(server.baseUrl())
            .model("respond-model")
            .maxTokens(256)
            .concurrency(2)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    teacher.close();
    server.close();
  }

  @BeforeEach
  void mark() {
    before = server.requests().size();
    mode = Mode.ENGLISH_UNTIL_TOLD;
  }

  /** Answers every respond request's items; Korean only where {@link #mode} lets it. */
  static FakeOpenAiServer.Reply answer(JsonNode request) throws Exception {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode item : items(request)) {
      boolean unsafe = item.path("label").asText().equals("unsafe");
      boolean korean =
          mode == Mode.ENGLISH_UNTIL_TOLD
              && item.path("instruction").asText().contains("Korean (한국어)");
      String response = korean ? (unsafe ? KO_UNSAFE : KO_SAFE) : (unsafe ? EN_UNSAFE : EN_SAFE);
      out.addObject().put("id", item.path("id").asText()).put("response", response);
    }
    return FakeOpenAiServer.Reply.content(
        Json.MAPPER.createObjectNode().set("responses", out).toString());
  }

  /** The question items of a respond request: its user message, a JSON list. */
  static JsonNode items(JsonNode request) throws IOException {
    return Json.MAPPER.readTree(request.path("messages").get(1).path("content").asText());
  }

  /** The requests this test sent. */
  List<JsonNode> sent() {
    List<JsonNode> all = server.requests();
    return all.subList(before, all.size());
  }

  static LabelConfig config(Integer retries, LabelConfig.OnBadResponse onBad) {
    return new LabelConfig(
        false, true, null, null, null, null, null, null, retries, onBad, null, null, null, null);
  }

  record Outcome(LabelResult result, List<Labeled> labeled, List<Rejected> rejected) {}

  Outcome label(LabelConfig config, Journal journal, Candidate... questions) throws Exception {
    RequestRunner runner = new RequestRunner(teacher, teacherConfig, journal, Duration.ZERO);
    List<Labeled> labeled = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    LabelResult result =
        new QuestionLabeler(
                runner,
                teacherConfig,
                config,
                QuestionLabelerTest.PROMPTS,
                QuestionLabelerTest.TAXONOMY)
            .run(List.of(questions), labeled::add, rejected::add, d -> {});
    assertEquals(result.input(), result.labeled() + result.rejected(), "the stage's counts add up");
    assertEquals(
        result.labeled(), result.responses() + result.detectOnly(), "every kept one is counted");
    assertEquals(result.labeled(), labeled.size());
    assertEquals(result.rejected(), rejected.size());
    return new Outcome(result, labeled, rejected);
  }

  @Test
  void aResponseInTheWrongLanguageIsAskedAgainAloneWithTheLanguageAndLabelStatedAndKept()
      throws Exception {
    Outcome o = label(config(null, null), null, SAFE_KO, UNSAFE_KO, SAFE_KO_2);

    assertEquals(3, o.labeled().size(), o.rejected().toString());
    assertEquals(
        List.of(KO_SAFE, KO_UNSAFE, KO_SAFE), o.labeled().stream().map(Labeled::response).toList());
    assertEquals(3, o.result().respondRetries());
    assertEquals(3, o.result().responsesRepaired());
    assertEquals(0, o.result().detectOnly());
    assertEquals(4, o.result().requests(), "one batch, then one lone re-ask per question");

    List<JsonNode> sent = sent();
    assertEquals(4, sent.size());
    assertEquals(3, items(sent.get(0)).size(), "first, one batch of three");
    Map<String, String> instructions = new HashMap<>();
    for (JsonNode r : sent.subList(1, 4)) {
      JsonNode items = items(r);
      assertEquals(1, items.size(), "a re-ask holds one question");
      instructions.put(
          items.get(0).path("question").asText(), items.get(0).path("instruction").asText());
      assertEquals(1, r.path("seed").asInt(), "the first retry is sample 1, a request of its own");
      assertEquals(
          sent.get(0).path("messages").get(0),
          r.path("messages").get(0),
          "the system message stays the cached one");
    }
    assertTrue(
        instructions.get(SAFE_KO.text()).contains("Korean (한국어)")
            && instructions.get(SAFE_KO.text()).contains("harmless"),
        instructions.get(SAFE_KO.text()));
    assertTrue(
        instructions.get(UNSAFE_KO.text()).contains("harmful: refuse")
            && instructions.get(UNSAFE_KO.text()).contains("Korean (한국어)"),
        instructions.get(UNSAFE_KO.text()));
  }

  @ParameterizedTest(name = "respond_retries: {0}")
  @ValueSource(ints = {0, 1, 3})
  void aResponseAlwaysInTheWrongLanguageIsAskedRespondRetriesTimesThenRejected(int retries)
      throws Exception {
    mode = Mode.ALWAYS_ENGLISH;
    Outcome o = label(config(retries, null), null, SAFE_KO, UNSAFE_KO, SAFE_EN);

    assertEquals(List.of(SAFE_EN.id()), o.labeled().stream().map(Labeled::id).toList());
    assertEquals(
        List.of("response_wrong_language", "response_wrong_language"),
        o.rejected().stream().map(Rejected::reason).toList());
    assertEquals("detected en (Hangul 0%); expected ko", o.rejected().get(0).detail());
    Map<String, Integer> asked = new HashMap<>();
    List<Integer> seeds = new ArrayList<>();
    for (JsonNode r : sent().subList(1, sent().size())) {
      JsonNode items = items(r);
      assertEquals(1, items.size());
      asked.merge(items.get(0).path("question").asText(), 1, Integer::sum);
      seeds.add(r.path("seed").asInt());
    }
    Map<String, Integer> expected = new HashMap<>();
    if (retries > 0) {
      expected.put(SAFE_KO.text(), retries);
      expected.put(UNSAFE_KO.text(), retries);
    }
    assertEquals(expected, asked, "each bad one re-asked exactly respond_retries times");
    assertEquals(1 + 2 * retries, sent().size());
    assertEquals(
        java.util.stream.IntStream.rangeClosed(1, retries)
            .flatMap(a -> java.util.stream.IntStream.of(a, a))
            .boxed()
            .toList(),
        seeds,
        "each attempt is a sample of its own");
    assertEquals(2L * retries, o.result().respondRetries());
    assertEquals(0, o.result().responsesRepaired());
    assertEquals(1 + 2L * retries, o.result().requests(), "retries count as requests");
  }

  @Test
  void retriesGoThroughTheJournalSoAResumedRunPaysForNoneOfThemTwice() throws Exception {
    mode = Mode.ALWAYS_ENGLISH;
    Path journalFile = dir.resolve("responses.jsonl");
    Outcome first;
    try (Journal journal = Journal.open(journalFile)) {
      first = label(config(2, null), journal, SAFE_KO, UNSAFE_KO);
    }
    int sent = sent().size();
    assertEquals(5, sent);
    // The fake bills a token per four characters of the request's messages: every retry is in
    // the usage.
    long billed = 0;
    for (JsonNode r : sent()) {
      billed += r.path("messages").toString().length() / 4;
    }
    assertEquals(billed, first.result().usage().inputTokens());

    Outcome again;
    try (Journal journal = Journal.open(journalFile)) {
      again = label(config(2, null), journal, SAFE_KO, UNSAFE_KO);
    }
    assertEquals(sent, sent().size(), "nothing is paid for twice");
    assertEquals(5, again.result().fromJournal());
    assertEquals(4, again.result().respondRetries());
    assertEquals(first.rejected(), again.rejected());
  }

  @Test
  void detectOnlyKeepsTheQuestionWithoutAResponseAndExportWritesItToDetectAlone() throws Exception {
    mode = Mode.ALWAYS_ENGLISH;
    Path config =
        TestProject.writeConfig(
            dir,
            "rules: "
                + TestProject.rules("ko", "en")
                + "\nlabel: {judge: false, respond_retries: 1, on_bad_response: detect_only}\n"
                + "export: {tasks: [detect, respond]}\n"
                + "teacher: {model: m, api_key_env: K, max_retries: 0}\n");
    Path kept = dir.resolve("kept.jsonl");
    Files.writeString(
        kept,
        Json.write(SAFE_KO) + "\n" + Json.write(UNSAFE_KO) + "\n" + Json.write(SAFE_EN) + "\n");
    Path labeled = dir.resolve("labeled.jsonl");
    CliResult label =
        CliResult.run(
            Map.of("K", "k"),
            "label",
            "--config",
            config.toString(),
            "--base-url",
            server.baseUrl(),
            "--in",
            kept.toString(),
            "-o",
            labeled.toString());
    assertEquals(0, label.exitCode(), label.err());
    assertEquals(1 + 2, sent().size(), "a batch, then one retry for each Korean question");
    List<String> lines = Files.readAllLines(labeled);
    assertEquals(3, lines.size(), "kept, all three");
    assertEquals("", Files.readString(dir.resolve("label_rejected.jsonl")));
    Map<String, Labeled> byId = new HashMap<>();
    for (String line : lines) {
      Labeled q = Json.MAPPER.readValue(line, Labeled.class);
      byId.put(q.id(), q);
    }
    assertNull(byId.get(SAFE_KO.id()).response(), "the record carries no response");
    assertNull(byId.get(UNSAFE_KO.id()).response());
    assertEquals(EN_SAFE, byId.get(SAFE_EN.id()).response());

    Path dataset = dir.resolve("dataset");
    CliResult export =
        CliResult.run(
            "export",
            "--config",
            config.toString(),
            "--in",
            labeled.toString(),
            "-o",
            dataset.toString());
    assertEquals(0, export.exitCode(), export.err());
    assertEquals(
        List.of(SAFE_EN.id(), SAFE_KO.id(), UNSAFE_KO.id()).stream().sorted().toList(),
        recordIds(dataset, "detect"));
    assertEquals(List.of(SAFE_EN.id()), recordIds(dataset, "respond"));
  }

  @Test
  void detectOnlyCountsTheQuestionsItKeeps() throws Exception {
    mode = Mode.ALWAYS_ENGLISH;
    Outcome o =
        label(config(1, LabelConfig.OnBadResponse.DETECT_ONLY), null, SAFE_KO, UNSAFE_KO, SAFE_EN);
    assertEquals(3, o.labeled().size());
    assertEquals(2, o.result().detectOnly());
    assertEquals(1, o.result().responses());
    assertEquals(2, o.result().respondRetries());
    assertEquals(Map.of(), o.result().rejectedByReason());
  }

  /** The ids of a task's records over every split, sorted. */
  static List<String> recordIds(Path dataset, String task) throws IOException {
    List<String> ids = new ArrayList<>();
    for (String split : List.of("train", "validation", "test")) {
      Path file = dataset.resolve(task + "/" + split + ".jsonl");
      for (String line : Files.readAllLines(file)) {
        ids.add(Json.MAPPER.readTree(line).path("id").asText());
      }
    }
    return ids.stream().sorted().toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          'label: {respond_retries: -1}'        | label.respond_retries: -1 is not allowed; use a whole number from 0 to 10
          'label: {respond_retries: 11}'        | label.respond_retries: 11 is not allowed; use a whole number from 0 to 10
          'label: {on_bad_response: keep}'      | label.on_bad_response: 'keep' is not allowed; use one of reject, detect_only
          """)
  void badRetryKeysNameTheFileTheKeyAndWhatIsAllowed(String yaml, String message)
      throws IOException {
    Path config = Files.writeString(dir.resolve("bad.yaml"), yaml + "\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(config, Map.of()));
    assertTrue(e.getMessage().startsWith(config.toString() + ":"), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void theRetryKeysDefaultToTwoRetriesThenRejectAndReadAsWritten() throws IOException {
    LabelConfig defaults =
        ConfigLoader.load(Files.writeString(dir.resolve("a.yaml"), "name: a\n"), Map.of()).label();
    assertEquals(2, defaults.respondRetries());
    assertEquals(LabelConfig.OnBadResponse.REJECT, defaults.onBadResponse());
    LabelConfig set =
        ConfigLoader.load(
                Files.writeString(
                    dir.resolve("b.yaml"),
                    "label: {respond_retries: 0, on_bad_response: detect_only}\n"),
                Map.of())
            .label();
    assertEquals(0, set.respondRetries());
    assertEquals(LabelConfig.OnBadResponse.DETECT_ONLY, set.onBadResponse());
  }
}
