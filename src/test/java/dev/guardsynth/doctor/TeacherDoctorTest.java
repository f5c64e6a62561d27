package dev.guardsynth.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.LimitedTeacher;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guardsynth doctor} against real local servers scripted to fail each way: it names the
 * stage and the reason, exits 1, and never sends more than {@link TeacherDoctor#MAX_REQUESTS}
 * requests, as the servers count them; a good teacher exits 0 with numbers. Nothing is written.
 */
class TeacherDoctorTest {
  private static final String SECRET = "SECRET";

  @TempDir Path dir;

  private Path config(String extra) throws Exception {
    return TestProject.writeConfig(
        dir,
        "rules: "
            + TestProject.rules("ko", "en")
            + "\ntargets: {unsafe: 10, safe: 10, per_call: 5}\n"
            + "teacher:\n"
            + "  model: teach-1\n"
            + "  api_key_env: K\n"
            + (extra.contains("max_retries:") ? "" : "  max_retries: 0\n")
            + extra);
  }

  private CliResult doctor(FakeOpenAiServer server, Path config, String... more) {
    String[] args =
        Stream.concat(
                Stream.of(
                    "doctor",
                    "--config",
                    config.toString(),
                    "--base-url",
                    server.baseUrl(),
                    "--retry-delay",
                    "0"),
                Stream.of(more))
            .toArray(String[]::new);
    return CliResult.run(Map.of("K", "k", "XDG_STATE_HOME", dir.resolve("state").toString()), args);
  }

  /** The label stage's prompts, told apart by their system message. */
  private static boolean isJudge(JsonNode request) {
    return system(request).contains("{\"verdicts\":");
  }

  private static boolean isRespond(JsonNode request) {
    return system(request).startsWith("You write the replies");
  }

  private static String system(JsonNode request) {
    return request.path("messages").path(0).path("content").asText();
  }

  private static String user(JsonNode request) {
    JsonNode messages = request.path("messages");
    return messages.path(messages.size() - 1).path("content").asText();
  }

  /** Every file under the temp folder but the config: the doctor must write none. */
  private List<Path> written() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals("guardsynth.yaml"))
          .toList();
    }
  }

  @Test
  void aGoodTeacherPassesEveryStageWithNumbersAndAnEstimate() throws Exception {
    Path config = config("  prices: {teach-1: {input: 0.15, output: 0.6}}\n");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perPrompt())) {
      String url = server.baseUrl().replace("http://", "http://user:" + SECRET + "@");
      CliResult r =
          CliResult.run(
              Map.of("K", "k", "XDG_STATE_HOME", dir.resolve("state").toString()),
              "doctor",
              "--config",
              config.toString(),
              "--base-url",
              url);
      assertEquals(0, r.exitCode(), r.err());
      int sent = server.requests().size();
      assertTrue(sent <= TeacherDoctor.MAX_REQUESTS, "sent " + sent);
      // Two rule sets: a harmful and a harmless generation prompt each, a judge request per
      // language, one respond request.
      assertEquals(7, sent, r.err());
      assertEquals(2, server.requests().stream().filter(TeacherDoctorTest::isJudge).count());
      assertEquals(1, server.requests().stream().filter(TeacherDoctorTest::isRespond).count());
      assertTrue(r.err().contains("sent 7 of at most 10 requests"), r.err());
      assertTrue(r.err().contains("generate: ok, 4 requests"), r.err());
      assertTrue(r.err().contains("judge: ok, 2 requests, JSON schema accepted"), r.err());
      assertTrue(r.err().contains("respond: ok, 1 request, JSON schema accepted"), r.err());
      assertTrue(r.err().contains("cost per exported question (400 questions)"), r.err());
      assertTrue(r.err().contains("every stage works with this teacher"), r.err());
      assertFalse(r.err().contains("no price"), r.err());
      assertTrue(r.err().contains("http://***@127.0.0.1:"), r.err());
      assertFalse(r.err().contains(SECRET) || r.out().contains(SECRET), r.err());
      assertEquals("", r.out(), "the text report goes to stderr");
    }
    assertEquals(List.of(), written());
  }

  @Test
  void jsonReportHasPerKindNumbersCountsInNoBudgetAndSaysWhenNoPriceIsSet() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perPrompt())) {
      // The probe's requests count in no budget: a budget of one request does not stop it.
      CliResult r = doctor(server, config("budget: {max_requests: 1}\n"), "--json");
      assertEquals(0, r.exitCode(), r.err());
      JsonNode report = Json.MAPPER.readTree(r.out());
      assertTrue(report.path("ok").asBoolean(), r.out());
      assertEquals(7, server.requests().size());
      assertEquals(server.requests().size(), report.path("requests").asInt());
      JsonNode generate = report.path("generate");
      assertEquals("ok", generate.path("status").asText());
      assertEquals(4, generate.path("probes").size());
      for (JsonNode p : generate.path("probes")) {
        assertEquals(5, p.path("parsed").asInt(), p.toString());
        assertEquals(5, p.path("in_language").asInt(), p.toString());
        assertFalse(p.path("refusal").asBoolean(), p.toString());
      }
      JsonNode judge = report.path("judge");
      assertEquals("accepted", judge.path("schema").asText());
      for (JsonNode b : judge.path("batches")) {
        assertEquals(10, b.path("questions").asInt(), b.toString());
        assertEquals(10, b.path("readable").asInt(), b.toString());
        assertEquals(10, b.path("agreed").asInt(), b.toString());
      }
      JsonNode respond = report.path("respond");
      assertEquals(10, respond.path("readable").asInt(), respond.toString());
      assertEquals(0, respond.path("refused").asInt(), respond.toString());
      for (JsonNode l : respond.path("languages")) {
        assertEquals(l.path("responses").asInt(), l.path("in_language").asInt(), l.toString());
      }
      JsonNode estimate = report.path("estimate");
      assertEquals(400, estimate.path("exported").asInt());
      assertFalse(estimate.path("priced").asBoolean());
      assertEquals(4, estimate.path("cells").size());
      assertEquals(1.0, estimate.path("cells").path(0).path("yield").asDouble(), 1e-9);
      // 400 questions at 5 per prompt and a yield of 1: 80 generation prompts.
      assertEquals(80, estimate.path("requests").path("generate").asInt(), estimate.toString());
      assertTrue(
          estimate.path("cost_per_question").path("total").path("input_tokens").asDouble() > 0);
      assertTrue(r.out().contains("no price is set for model 'teach-1'"), r.out());
    }
    assertEquals(List.of(), written());
  }

  @Test
  void aTeacherThatRefusesHarmfulQuestionsFailsAtGenerate() throws Exception {
    LimitedTeacher good = LimitedTeacher.perPrompt();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(request ->
            user(request).contains("bad-purpose")
                ? FakeOpenAiServer.Reply.content("I'm sorry, but I can't help with that.")
                : good.respond(request))) {
      CliResult r = doctor(server, config(""));
      assertEquals(1, r.exitCode(), r.err());
      assertTrue(server.requests().size() <= TeacherDoctor.MAX_REQUESTS);
      // Generation is known to fail: no judge or respond request is spent.
      assertEquals(4, server.requests().size());
      assertTrue(
          r.err().contains("guardsynth doctor: generate: refusals: the teacher refused 2 of 4"),
          r.err());
      assertTrue(r.err().contains("I'm sorry, but I can't help with that."), r.err());
      assertTrue(r.err().contains("judge: not probed"), r.err());
    }
    assertEquals(List.of(), written());
  }

  @Test
  void aTeacherThatAnswersKoreanQuestionsInEnglishFailsAtRespond() throws Exception {
    LimitedTeacher good = LimitedTeacher.perPrompt();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(
            request -> isRespond(request) ? inEnglish(user(request)) : good.respond(request))) {
      CliResult r = doctor(server, config(""));
      assertEquals(1, r.exitCode(), r.err());
      assertTrue(server.requests().size() <= TeacherDoctor.MAX_REQUESTS);
      assertTrue(r.err().contains("guardsynth doctor: respond: language: only 0 of "), r.err());
      assertTrue(r.err().contains("questions in ko are in ko"), r.err());
      assertTrue(r.err().contains("generate: ok"), r.err());
      assertTrue(r.err().contains("judge: ok"), r.err());
    }
  }

  /** One English response per question of a respond request, whatever its language. */
  private static FakeOpenAiServer.Reply inEnglish(String user) throws Exception {
    ArrayNode responses = Json.MAPPER.createArrayNode();
    for (JsonNode item : Json.MAPPER.readTree(user)) {
      responses
          .addObject()
          .put("id", item.path("id").asText())
          .put(
              "response",
              "Good question. Start with the official guidance on this, and ask a professional"
                  + " if you need more help.");
    }
    ObjectNode reply = Json.MAPPER.createObjectNode();
    reply.set("responses", responses);
    return FakeOpenAiServer.Reply.content(reply.toString());
  }

  @Test
  void aJudgeWhoseRepliesCannotBeReadFailsAtTheJudgeOnFormat() throws Exception {
    LimitedTeacher good = LimitedTeacher.perPrompt();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(request ->
            isJudge(request)
                ? FakeOpenAiServer.Reply.content(
                    "These questions look fine to me, nothing to worry about.")
                : good.respond(request))) {
      CliResult r = doctor(server, config(""));
      assertEquals(1, r.exitCode(), r.err());
      assertTrue(server.requests().size() <= TeacherDoctor.MAX_REQUESTS);
      assertTrue(
          r.err().contains("guardsynth doctor: judge: format: only 0 of 20 verdicts could be read"),
          r.err());
      assertEquals(0, server.requests().stream().filter(TeacherDoctorTest::isRespond).count());
      assertTrue(r.err().contains("respond: not probed"), r.err());
    }
  }

  @Test
  void aServerThatRefusesTheJsonSchemaFallsBackToFreeTextAndStillPasses() throws Exception {
    LimitedTeacher good = LimitedTeacher.perPrompt();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(request ->
            request.has("response_format")
                ? FakeOpenAiServer.Reply.status(400, "response_format is not supported")
                : good.respond(request))) {
      CliResult r = doctor(server, config(""), "--json");
      assertEquals(0, r.exitCode(), r.err());
      // The first judge request goes alone: the schema is refused once, then never sent again.
      assertEquals(8, server.requests().size());
      assertEquals(1, server.requests().stream().filter(q -> q.has("response_format")).count());
      JsonNode report = Json.MAPPER.readTree(r.out());
      assertEquals(8, report.path("requests").asInt());
      assertEquals("fell_back", report.path("judge").path("schema").asText());
      assertEquals("fell_back", report.path("respond").path("schema").asText());
    }
  }

  @Test
  void aServerThatKeepsFailingFailsAtGenerateAfterTheConfiguredRetries() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(request -> FakeOpenAiServer.Reply.status(500, "overloaded"))) {
      CliResult r = doctor(server, config("  max_retries: 1\n"), "--json");
      assertEquals(1, r.exitCode(), r.err());
      // Four generation requests, each tried twice (teacher.max_retries 1); nothing after them.
      assertEquals(8, server.requests().size());
      JsonNode report = Json.MAPPER.readTree(r.out());
      assertEquals(4, report.path("requests").asInt());
      assertEquals(4, report.path("retries").asInt());
      assertEquals("skipped", report.path("judge").path("status").asText());
      assertTrue(r.err().contains("guardsynth doctor: generate: request failed: "), r.err());
      assertTrue(r.err().contains("HTTP 500"), r.err());
    }
  }

  @Test
  void aWrongKeyFailsAtGenerateAndItsRequestsAreCountedAsTheServerSawThem() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(LimitedTeacher.perPrompt()).requireKey("the-right-key")) {
      CliResult r = doctor(server, config(""), "--json");
      assertEquals(1, r.exitCode(), r.err());
      JsonNode report = Json.MAPPER.readTree(r.out());
      assertEquals(server.requests().size(), report.path("requests").asInt(), r.out());
      assertTrue(r.err().contains("guardsynth doctor: generate: "), r.err());
      assertTrue(r.err().contains("HTTP 401"), r.err());
      assertFalse(r.err().contains("the-right-key"), r.err());
    }
  }

  @Test
  void recordingACassetteIsRefusedBecauseTheDoctorWritesNothing() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perPrompt())) {
      CliResult r = doctor(server, config(""), "--record", dir.resolve("c.jsonl").toString());
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.err().contains("--record"), r.err());
      assertEquals(0, server.requests().size());
    }
    assertEquals(List.of(), written());
  }
}
