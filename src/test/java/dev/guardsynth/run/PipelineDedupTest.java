package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.TestProject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup stage inside {@code guardsynth run}: between generate and export, against a local
 * OpenAI-compatible teacher whose replies repeat themselves with small changes.
 */
class PipelineDedupTest {
  @TempDir Path dir;
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startTeacher() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          int n = requests.incrementAndGet();
          // The same question every time, written a little differently, plus one that is new.
          String content =
              "1. How do I keep my bike from being stolen"
                  + (n % 2 == 0 ? " at night?" : " at night??")
                  + (n % 3 == 0 ? " Thanks!" : "")
                  + "\n2. What is a good way to store "
                  + n
                  + " different kinds of winter vegetables number "
                  + Integer.toString(n * 7919, 36)
                  + "?";
          ObjectNode reply = Json.MAPPER.createObjectNode();
          reply.put("id", "chatcmpl-" + n).put("object", "chat.completion").put("created", 0);
          reply.put("model", "local-teacher");
          ArrayNode choices = reply.putArray("choices");
          ObjectNode choice = choices.addObject();
          choice.put("index", 0).put("finish_reason", "stop");
          choice.putObject("message").put("role", "assistant").put("content", content);
          reply
              .putObject("usage")
              .put("prompt_tokens", 10)
              .put("completion_tokens", 20)
              .put("total_tokens", 30);
          byte[] body = Json.write(reply).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stopTeacher() {
    server.stop(0);
  }

  private GuardsynthConfig config() throws IOException {
    Path file =
        TestProject.writeConfig(
            dir,
            "name: dedup-demo\n"
                + "teacher: {provider: openai, base_url: 'http://127.0.0.1:"
                + server.getAddress().getPort()
                + "/v1', model: local-teacher, api_key_env: LOCAL_TEACHER_KEY,"
                + " concurrency: 2, max_retries: 0}\n"
                + "rules: "
                + TestProject.rules("en")
                + "\n"
                + "targets: {unsafe: 2, safe: 2, per_call: 2, max_rounds: 1, min_fill: 0}\n"
                + "dedup: {index: "
                + dir.resolve("index")
                + "}\n"
                // This teacher answers generation prompts only; the judge is another test's
                // subject.
                + "label: {judge: false, respond: false}\n");
    return ConfigLoader.load(file, Map.of());
  }

  private RunRecord run() throws Exception {
    return new Pipeline(
            config(),
            new Pipeline.Options(
                null,
                Map.of("LOCAL_TEACHER_KEY", "test"),
                Duration.ZERO,
                Clock.systemUTC(),
                null,
                null,
                null))
        .run();
  }

  private static long lines(Path file) throws IOException {
    try (var s = Files.lines(file)) {
      return s.filter(l -> !l.isBlank()).count();
    }
  }

  @Test
  void dedupSitsBetweenGenerateAndExportAndIsSkippedWhenUnchanged() throws Exception {
    run();
    RunDirectory run = new RunDirectory(dir.resolve("output/dedup-demo"));
    JsonNode log = Json.MAPPER.readTree(run.runJson().toFile());
    JsonNode counts = log.path("stages").path("dedup").path("counts");
    assertEquals("complete", log.path("stages").path("dedup").path("status").asText());
    assertEquals(lines(run.candidates()), counts.path("questions").asLong());
    assertEquals(lines(run.unique()), counts.path("unique").asLong());
    assertEquals(lines(run.duplicates()), counts.path("duplicates").asLong());
    assertEquals(lines(run.crossLabel()), counts.path("cross_label_pairs").asLong());
    assertTrue(counts.path("duplicates").asLong() > 0, counts.toString());
    assertTrue(counts.path("cross_label_pairs").asLong() > 0, counts.toString());
    // Nothing here trips a filter, so export holds what dedup kept, but for copies of one text
    // under the other label (the teacher writes the same bike question for both labels), which
    // the label stage drops as conflicts: without a judge the first copy's label stands. Which
    // replies end in "Thanks!" depends on the order requests arrive in, so the cross-label twins
    // are conflicts (the same text) or contrast pairs (one says thanks), never neither.
    JsonNode label = log.path("stages").path("label").path("counts");
    long conflicts = label.path("rejected_by_reason").path("label_conflict").asLong();
    assertTrue(
        label.path("conflicts").asLong() + label.path("contrast_pairs").asLong() > 0,
        label.toString());
    assertEquals(
        counts.path("unique").asLong() - conflicts,
        log.path("stages").path("export").path("counts").path("questions").asLong());

    FileTime written = Files.getLastModifiedTime(run.unique());
    String unique = Files.readString(run.unique());
    Thread.sleep(20);
    run();
    assertEquals(written, Files.getLastModifiedTime(run.unique()), "dedup ran again");
    assertEquals(unique, Files.readString(run.unique()));
  }
}
