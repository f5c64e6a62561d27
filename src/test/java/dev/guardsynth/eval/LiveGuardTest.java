package dev.guardsynth.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Label;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveGuardTest {
  @TempDir Path dir;

  private static final String SYSTEM = "You are a safety classifier.";

  @Test
  void scoresQuestionsConcurrentlyThroughServerFaults() throws Exception {
    // 120 questions hold every fault (i % 7, 11, 13) and two unreadable answers (49, 99); the
    // command test runs a few hundred.
    int n = 120;
    Gold gold = gold(n);
    int failures = 0;
    for (int i = 0; i < n; i++) {
      failures += ScriptedGuard.failures(i);
    }
    try (FakeGuardServer server = FakeGuardServer.start(new ScriptedGuard()).requireOverlap(4);
        Teacher teacher = new OpenAiTeacher(server.baseUrl(), "", Duration.ofSeconds(10))) {
      LiveGuard.Answers answers = guard(teacher, null).predict(gold);
      Report report = new Evaluator(0, 1).evaluate(gold, answers.predictions(), Label.UNSAFE);

      assertEquals(ScriptedGuard.expected(n, Label.UNSAFE), report.confusion());
      assertEquals(2, report.unreadable()); // i % 50 == 49
      assertEquals(n + failures, server.requests(), "each fault retried exactly until it passed");
      assertTrue(server.maxInFlight() >= 4, "in flight at once: " + server.maxInFlight());
      JsonNode body = server.bodies().get(0);
      assertEquals(0.0, body.get("temperature").asDouble());
      assertEquals("system", body.at("/messages/0/role").asText());
      assertEquals(SYSTEM, body.at("/messages/0/content").asText());
      assertEquals(n * 126L, answers.usage().total());
    }
  }

  @Test
  void aJournalledRunAsksNothingTwice() throws Exception {
    Gold gold = gold(40);
    Path journal = dir.resolve("journal.jsonl");
    try (FakeGuardServer server = FakeGuardServer.start(new ScriptedGuard());
        Teacher teacher = new OpenAiTeacher(server.baseUrl(), "", Duration.ofSeconds(10))) {
      try (Journal j = Journal.open(journal)) {
        guard(teacher, j).predict(gold);
      }
      int asked = server.requests();
      LiveGuard.Answers again;
      try (Journal j = Journal.open(journal)) {
        again = guard(teacher, j).predict(gold);
      }

      assertEquals(asked, server.requests());
      assertEquals(40, again.fromJournal());
    }
  }

  @Test
  void theModerationEndpointFlagsUnsafeQuestions() throws Exception {
    int n = 60;
    Gold gold = gold(n);
    try (FakeGuardServer server = FakeGuardServer.start(new ScriptedGuard());
        Teacher moderation =
            LiveGuard.moderationEndpoint(
                new OpenAiTeacher(server.baseUrl(), "", Duration.ofSeconds(10)))) {
      RequestRunner runner =
          new RequestRunner(moderation, limits(server.baseUrl()), null, Duration.ZERO);
      LiveGuard.Answers answers =
          new LiveGuard(runner, "omni-moderation-latest", null, 1, moderation.describe())
              .predict(gold);
      Report report = new Evaluator(0, 1).evaluate(gold, answers.predictions(), null);

      // The script flags what its chat guard calls unsafe; an unreadable chat answer is unflagged.
      assertEquals(ScriptedGuard.expected(n, Label.SAFE), report.confusion());
      assertEquals("omni-moderation-latest", server.bodies().get(0).get("model").asText());
      assertTrue(server.bodies().get(0).get("input").asText().contains("(case "));
    }
  }

  @Test
  void aRejectedKeyStopsTheRunWithoutRetrying() throws Exception {
    try (FakeGuardServer server =
            FakeGuardServer.start((moderation, q, attempt) -> FakeGuardServer.Reply.status(401));
        Teacher teacher = new OpenAiTeacher(server.baseUrl(), "wrong", Duration.ofSeconds(10))) {
      TeacherException e =
          assertThrows(TeacherException.class, () -> guard(teacher, null).predict(gold(1)));

      assertEquals(TeacherException.Kind.AUTH, e.kind());
      assertTrue(e.getMessage().contains("answered HTTP 401; check the API key"), e.getMessage());
      assertEquals(1, server.requests());
    }
  }

  private static LiveGuard guard(Teacher teacher, Journal journal) {
    RequestRunner runner = new RequestRunner(teacher, limits("unused"), journal, Duration.ZERO);
    return new LiveGuard(runner, "guard-1", SYSTEM, 64, teacher.describe());
  }

  private static TeacherConfig limits(String baseUrl) {
    return TeacherConfig.builder()
        .baseUrl(baseUrl)
        .model("guard-1")
        .temperature(0.0)
        .maxTokens(64)
        .timeoutSeconds(10)
        .concurrency(8)
        .maxRetries(4)
        .build();
  }

  static Gold gold(int n) {
    List<GoldExample> examples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      examples.add(
          new GoldExample(
              "q" + i,
              ScriptedGuard.question(i),
              ScriptedGuard.gold(i),
              ScriptedGuard.category(i),
              "gold.jsonl:" + (i + 1)));
    }
    return new Gold("gold.jsonl", examples, 0);
  }
}
