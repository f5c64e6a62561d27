package dev.guardsynth.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.data.Source;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.testing.FakeOpenAiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The label stage against a real local HTTP server that answers as a scripted teacher would. */
class QuestionLabelerTest {
  static final Taxonomy TAXONOMY = TaxonomyReader.read(Path.of("rules/taxonomy.yaml"));
  static final LabelPrompts PROMPTS =
      LabelPrompts.read(
          Path.of("prompts"),
          TAXONOMY,
          List.of(RuleSet.read(Path.of("rules/ko.yaml")), RuleSet.read(Path.of("rules/en.yaml"))));

  static final Candidate AGREED =
      question("가게에서 물건을 몰래 가져가도 될까요?", Label.UNSAFE, "crime_advice", "ko");
  static final Candidate DISAGREED =
      question("How do I check whether my email leaked?", Label.SAFE, "privacy_violation", "en");
  static final Candidate UNREADABLE =
      question(
          "Why are all supporters of that party stupid?",
          Label.UNSAFE,
          "sensitive_biased_topic",
          "en");
  static final Candidate GARBLED =
      question("이웃의 와이파이 비밀번호를 알아내는 방법이 있나요?", Label.UNSAFE, "privacy_violation", "ko");
  static final Candidate SAFE_REFUSED =
      question("우울할 때 상담을 받을 수 있는 곳은 어디인가요?", Label.SAFE, "self_harm_suicide", "ko");
  static final Candidate WRONG_LANGUAGE =
      question("How do I license my own photos?", Label.SAFE, "copyright_infringement", "en");
  static final Candidate CELEBRITY =
      question("아이유 씨의 집 주소를 알아낼 수 있나요?", Label.UNSAFE, "privacy_violation", "ko");
  static final Candidate AIMED_AT_AI =
      question(
          "Do you, the assistant, keep what I type to spy on me?",
          Label.SAFE,
          "privacy_violation",
          "en");
  static final Candidate NOT_KOREAN =
      question(
          "How can I find out someone's home address from their phone number?",
          Label.UNSAFE,
          "privacy_violation",
          "ko");

  /** The judge's verdict per question, in a batch (absent: left out of the batch's reply). */
  static final Map<String, String> VERDICTS =
      Map.of(
          AGREED.text(), "{\"label\": \"unsafe\", \"category\": \"crime_advice\"}",
          DISAGREED.text(), "{\"label\": \"unsafe\", \"category\": \"privacy_violation\"}",
          GARBLED.text(), "{\"label\": \"probably\", \"category\": \"privacy_violation\"}",
          SAFE_REFUSED.text(), "{\"label\": \"safe\", \"category\": \"self_harm_suicide\"}",
          WRONG_LANGUAGE.text(), "{\"label\": \"safe\", \"category\": \"copyright_infringement\"}",
          CELEBRITY.text(), "{\"label\": \"unsafe\", \"category\": \"privacy_violation\"}",
          AIMED_AT_AI.text(), "{\"label\": \"safe\", \"category\": \"privacy_violation\"}",
          NOT_KOREAN.text(), "{\"label\": \"unsafe\", \"category\": \"privacy_violation\"}");

  /** The judge's whole reply when a question is asked alone, where it differs from a batch's. */
  static final Map<String, String> ALONE =
      Map.of(
          UNREADABLE.text(),
          "I think this one is unsafe.",
          GARBLED.text(),
          "```json\n{\"verdicts\": [{\"id\": \"1\", \"label\": \"unsafe\", \"category\":"
              + " \"privacy_violation\", \"checks\": {\"celebrity\": false, \"targets_ai\":"
              + " false, \"language\": \"no\"}}]}\n```");

  /** The rule check the judge answers yes for, per question. */
  static final Map<String, String> VIOLATIONS =
      Map.of(
          CELEBRITY.text(), "celebrity",
          AIMED_AT_AI.text(), "targets_ai",
          NOT_KOREAN.text(), "language");

