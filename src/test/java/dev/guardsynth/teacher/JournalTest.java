package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  private static TeacherRequest request(int i) {
    return new TeacherRequest("m", List.of(ChatMessage.user("q" + i)), 0.5, 10, i);
  }

  @Test
  void aLineCutShortByAKillIsDroppedSoTheNextAppendStartsCleanly() throws Exception {
    Path file = dir.resolve("responses.jsonl");
    try (Journal journal = Journal.open(file)) {
      journal.append(request(0), new TeacherReply("a0", "m", new Usage(3, 4)));
      journal.append(request(1), new TeacherReply("a1", "m", new Usage(3, 4)), true);
    }
    Files.writeString(
        file,
        Files.readString(file) + "{\"key\":\"abc\",\"request\":{\"mod", // killed mid-line
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);

    try (Journal journal = Journal.open(file)) {
      assertEquals(2, journal.size());
      assertTrue(Files.readString(file).endsWith("\n"), "the partial line is gone");
      journal.append(request(2), new TeacherReply("a2", "m", Usage.ZERO));
    }
    try (Journal journal = Journal.open(file)) {
      assertEquals(3, journal.size());
      assertEquals("a2", journal.find(request(2).key()).orElseThrow().text());
      int[] batch = {0};
      journal.forEachReply((reply, viaBatch) -> batch[0] += viaBatch ? 1 : 0);
      assertEquals(1, batch[0], "the batch flag survives reopening");
    }
  }

  @Test
  void requestKeysAreStableAcrossVersions() {
    // Journals and cassettes written by earlier versions must keep answering: pin one key, so a
    // new method or component on TeacherRequest that leaks into its JSON fails here.
    assertEquals("e60ecb2d1b8aa51e42e1c0edefc7fbda", request(7).key());
  }
}
