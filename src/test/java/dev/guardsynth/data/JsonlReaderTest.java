package dev.guardsynth.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReaderTest {
  @TempDir Path dir;

  private static final String GOOD =
      "{\"id\":\"a\",\"text\":\"Is this fine?\",\"label\":\"safe\",\"category\":\"crime_advice\",\"language\":\"en\"}";

  @Test
  void readsRecordsAndSkipsBlankLines() throws Exception {
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, GOOD + "\n\n" + GOOD.replace("\"a\"", "\"b\"") + "\n");
    try (JsonlReader<Candidate> in = JsonlReader.open(file, Candidate.class)) {
      List<Candidate> all = in.stream().toList();
      assertEquals(List.of("a", "b"), all.stream().map(Candidate::id).toList());
      assertEquals(Label.SAFE, all.get(0).label());
    }
  }

  @Test
  void aLineThatIsNotJsonNamesFileAndLine() throws Exception {
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, GOOD + "\nnot json\n");
    try (JsonlReader<Candidate> in = JsonlReader.open(file, Candidate.class)) {
      InputException e = assertThrows(InputException.class, () -> in.stream().toList());
      assertTrue(e.getMessage().startsWith(file + ":2:"), e.getMessage());
      assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }
  }

  @Test
  void aRecordWithoutTextNamesTheField() throws Exception {
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, "{\"id\":\"a\",\"label\":\"safe\",\"category\":\"c\"}\n");
    try (JsonlReader<Candidate> in = JsonlReader.open(file, Candidate.class)) {
      InputException e = assertThrows(InputException.class, in::read);
      assertTrue(e.getMessage().startsWith(file + ":1:"), e.getMessage());
      assertTrue(e.getMessage().contains("text"), e.getMessage());
    }
  }

  @Test
  void aBadLabelSaysWhatIsAllowed() throws Exception {
    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, GOOD.replace("\"safe\"", "\"maybe\"") + "\n");
    try (JsonlReader<Candidate> in = JsonlReader.open(file, Candidate.class)) {
      InputException e = assertThrows(InputException.class, in::read);
      assertTrue(e.getMessage().contains("use 'unsafe' or 'safe'"), e.getMessage());
    }
  }

  @Test
  void anUncommittedWriterLeavesNoFile() {
    Path file = dir.resolve("out.jsonl");
    try (JsonlWriter out = JsonlWriter.create(file)) {
      out.write(List.of(1, 2));
    }
    assertFalse(Files.exists(file));
    try (JsonlWriter out = JsonlWriter.create(file)) {
      out.write(List.of(1, 2));
      out.commit();
    }
    assertTrue(Files.exists(file));
  }
}
