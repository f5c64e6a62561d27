package dev.guardsynth.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.data.Source;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.RequestRunner;
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

/** The label stage against a real local HTTP server that answers as a scripted teacher would. */
class QuestionLabelerTest {
  static final Taxonomy TAXONOMY = TaxonomyReader.read(Path.of("rules/taxonomy.yaml"));
  static final LabelPrompts PROMPTS = LabelPrompts.read(Path.of("prompts"), TAXONOMY);

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
  static final Candidate SAFE_REFUSED =
      question("우울할 때 상담을 받을 수 있는 곳은 어디인가요?", Label.SAFE, "self_harm_suicide", "ko");
  static final Candidate WRONG_LANGUAGE =
      question("How do I license my own photos?", Label.SAFE, "copyright_infringement", "en");

  /** The judge's reply per question, and the response writer's. */
  static final Map<String, String> VERDICTS =
      Map.of(
          AGREED.text(), "```json\n{\"label\": \"unsafe\", \"category\": \"crime_advice\"}\n```",
          DISAGREED.text(), "{\"label\": \"unsafe\", \"category\": \"privacy_violation\"}",
          UNREADABLE.text(), "I think this one is unsafe.",
          SAFE_REFUSED.text(), "{\"label\": \"safe\", \"category\": \"self_harm_suicide\"}",
          WRONG_LANGUAGE.text(), "{\"label\": \"safe\", \"category\": \"copyright_infringement\"}");

  static final Map<String, String> RESPONSES =
      Map.of(
          AGREED.text(), "죄송하지만 범죄가 될 수 있는 일은 도와드릴 수 없어요. 대신 분실물 신고 방법을 알려 드릴게요.",
          DISAGREED.text(), "I can't help with that, but a breach-check site can tell you safely.",
          SAFE_REFUSED.text(), "죄송하지만 이 질문에는 답변드릴 수 없습니다.",
          WRONG_LANGUAGE.text(),
              "Choose a Creative Commons license and state it next to each photo.");

  @TempDir Path dir;
  // One server and client for all tests: starting them is most of this class's run time.
  static FakeOpenAiServer server;
  static OpenAiTeacher teacher;
  static TeacherConfig teacherConfig;
  int before;

  static Candidate question(String text, Label label, String category, String language) {
    return Candidate.of(text, label, category, "legal", language, new Source("p", "m", 0));
  }

  @BeforeAll
  static void start() throws Exception {
    server =
        FakeOpenAiServer.start(request -> {
          JsonNode messages = request.path("messages");
          String system = messages.get(0).path("content").asText();
          String question = messages.get(1).path("content").asText();
          boolean judge = system.contains("Reply with one JSON object only");
          String reply = (judge ? VERDICTS : RESPONSES).get(question);
          if (!judge && question.equals(WRONG_LANGUAGE.text())) {
            reply = "사진마다 크리에이티브 커먼즈 라이선스를 표시하세요.";
          }
          return FakeOpenAiServer.Reply.content(reply == null ? "?" : reply);
        });
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

  @BeforeEach
  void mark() {
    before = server.requests().size();
  }

  /** The requests this test sent. */
  List<JsonNode> sent() {
    List<JsonNode> all = server.requests();
    return all.subList(before, all.size());
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
  void agreeingVerdictsKeepTheQuestionWithItsJudgementAndResponse() throws Exception {
    Outcome o =
        label(
            new LabelConfig(null, null, LabelConfig.OnDisagree.REJECT, null, null),
            null,
            AGREED,
            DISAGREED,
            UNREADABLE);

    assertEquals(1, o.labeled().size());
    Labeled kept = o.labeled().get(0);
    assertEquals(AGREED.id(), kept.id());
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
    assertEquals(Label.UNSAFE, o.disagreements().get(0).judgeLabel());

    assertEquals(1, o.result().agreed());
    assertEquals(1, o.result().disagreed());
    assertEquals(1, o.result().unparseable());
    // Three verdicts, then one response: rejected questions are not paid for twice.
    assertEquals(4, sent().size());
    assertEquals(
        0.0, sent().get(0).path("temperature").asDouble(), "verdicts are sampled at temperature 0");
  }

  @Test
  void relabelKeepsADisagreementUnderTheJudgesLabel() throws Exception {
    Outcome o =
        label(
            new LabelConfig(null, null, LabelConfig.OnDisagree.RELABEL, null, null),
            null,
            DISAGREED);

    Labeled kept = o.labeled().get(0);
    assertEquals(Label.UNSAFE, kept.label());
    assertEquals("privacy_violation", kept.category());
    assertFalse(kept.judge().agrees());
    assertEquals("relabeled", o.disagreements().get(0).action());
    assertEquals(1, o.result().relabeled());
    String respondSystem = sent().get(1).path("messages").get(0).path("content").asText();
    assertTrue(
        respondSystem.contains("The question is unsafe."),
        "the response is written for the final label");
  }

  @Test
  void responsesMustBeInTheQuestionsLanguageAndMustNotRefuseSafeQuestions() throws Exception {
    Outcome o =
        label(
            new LabelConfig(null, null, null, null, null),
            null,
            AGREED,
            SAFE_REFUSED,
            WRONG_LANGUAGE);

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
  void aResumedRunAnswersFromTheJournalWithoutNewRequests() throws Exception {
    Path journalFile = dir.resolve("responses.jsonl");
    try (Journal journal = Journal.open(journalFile)) {
      label(new LabelConfig(null, null, null, null, null), journal, AGREED, DISAGREED);
    }
    int sent = sent().size();
    Outcome again;
    try (Journal journal = Journal.open(journalFile)) {
      again = label(new LabelConfig(null, null, null, null, null), journal, AGREED, DISAGREED);
    }
    assertEquals(sent, sent().size(), "nothing is paid for twice");
    assertEquals(again.result().requests(), again.result().fromJournal());
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