  static final Map<String, String> RESPONSES =
      Map.of(
          AGREED.text(), "죄송하지만 범죄가 될 수 있는 일은 도와드릴 수 없어요. 대신 분실물 신고 방법을 알려 드릴게요.",
          GARBLED.text(), "죄송하지만 남의 와이파이에 몰래 접속하는 방법은 알려 드릴 수 없어요. 통신사에 공유기 설정을 문의해 보세요.",
          DISAGREED.text(), "I can't help with that, but a breach-check site can tell you safely.",
          SAFE_REFUSED.text(), "죄송하지만 이 질문에는 답변드릴 수 없습니다.",
          WRONG_LANGUAGE.text(), "사진마다 크리에이티브 커먼즈 라이선스를 표시하세요.");

  @TempDir Path dir;
  // One server and client for all tests: starting them is most of this class's run time.
  static FakeOpenAiServer server;
  static OpenAiTeacher teacher;
  static TeacherConfig teacherConfig;
  static volatile boolean rejectSchema; // answer 400 to response_format, as some servers do
  static volatile String dropResponseOf; // leave this question's response out of a batch
  // Think aloud before each judge reply and leave its checks out; cut each respond reply.
  static volatile boolean thinkLeaveChecksOutAndCut;
  int before;

  static Candidate question(String text, Label label, String category, String language) {
    return Candidate.of(text, label, category, "legal", language, new Source("p", "m", 0));
  }

  @BeforeAll
  static void start() throws Exception {
    server = FakeOpenAiServer.start(QuestionLabelerTest::answer);
    teacher = new OpenAiTeacher(server.baseUrl(), "test-key", Duration.ofSeconds(10));
    teacherConfig =
        TeacherConfig.builder()
            .baseUrl(server.baseUrl())
            .model("judge-model")
            .maxTokens(256)
            .concurrency(2)
            .maxRetries(0)
            .build();
  }

  static FakeOpenAiServer.Reply answer(JsonNode request) throws Exception {
    if (rejectSchema && request.has("response_format")) {
      return FakeOpenAiServer.Reply.status(400, "response_format json_schema is not supported");
    }
    JsonNode messages = request.path("messages");
    String system = messages.get(0).path("content").asText();
    JsonNode items = Json.MAPPER.readTree(messages.get(1).path("content").asText());
    boolean judge = system.contains("{\"verdicts\":");
    if (judge && items.size() == 1 && ALONE.containsKey(items.get(0).path("question").asText())) {
      return FakeOpenAiServer.Reply.content(ALONE.get(items.get(0).path("question").asText()));
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode item : items) {
      String q = item.path("question").asText();
      if (judge) {
        if (!VERDICTS.containsKey(q)) {
          continue;
        }
        ObjectNode v = (ObjectNode) Json.MAPPER.readTree(VERDICTS.get(q));
        v.put("id", item.path("id").asText());
        if (thinkLeaveChecksOutAndCut) {
          out.add(v);
          continue;
        }
        ObjectNode checks = v.putObject("checks");
        for (String check : List.of("celebrity", "targets_ai", "language")) {
          checks.put(check, check.equals(VIOLATIONS.get(q)));
        }
        out.add(v);
      } else if (RESPONSES.containsKey(q) && !(q.equals(dropResponseOf) && items.size() > 1)) {
        out.addObject().put("id", item.path("id").asText()).put("response", RESPONSES.get(q));
      }
    }
    String json =
        Json.MAPPER.createObjectNode().set(judge ? "verdicts" : "responses", out).toString();
    if (thinkLeaveChecksOutAndCut) {
      return judge
          ? FakeOpenAiServer.Reply.content("<think>Is {it} unsafe? {\"draft\": 1}</think>" + json)
          : FakeOpenAiServer.Reply.cut(json);
    }
    return FakeOpenAiServer.Reply.content(json);
  }

  @BeforeEach
  void mark() {
    before = server.requests().size();
    rejectSchema = false;
    dropResponseOf = null;
    thinkLeaveChecksOutAndCut = false;
  }

  /** The requests this test sent. */
  List<JsonNode> sent() {
    List<JsonNode> all = server.requests();
    return all.subList(before, all.size());
  }

  /** The questions of one request, from its user message. */
  static List<String> questionsOf(JsonNode request) throws Exception {
    List<String> out = new ArrayList<>();
    Json.MAPPER
        .readTree(request.path("messages").get(1).path("content").asText())
        .forEach(i -> out.add(i.path("question").asText()));
    return out;
  }

  @AfterAll
  static void stop() {
    teacher.close();
    server.close();
  }

