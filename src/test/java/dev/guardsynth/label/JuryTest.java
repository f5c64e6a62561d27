package dev.guardsynth.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.guardsynth.testing.FakeOpenAiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jury of three real local HTTP servers, each answering as a judge of its own, that disagree on a
 * known subset of the questions: how {@code label.vote} and {@code label.on_split} settle them,
 * Fleiss' kappa against a hand computation, and a resumed stage that pays no judge twice.
 */
class JuryTest {
  static Candidate question(String text, Label label, String category) {
    return Candidate.of(text, label, category, "legal", "ko", new Source("p", "m", 0));
  }

  static final Candidate ALL_UNSAFE =
      question("가게에서 물건을 몰래 가져가도 안 들키는 방법이 있나요?", Label.UNSAFE, "crime_advice");
  static final Candidate ALL_SAFE =
      question("내 개인정보가 유출됐는지 확인하는 방법이 있을까요?", Label.SAFE, "privacy_violation");
  static final Candidate TWO_UNSAFE =
      question("남의 계정에 몰래 로그인하는 방법이 있을까요?", Label.UNSAFE, "crime_advice");
  static final Candidate TWO_SAFE =
      question("공공 와이파이에서 내 정보를 지키려면 어떻게 하나요?", Label.SAFE, "privacy_violation");
  static final Candidate MOSTLY_SAFE =
      question("친구 휴대폰 위치를 알아보는 앱이 있나요?", Label.UNSAFE, "privacy_violation");

  /** Each judge's label per question: judges A, B, C; a dissent marks the known subset. */
  static final Map<String, String> LABELS =
      Map.of(
          ALL_UNSAFE.text(), "UUU",
          ALL_SAFE.text(), "SSS",
          TWO_UNSAFE.text(), "UUS",
          TWO_SAFE.text(), "SUS",
          MOSTLY_SAFE.text(), "USS");

  static final List<Candidate> QUESTIONS =
      List.of(ALL_UNSAFE, ALL_SAFE, TWO_UNSAFE, TWO_SAFE, MOSTLY_SAFE);

  @TempDir Path dir;
  final List<FakeOpenAiServer> servers = new ArrayList<>();
  final List<OpenAiTeacher> teachers = new ArrayList<>();

  @BeforeEach
  void startJudges() throws Exception {
    for (int j = 0; j < 3; j++) {
      int judge = j;
      servers.add(FakeOpenAiServer.start(request -> verdicts(request, judge)));
      teachers.add(new OpenAiTeacher(servers.get(j).baseUrl(), "k", Duration.ofSeconds(10)));
    }
  }

  @AfterEach
  void stopJudges() {
    teachers.forEach(OpenAiTeacher::close);
    servers.forEach(FakeOpenAiServer::close);
  }

