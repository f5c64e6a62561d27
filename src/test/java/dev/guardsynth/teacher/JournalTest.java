package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
  void aLineCutInsideAMultiByteCharacterIsDroppedToo() throws Exception {
    // Korean replies are multi-byte UTF-8: a kill can land between the bytes of one character,
    // which a strict decoder of the whole file would reject, and the run could not resume.
    Path file = dir.resolve("responses.jsonl");
    try (Journal journal = Journal.open(file)) {
      journal.append(request(0), new TeacherReply("질문 하나", "m", new Usage(3, 4)));
    }
    byte[] whole = Files.readAllBytes(file);
    byte[] korean = "{\"key\":\"abc\",\"reply\":\"질".getBytes(StandardCharsets.UTF_8);
    byte[] cut = Arrays.copyOf(whole, whole.length + korean.length - 1); // 질 loses its last byte
    System.arraycopy(korean, 0, cut, whole.length, korean.length - 1);
    Files.write(file, cut);

    try (Journal journal = Journal.open(file)) {
      assertEquals(1, journal.size());
      assertEquals("질문 하나", journal.find(request(0).key()).orElseThrow().text());
      assertArrayEquals(whole, Files.readAllBytes(file), "the cut line is gone, byte for byte");
    }
  }

  @Test
  void requestKeysAreStableAcrossVersions() {
    // Journals and cassettes written by earlier versions must keep answering: pin one key, so a
    // new method or component on TeacherRequest that leaks into its JSON fails here.
    assertEquals("e60ecb2d1b8aa51e42e1c0edefc7fbda", request(7).key());
  }
}