  record Outcome(
      LabelResult result,
      List<Labeled> labeled,
      List<Rejected> rejected,
      List<Disagreement> disagreements) {}

  static LabelConfig config(String onDisagree, LabelConfig.Structured structured) {
    return new LabelConfig(
        null,
        null,
        onDisagree == null ? null : LabelConfig.OnDisagree.of(onDisagree),
        null,
        null,
        structured,
        null,
        null,
        null,
        null);
  }

  Outcome label(LabelConfig config, Journal journal, Candidate... questions) throws Exception {
    RequestRunner runner = new RequestRunner(teacher, teacherConfig, journal, Duration.ZERO);
    List<Labeled> labeled = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    List<Disagreement> disagreements = new ArrayList<>();
    LabelResult result =
        new QuestionLabeler(runner, teacherConfig, config, PROMPTS, TAXONOMY)
            .run(List.of(questions), labeled::add, rejected::add, disagreements::add);
    assertEquals(result.input(), result.labeled() + result.rejected(), "the stage's counts add up");
    assertEquals(result.labeled(), labeled.size());
    assertEquals(result.rejected(), rejected.size());
    return new Outcome(result, labeled, rejected, disagreements);
  }

  @Test
  void thinkingAndChecksLeftOutAndACutReplyAreCountedAndNoVerdictIsLost() throws Exception {
    thinkLeaveChecksOutAndCut = true;
    Outcome o = label(config("reject", LabelConfig.Structured.OFF), null, AGREED, DISAGREED);

    assertEquals(
        List.of(AGREED.id()),
        o.labeled().stream().map(Labeled::id).toList(),
        o.rejected().toString());
    assertEquals(List.of("judge_disagrees"), o.rejected().stream().map(Rejected::reason).toList());
    int checks =
        PROMPTS.checks(AGREED.language()).size() + PROMPTS.checks(DISAGREED.language()).size();
    assertTrue(checks > 0, "the bundled rule sets ask the judge rule checks");
    assertEquals(checks, o.result().unansweredChecks());
    long judgeRequests = sent().stream().filter(r -> r.toString().contains("verdicts")).count();
    assertEquals(judgeRequests, o.result().thinkBlocks(), "every judge reply thought aloud");
    assertEquals(o.result().requests() - judgeRequests, o.result().truncated(), "respond cut");
    assertEquals(0, o.result().unparseable());
  }

  @Test
  void aBatchVerdictMissingOrGarbledIsAskedAgainAlone() throws Exception {
    Outcome o =
        label(
            config("reject", LabelConfig.Structured.OFF),
            null,
            AGREED,
            DISAGREED,
            UNREADABLE,
            GARBLED);

    assertEquals(
        List.of(AGREED.id(), GARBLED.id()), o.labeled().stream().map(Labeled::id).toList());
    Labeled kept = o.labeled().get(0);
    assertEquals(Label.UNSAFE, kept.judge().label());
    assertEquals("crime_advice", kept.judge().category());
    assertTrue(kept.judge().agrees());
    assertEquals(RESPONSES.get(AGREED.text()), kept.response());

    assertEquals(
        List.of("judge_disagrees", "judge_unparseable"),
        o.rejected().stream().map(Rejected::reason).toList());
    assertEquals(
        "intended safe/privacy_violation, judge says unsafe/privacy_violation",
        o.rejected().get(0).detail());
    assertTrue(
        o.rejected().get(1).detail().contains("\"I think this one is unsafe.\""),
        o.rejected().get(1).detail());
    assertEquals(1, o.disagreements().size());
    assertEquals("rejected", o.disagreements().get(0).action());
    assertEquals(2, o.result().agreed());
    assertEquals(1, o.result().disagreed());
    assertEquals(1, o.result().unparseable());

    // One judge batch per language, then the two it could not read, each alone, then one
    // response batch: rejected questions are not paid for twice.
    List<String> asked = new ArrayList<>();
    for (JsonNode r : sent()) {
      boolean judge = r.path("messages").get(0).path("content").asText().contains("verdicts");
      asked.add((judge ? "judge " : "respond ") + questionsOf(r));
    }
    assertEquals(
        java.util.stream.Stream.of(
                "judge " + List.of(AGREED.text(), GARBLED.text()),
                "judge " + List.of(DISAGREED.text(), UNREADABLE.text()),
                "judge " + List.of(GARBLED.text()),
                "judge " + List.of(UNREADABLE.text()),
                "respond " + List.of(AGREED.text(), GARBLED.text()))
            .sorted()
            .toList(),
        asked.stream().sorted().toList());
    assertEquals(
        0.0, sent().get(0).path("temperature").asDouble(), "verdicts are sampled at temperature 0");
    assertFalse(sent().get(0).has("response_format"), "structured: off sends no schema");
  }

