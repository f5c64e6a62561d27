package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.InputException;
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

  /** A journal of entries 0..n-1, one line each. */
  private Path journalOf(int n) {
    Path file = dir.resolve("responses.jsonl");
    try (Journal journal = Journal.open(file)) {
      for (int i = 0; i < n; i++) {
        journal.append(request(i), new TeacherReply("a" + i, "m", new Usage(3, 4)));
      }
    }
    return file;
  }

  /** {@code file} with line {@code line} (1-based) replaced by {@code text}. */
  private static void replaceLine(Path file, int line, String text) throws Exception {
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
    lines.set(line - 1, text);
    Files.writeString(file, String.join("\n", lines) + "\n");
  }

  @Test
  void damagedLinesInTheMiddleAreMovedAsideAndEveryIntactEntryIsKept() throws Exception {
    Path file = journalOf(5);
    replaceLine(file, 2, "{\"key\": \"garbage"); // not JSON
    // An entry whose key is not its request's: it would answer the wrong request.
    String other = Files.readAllLines(file).get(3).replace(request(3).key(), request(9).key());
    replaceLine(file, 4, other);
    byte[] before = Files.readAllBytes(file);

    try (Journal journal = Journal.open(file)) {
      assertEquals(3, journal.size(), "entries 0, 2 and 4 are intact");
      assertEquals("a4", journal.find(request(4).key()).orElseThrow().text());
      assertTrue(journal.find(request(9).key()).isEmpty(), "the distrusted entry answers nothing");
      assertTrue(journal.find(request(3).key()).isEmpty(), "and neither does its own request");
      assertEquals(
          List.of(2, 4), journal.damaged().stream().map(Journal.DamagedLine::line).toList());
      journal.append(request(1), new TeacherReply("b1", "m", Usage.ZERO));
    }
    List<Path> aside;
    try (var files = Files.list(dir)) {
      aside = files.filter(p -> p.getFileName().toString().contains(".damaged-")).toList();
    }
    assertEquals(1, aside.size(), "one file beside the journal: " + aside);
    assertEquals(
        "{\"key\": \"garbage\n" + other + "\n",
        Files.readString(aside.get(0)),
        "the damaged lines, as they were");
    try (Journal journal = Journal.open(file)) {
      assertEquals(4, journal.size(), "the repaired journal takes appends and reopens cleanly");
      assertTrue(journal.damaged().isEmpty());
    }
    assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(file)));
  }

  @Test
  void aRepairKilledBeforeTheJournalWasReplacedIsRedoneIntoTheSameAsideFile() throws Exception {
    Path file = journalOf(3);
    replaceLine(file, 2, "not json at all");
    byte[] damaged = Files.readAllBytes(file);
    try (Journal journal = Journal.open(file)) {
      assertEquals(2, journal.size());
    }
    // A kill after the aside file was written and before the journal was replaced leaves the old
    // journal beside the aside file: the next opening repairs it again, setting nothing aside
    // twice.
    Files.write(file, damaged);
    try (Journal journal = Journal.open(file)) {
      assertEquals(2, journal.size());
    }
    try (var files = Files.list(dir)) {
      List<Path> aside =
          files.filter(p -> p.getFileName().toString().contains(".damaged-")).toList();
      assertEquals(1, aside.size(), aside.toString());
      assertEquals("not json at all\n", Files.readString(aside.get(0)));
    }
  }

  @Test
  void readingAJournalForADryRunListsDamagedLinesAndChangesNothing() throws Exception {
    Path file = journalOf(3);
    replaceLine(file, 2, "not json at all");
    byte[] before = Files.readAllBytes(file);
    try (Journal journal = Journal.read(file)) {
      assertEquals(2, journal.size());
      assertEquals(2, journal.damaged().get(0).line());
      assertTrue(journal.damaged().get(0).reason().startsWith("not a journal entry"));
    }
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no file beside it");
    }
  }

  @Test
  void aDamagedCassetteLineIsAnErrorNamingTheCassetteAndTheLine() throws Exception {
    Path cassette = dir.resolve("cassette.jsonl");
    try (Journal c = Journal.record(cassette)) {
      c.append(request(0), new TeacherReply("a0", "m", Usage.ZERO));
      c.append(request(1), new TeacherReply("a1", "m", Usage.ZERO));
    }
    replaceLine(cassette, 2, "<html>not a recording</html>");
    byte[] before = Files.readAllBytes(cassette);
    InputException e = assertThrows(InputException.class, () -> Journal.replay(cassette));
    assertTrue(e.getMessage().startsWith(cassette + ":2: not a cassette entry"), e.getMessage());
    assertTrue(e.getMessage().contains("record it again with --record"), e.getMessage());
    assertFalse(e.getMessage().contains("journal"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(cassette), "a replayed cassette is never changed");
  }

  @Test
  void aCassetteCutShortSaysSoForTheRequestItLacks() throws Exception {
    Path cassette = dir.resolve("cassette.jsonl");
    try (Journal c = Journal.record(cassette)) {
      c.append(request(0), new TeacherReply("a0", "m", Usage.ZERO));
      c.append(request(1), new TeacherReply("a1", "m", Usage.ZERO));
    }
    String whole = Files.readString(cassette);
    Files.writeString(cassette, whole.substring(0, whole.length() - 30)); // a copy cut off
    ReplayTeacher replay = new ReplayTeacher(cassette);
    assertEquals("a0", replay.complete(request(0)).text());
    TeacherException e = assertThrows(TeacherException.class, () -> replay.complete(request(1)));
    assertTrue(e.getMessage().contains("the cassette is cut short (line 2"), e.getMessage());
    assertFalse(e.getMessage().contains("prompts or teacher settings changed"), e.getMessage());
    assertEquals(whole.length() - 30, Files.size(cassette), "and it is left as it was");
  }

  @Test
  void requestKeysAreStableAcrossVersions() {
    // Journals and cassettes written by earlier versions must keep answering: pin one key, so a
    // new method or component on TeacherRequest that leaks into its JSON fails here.
    assertEquals("e60ecb2d1b8aa51e42e1c0edefc7fbda", request(7).key());
  }
}
