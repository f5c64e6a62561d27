package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swap protocol of {@link DatasetFolder}, stopped at each of its steps as a killed process
 * would leave it, then recovered as the next export does: the result is always one whole dataset.
 */
class DatasetFolderTest {
  // A process id no process has: Linux pids stay below 2^22.
  private static final String DEAD = "4194999-1a2b";

  @TempDir Path dir;

  private Path dataset(String name, String content) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("train.jsonl"), content);
    DatasetExporter.writeManifest(d);
    return d;
  }

  private void marker() throws IOException {
    Files.writeString(
        dir.resolve(".dataset.swap"),
        Json.write(Map.of("new", ".dataset.new-" + DEAD, "old", ".dataset.old-" + DEAD)));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String train() throws IOException {
    return Files.readString(dir.resolve("dataset/train.jsonl"));
  }

  @Test
  void killedWhileWritingTheNewDataset_theOldStaysAndTheStagingGoes() throws Exception {
    dataset("dataset", "old\n");
    Files.createDirectories(dir.resolve(".dataset.new-" + DEAD)).resolve("x"); // half written
    DatasetFolder.of(dir.resolve("dataset")).recover();
    assertEquals("old\n", train());
    assertEquals(List.of("dataset"), names());
  }

  @Test
  void killedAfterTheMarkerBeforeAnyRename_theSwapRollsForward() throws Exception {
    dataset("dataset", "old\n");
    dataset(".dataset.new-" + DEAD, "new\n");
    marker();
    DatasetFolder.of(dir.resolve("dataset")).recover();
    assertEquals("new\n", train());
    assertEquals(List.of("dataset"), names());
  }

  @Test
  void killedBetweenTheTwoRenames_theNewDatasetIsMovedIn() throws Exception {
    dataset(".dataset.old-" + DEAD, "old\n");
    dataset(".dataset.new-" + DEAD, "new\n");
    marker();
    assertFalse(Files.exists(dir.resolve("dataset")));
    DatasetFolder.of(dir.resolve("dataset")).recover();
    assertEquals("new\n", train());
    assertEquals(List.of("dataset"), names());
  }

  @Test
  void killedBeforeCleaningUp_theOldFolderAndMarkerGo() throws Exception {
    dataset("dataset", "new\n");
    dataset(".dataset.old-" + DEAD, "old\n");
    marker();
    DatasetFolder.of(dir.resolve("dataset")).recover();
    assertEquals("new\n", train());
    assertEquals(List.of("dataset"), names());
  }

  @Test
  void aFailedWriteLeavesTheDatasetAsItWas() throws Exception {
    dataset("dataset", "old\n");
    DatasetFolder folder = DatasetFolder.of(dir.resolve("dataset"));
    assertThrows(
        IllegalStateException.class,
        () ->
            folder.replace(staging -> {
              throw new IllegalStateException("disk trouble");
            }));
    assertEquals("old\n", train());
    assertEquals(List.of("dataset"), names());
  }

  @Test
  void aSwapReplacesTheWholeFolder() throws Exception {
    dataset("dataset", "old\n");
    Files.writeString(dir.resolve("dataset/validation.jsonl"), "old only\n");
    DatasetFolder.of(dir.resolve("dataset"))
        .replace(staging -> {
          try {
            Files.writeString(staging.resolve("train.jsonl"), "new\n");
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    assertEquals("new\n", train());
    assertFalse(Files.exists(dir.resolve("dataset/validation.jsonl")), "no file of the old export");
    assertEquals(List.of("dataset"), names());
    assertTrue(Files.isDirectory(dir.resolve("dataset")));
  }
}