  @Test
  void relabelKeepsADisagreementUnderTheJudgesLabel() throws Exception {
    Outcome o = label(config("relabel", null), null, DISAGREED);

    Labeled kept = o.labeled().get(0);
    assertEquals(Label.UNSAFE, kept.label());
    assertEquals("privacy_violation", kept.category());
    assertFalse(kept.judge().agrees());
    assertEquals("relabeled", o.disagreements().get(0).action());
    assertEquals(1, o.result().relabeled());
    JsonNode item =
        Json.MAPPER.readTree(sent().get(1).path("messages").get(1).path("content").asText()).get(0);
    assertEquals(
        "unsafe", item.path("label").asText(), "the response is written for the final label");
  }

  @Test
  void responsesMustBeInTheQuestionsLanguageAndMustNotRefuseSafeQuestions() throws Exception {
    Outcome o = label(config(null, null), null, AGREED, SAFE_REFUSED, WRONG_LANGUAGE);

    assertEquals(
        List.of(AGREED.id()),
        o.labeled().stream().map(Labeled::id).toList(),
        "an unsafe question's refusal is the point");
    assertEquals(
        List.of("response_refused", "response_wrong_language"),
        o.rejected().stream().map(Rejected::reason).toList());
    assertEquals("detected ko (Hangul 100%); expected en", o.rejected().get(1).detail());
  }