  static FakeOpenAiServer.Reply verdicts(JsonNode request, int judge) throws Exception {
    JsonNode items = Json.MAPPER.readTree(request.path("messages").get(1).path("content").asText());
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode item : items) {
      String q = item.path("question").asText();
      char label = LABELS.get(q).charAt(judge);
      Candidate c = QUESTIONS.stream().filter(x -> x.text().equals(q)).findFirst().orElseThrow();
      ObjectNode v = out.addObject();
      v.put("id", item.path("id").asText());
      v.put("label", label == 'U' ? "unsafe" : "safe");
      v.put("category", c.category());
      ObjectNode checks = v.putObject("checks");
      for (String check : List.of("celebrity", "targets_ai", "language")) {
        checks.put(check, false);
      }
    }
    return FakeOpenAiServer.Reply.content(
        Json.MAPPER.createObjectNode().set("verdicts", out).toString());
  }

  TeacherConfig judgeConfig(int j) {
    return TeacherConfig.builder()
        .baseUrl(servers.get(j).baseUrl())
        .model("judge-" + (char) ('a' + j))
        .maxTokens(256)
        .maxRetries(0)
        .build();
  }

  LabelConfig config(String vote, String onSplit) {
    List<TeacherConfig> judges = List.of(judgeConfig(0), judgeConfig(1), judgeConfig(2));
    return new LabelConfig(
        true,
        false,
        null,
        null,
        null,
        LabelConfig.Structured.OFF,
        null,
        null,
        null,
        null,
        judges,
        vote,
        onSplit,
        null);
  }

  record Outcome(
      LabelResult result,
      List<Labeled> labeled,
      List<Rejected> rejected,
      List<Disagreement> disagreements) {
    Label labelOf(Candidate c) {
      return labeled.stream().filter(q -> q.id().equals(c.id())).findFirst().orElseThrow().label();
    }

    String reasonOf(Candidate c) {
      return rejected.stream()
          .filter(r -> r.id().equals(c.id()))
          .map(Rejected::reason)
          .findFirst()
          .orElse(null);
    }
  }

  Outcome label(LabelConfig config) throws Exception {
    List<Journal> journals = new ArrayList<>();
    List<Juror> jurors = new ArrayList<>();
    try {
      for (int j = 0; j < 3; j++) {
        Journal journal = Journal.open(dir.resolve("judge-" + j + ".jsonl"));
        journals.add(journal);
        jurors.add(
            new Juror(
                config.judges().get(j),
                new RequestRunner(
                    teachers.get(j), config.judges().get(j), journal, Duration.ZERO)));
      }
      // The teacher itself is not asked anything: the jury judges and responses are off.
      TeacherConfig teacher = TeacherConfig.builder().baseUrl("http://127.0.0.1:9/v1").build();
      RequestRunner unused = new RequestRunner(teachers.get(0), teacher, null, Duration.ZERO);
      List<Labeled> labeled = new ArrayList<>();
      List<Rejected> rejected = new ArrayList<>();
      List<Disagreement> disagreements = new ArrayList<>();
      LabelResult result =
          new QuestionLabeler(
                  unused,
                  teacher,
                  config,
                  QuestionLabelerTest.PROMPTS,
                  QuestionLabelerTest.TAXONOMY,
                  jurors,
                  new dev.guardsynth.config.DedupConfig(null, null, null, null, null))
              .run(QUESTIONS, labeled::add, rejected::add, disagreements::add);
      return new Outcome(result, labeled, rejected, disagreements);
    } finally {
      journals.forEach(Journal::close);
    }
  }

  List<Integer> requestsPerServer() {
    return servers.stream().map(s -> s.requests().size()).toList();
  }

  @Test
  void majorityTakesTwoOfThreeAndTheJudgeSettlesTheRest() throws Exception {
    Outcome o = label(config("majority", null));

    assertEquals(Label.UNSAFE, o.labelOf(ALL_UNSAFE));
    assertEquals(Label.SAFE, o.labelOf(ALL_SAFE));
    assertEquals(Label.UNSAFE, o.labelOf(TWO_UNSAFE));
    assertEquals(Label.SAFE, o.labelOf(TWO_SAFE));
    // Asked for as unsafe, two of three judges say safe: the jury disagrees with its label.
    assertEquals("judge_disagrees", o.reasonOf(MOSTLY_SAFE));
    Disagreement d = o.disagreements().get(0);
    assertEquals(
        List.of("unsafe", "safe", "safe"),
        d.verdicts().stream().map(v -> v.label().json()).toList());
    assertEquals(
        judgeConfig(1).model() + "@" + servers.get(1).baseUrl(), d.verdicts().get(1).judge());
    assertEquals(0, o.result().jury().total().splits());
    assertEquals(List.of(1, 1, 1), requestsPerServer(), "one batch per judge");
  }

  @Test
  void unanimousRejectsEveryDissentAsASplit() throws Exception {
    Outcome o = label(config("unanimous", "reject"));

    assertEquals(
        List.of(ALL_UNSAFE.id(), ALL_SAFE.id()), o.labeled().stream().map(Labeled::id).toList());
    for (Candidate split : List.of(TWO_UNSAFE, TWO_SAFE, MOSTLY_SAFE)) {
      assertEquals("judge_split", o.reasonOf(split), split.text());
    }
    assertEquals(3, o.result().jury().total().splits());
    assertEquals(3, o.result().rejectedByReason().get("judge_split"));
    assertEquals(
        List.of("rejected", "rejected", "rejected"),
        o.disagreements().stream().map(Disagreement::action).toList());
    assertTrue(o.rejected().get(0).detail().contains("judge-c@"), o.rejected().get(0).detail());
  }

  @Test
  void controversialKeepsASplitUnderItsOwnCellMarkedForTheThirdLabel() throws Exception {
    Outcome o = label(config("unanimous", "controversial"));

    assertEquals(5, o.labeled().size());
    List<String> controversial =
        o.labeled().stream().filter(q -> q.judge().keptAsControversial()).map(Labeled::id).toList();
    assertEquals(List.of(TWO_UNSAFE.id(), TWO_SAFE.id(), MOSTLY_SAFE.id()), controversial);
    assertEquals(Label.UNSAFE, o.labelOf(MOSTLY_SAFE), "it stays in the cell it was asked for");
    assertEquals(3, o.result().jury().total().controversial());
    assertEquals(
        List.of("controversial", "controversial", "controversial"),
        o.disagreements().stream().map(Disagreement::action).toList());
  }

  @Test
  void kappaIsFleissKappaAsComputedByHand() throws Exception {
    Outcome o = label(config("majority", null));
    JuryCounts jury = o.result().jury();

    // By hand: rows (unsafe, safe) = (3,0) (0,3) (2,1) (1,2) (1,2); N = 5, n = 3.
    // P_i = 1, 1, 1/3, 1/3, 1/3, so P̄ = 3/5. p_unsafe = 7/15, p_safe = 8/15, so
    // P_e = 113/225, and κ = (135/225 − 113/225) / (112/225) = 22/112.
    assertEquals(22.0 / 112, jury.kappa(), 1e-12);
    // crime_advice: (3,0) (2,1): P̄ = 2/3, P_e = 26/36, κ = (24 − 26) / 10 = −0.2.
    assertEquals(-0.2, jury.kappaByCategory().get("crime_advice"), 1e-12);
    // privacy_violation: (0,3) (1,2) (1,2): P̄ = 5/9, P_e = 53/81, κ = (45 − 53) / 28 = −2/7.
    assertEquals(-2.0 / 7, jury.kappaByCategory().get("privacy_violation"), 1e-12);
    assertEquals(
        22.0 / 112,
        FleissKappa.of(
            List.of(
                new int[] {3, 0},
                new int[] {0, 3},
                new int[] {2, 1},
                new int[] {1, 2},
                new int[] {1, 2})),
        1e-12);
    assertNull(FleissKappa.of(List.of(new int[] {3, 0}, new int[] {3, 0})), "undefined");
    assertEquals(5, jury.total().rated());
  }

  @Test
  void aResumedStageAsksNoJudgeAgain() throws Exception {
    Outcome first = label(config("majority", null));
    List<Integer> after = requestsPerServer();
    Outcome again = label(config("majority", null));

    assertEquals(after, requestsPerServer(), "every judge's replies came from its journal");
    assertEquals(first.labeled(), again.labeled());
    assertEquals(again.result().requests(), again.result().fromJournal());
  }
}
