package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.testing.FakeOpenAiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cached input tokens: read from a real local server's reply, journalled, priced. */
class CachedTokensTest {
  @TempDir Path dir;

  @Test
  void cachedTokensAreReadJournalledAndPricedAtTheCachedPrice() throws Exception {
    try (FakeOpenAiServer server =
            FakeOpenAiServer.start(r -> FakeOpenAiServer.Reply.content("ok"));
        OpenAiTeacher teacher = new OpenAiTeacher(server.baseUrl(), "k", Duration.ofSeconds(10))) {
      String system = "You answer briefly. ".repeat(40);
      TeacherRequest first =
          new TeacherRequest(
              "m", List.of(ChatMessage.system(system), ChatMessage.user("one")), 0, 16, 0);
      TeacherRequest second =
          new TeacherRequest(
              "m", List.of(ChatMessage.system(system), ChatMessage.user("two")), 0, 16, 0);
      assertEquals(0, teacher.complete(first).usage().cachedInputTokens());
      TeacherReply reply = teacher.complete(second);
      // The fake reports a system message it has seen as cached: its characters / 4.
      assertEquals(system.length() / 4, reply.usage().cachedInputTokens());

      Path file = dir.resolve("journal.jsonl");
      try (Journal journal = Journal.open(file)) {
        journal.append(second, reply);
      }
      assertEquals(reply.usage(), Journal.open(file).find(second.key()).orElseThrow().usage());

      Usage u = reply.usage();
      TeacherConfig.Price discounted = new TeacherConfig.Price(2.0, 8.0, 1.0);
      assertEquals(
          ((u.inputTokens() - u.cachedInputTokens()) * 2.0
                  + u.cachedInputTokens() * 1.0
                  + u.outputTokens() * 8.0)
              / 1e6,
          Ledger.usd(discounted, u),
          1e-12);
      TeacherConfig.Price noDiscount = new TeacherConfig.Price(2.0, 8.0);
      assertEquals(
          (u.inputTokens() * 2.0 + u.outputTokens() * 8.0) / 1e6,
          Ledger.usd(noDiscount, u),
          1e-12,
          "cached_input defaults to the input price");
    }
  }
}
