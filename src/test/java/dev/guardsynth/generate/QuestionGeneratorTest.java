package dev.guardsynth.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Label;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.OpenAiBatch;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.FakeOpenAiServer.Reply;
import dev.guardsynth.testing.FakeTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate stage against a real local HTTP server speaking the OpenAI protocol. */
class QuestionGeneratorTest {
  @TempDir Path dir;

  /** What a model cut by max_tokens sends: two whole items and the start of a third. */
  private static final String CUT = "1. 완성된 질문이야?\n2. 이것도 완성이야? (반말)\n3. 잘린 질";

  private static PromptSpec prompt(int sample) {
    return new PromptSpec(
        "p" + sample,
        "crime_advice",
        "legal",
        Label.UNSAFE,
        "ko",
        "unsafe",
        "ko",
        3,
        sample,
        1,
        Map.of(),
        List.of(ChatMessage.system("system"), ChatMessage.user("질문 3개를 반말로 써.")));
  }

  private static TeacherConfig config(String baseUrl, String mode) throws Exception {
    return ConfigLoader.YAML.readValue(
        "{provider: openai, mode: "
            + mode
            + ", base_url: '"
            + baseUrl
            + "', model: m,"
            + " max_tokens: 40, max_retries: 0, batch_poll_seconds: 30}",
        TeacherConfig.class);
  }

  private static void assertCutItemOmitted(GenerateResult result, List<Candidate> out) {
    assertEquals(List.of("완성된 질문이야?", "이것도 완성이야?"), out.stream().map(Candidate::text).toList());
    assertNull(out.get(0).source().note());
    assertEquals("반말", out.get(1).source().note());
    assertEquals(1, result.truncated());
    assertEquals(1, result.attachedNotes());
    assertEquals(3, result.returned());
    assertEquals(
        result.returned(),
        result.questions() + result.refusals() + result.unparseable() + result.truncated());
  }

  @Test
  void aReplyCutByTheTokenLimitLosesItsLastItemAndCountsIt() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(body -> Reply.cut(CUT))) {
      TeacherConfig config = config(server.baseUrl(), "sync");
      RequestRunner runner =
          RequestRunner.builder(
                  new OpenAiTeacher(server.baseUrl(), "key", Duration.ofSeconds(5)), config)
              .build();
      List<Candidate> out = new ArrayList<>();
      GenerateResult result =
          new QuestionGenerator(runner, config).run(List.of(prompt(0)), out::add);
      assertCutItemOmitted(result, out);
    }
  }

  @Test
  void aBatchReplyCutByTheTokenLimitLosesItsLastItemToo() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(body -> Reply.cut(CUT));
        OpenAiBatch batch = new OpenAiBatch(server.baseUrl(), "key", Duration.ofSeconds(5));
        Journal journal = Journal.open(dir.resolve("responses.jsonl"))) {
      TeacherConfig config = config(server.baseUrl(), "batch");
      RequestRunner runner =
          RequestRunner.builder(
                  new OpenAiTeacher(server.baseUrl(), "key", Duration.ofSeconds(5)), config)
              .journal(journal)
              .ticker(new FakeTicker())
              .batch(batch, dir.resolve("batches-generate.json"))
              .stage("generate")
              .build();
      List<Candidate> out = new ArrayList<>();
      GenerateResult result =
          new QuestionGenerator(runner, config).run(List.of(prompt(0)), out::add);
      assertCutItemOmitted(result, out);
    }
  }
}