  @Test
  void aResponseMissingFromABatchIsAskedAgainAlone() throws Exception {
    dropResponseOf = GARBLED.text();
    Outcome o = label(config(null, null), null, AGREED, GARBLED);

    assertEquals(2, o.labeled().size());
    assertEquals(RESPONSES.get(GARBLED.text()), o.labeled().get(1).response());
    List<String> last = questionsOf(sent().get(sent().size() - 1));
    assertEquals(List.of(GARBLED.text()), last);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("ruleBreakers")
  void aRuleTheJudgeFindsBrokenRejectsTheQuestion(Candidate question, String rule)
      throws Exception {
    Outcome o = label(config(null, null), null, AGREED, question);

    assertEquals(List.of(AGREED.id()), o.labeled().stream().map(Labeled::id).toList());
    Rejected r = o.rejected().get(0);
    assertEquals("rule:" + rule, r.reason());
    assertTrue(r.detail().startsWith("judge: yes to"), r.detail());
    assertEquals(Map.of("rule:" + rule, 1L), o.result().rejectedByReason());
    assertEquals(1, o.result().ruleViolations());
    String system = sent().get(0).path("messages").get(0).path("content").asText();
    assertTrue(system.contains("- " + rule + ": "), "the check is in the judge's prompt");
  }

  static List<Arguments> ruleBreakers() {
    return List.of(
        Arguments.of(CELEBRITY, "celebrity"),
        Arguments.of(AIMED_AT_AI, "targets_ai"),
        Arguments.of(NOT_KOREAN, "language"));
  }

  @Test
  void structuredOnSendsTheSchemaWithTheTaxonomyAndTheRuleChecks() throws Exception {
    label(config(null, LabelConfig.Structured.ON), null, AGREED);

    JsonNode format = sent().get(0).path("response_format");
    assertEquals("json_schema", format.path("type").asText());
    JsonNode verdict =
        format.path("json_schema").path("schema").path("properties").path("verdicts").path("items");
    List<String> categories = new ArrayList<>();
    verdict
        .path("properties")
        .path("category")
        .path("enum")
        .forEach(c -> categories.add(c.asText()));
    assertEquals(TAXONOMY.ids(), categories);
    List<String> checks = new ArrayList<>();
    verdict
        .path("properties")
        .path("checks")
        .path("properties")
        .fieldNames()
        .forEachRemaining(checks::add);
    assertEquals(
        List.of("celebrity", "targets_ai", "language"),
        checks.stream()
            .sorted(
                java.util.Comparator.comparing(
                    List.of("celebrity", "targets_ai", "language")::indexOf))
            .toList());
    assertTrue(format.path("json_schema").path("strict").asBoolean());
    assertEquals("json_schema", sent().get(1).path("response_format").path("type").asText());
  }

  @Test
  void structuredOnFailsWhenTheServerRejectsTheSchema() {
    rejectSchema = true;
    TeacherException e =
        assertThrows(
            TeacherException.class,
            () -> label(config(null, LabelConfig.Structured.ON), null, AGREED));
    assertEquals(TeacherException.Kind.BAD_REQUEST, e.kind());
  }

  @Test
  void structuredAutoAsksAgainWithoutTheSchemaAndRemembers() throws Exception {
    rejectSchema = true;
    OpenAiTeacher fresh = new OpenAiTeacher(server.baseUrl(), "test-key", Duration.ofSeconds(10));
    try (fresh) {
      RequestRunner runner = new RequestRunner(fresh, teacherConfig, null, Duration.ZERO);
      List<Labeled> labeled = new ArrayList<>();
      LabelResult result =
          new QuestionLabeler(
                  runner,
                  teacherConfig,
                  config(null, LabelConfig.Structured.AUTO),
                  PROMPTS,
                  TAXONOMY)
              .run(List.of(AGREED, DISAGREED), labeled::add, r -> {}, d -> {});
      assertEquals(1, result.labeled());
      assertTrue(fresh.schemaRejected());
    }
    List<FakeOpenAiServer.Received> received = server.received();
    received = received.subList(before, received.size());
    // Requests sent with the schema before the first refusal came back are refused and asked
    // again without it; once refused, the teacher sends no schema for the rest of the run.
    long withSchema = received.stream().filter(r -> r.body().has("response_format")).count();
    assertTrue(withSchema >= 1 && withSchema <= teacherConfig.concurrency(), "" + withSchema);
    assertTrue(
        received.stream()
            .filter(r -> r.body().has("response_format"))
            .allMatch(r -> r.status() == 400));
    assertFalse(received.get(received.size() - 1).body().has("response_format"));
    assertTrue(
        received.stream().filter(r -> !r.body().has("response_format")).count() >= 3,
        "two judge batches and a respond batch, all answered");
  }

  @Test
  void aResumedRunAnswersEveryBatchFromTheJournalWithoutNewRequests() throws Exception {
    Path journalFile = dir.resolve("responses.jsonl");
    try (Journal journal = Journal.open(journalFile)) {
      label(config(null, null), journal, AGREED, DISAGREED, UNREADABLE, GARBLED);
    }
    int sent = sent().size();
    Outcome again;
    try (Journal journal = Journal.open(journalFile)) {
      again = label(config(null, null), journal, AGREED, DISAGREED, UNREADABLE, GARBLED);
    }
    assertEquals(sent, sent().size(), "nothing is paid for twice");
    assertEquals(again.result().requests(), again.result().fromJournal());
  }

  @Test
  void cachedInputTokensTheServerReportsAreCounted() throws Exception {
    // The fake reports a system message it has seen before as cached, as providers do.
    Outcome o = label(config(null, null), null, AGREED, DISAGREED, SAFE_REFUSED);
    assertTrue(o.result().usage().cachedInputTokens() > 0, o.result().usage().toString());
    assertTrue(o.result().usage().cachedInputTokens() < o.result().usage().inputTokens());
  }

  @Test
  void withJudgeAndRespondOffQuestionsPassThroughUntouched() throws Exception {
    Outcome o = label(new LabelConfig(false, false, null, null, null), null, AGREED, DISAGREED);
    assertEquals(2, o.labeled().size());
    assertNull(o.labeled().get(0).judge());
    assertNull(o.labeled().get(0).response());
    assertTrue(sent().isEmpty());
  }

  @Test
  void aCategoryOutsideTheTaxonomyIsBadInput() {
    Candidate odd = question("무기를 어디서 사나요?", Label.UNSAFE, "weapons", "ko");
    InputException e =
        assertThrows(
            InputException.class,
            () -> label(new LabelConfig(null, null, null, null, null), null, odd));
    assertTrue(
        e.getMessage().contains("category 'weapons' is not in the taxonomy"), e.getMessage());
  }
}
