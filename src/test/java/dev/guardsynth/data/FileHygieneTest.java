package dev.guardsynth.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #14: temporary files of killed writers are cleaned, and file errors say why. */
class FileHygieneTest {
  @TempDir Path dir;

  @Test
  void theNextWriteRemovesTemporaryFilesOfProcessesThatAreGone() throws Exception {
    Path target = dir.resolve("unique.jsonl");
    Path dead = Files.writeString(dir.resolve(".unique.jsonl.4194999-ab12.tmp"), "half");
    Path otherDead = Files.writeString(dir.resolve(".kept.jsonl.4194998-cd34.tmp"), "half");
    Path legacy = Files.writeString(dir.resolve(".unique.jsonl.5f3a9c.tmp"), "half");
    long me = ProcessHandle.current().pid();
    Path alive = Files.writeString(dir.resolve(".kept.jsonl." + me + "-ef56.tmp"), "writing");
    Path users = Files.writeString(dir.resolve(".notes.5f3a9c.tmp"), "not ours to delete");
    JsonlWriter.writeAll(target, List.of(new Source("p", "m", 0)));
    assertFalse(Files.exists(dead));
    assertFalse(Files.exists(otherDead));
    assertFalse(Files.exists(legacy));
    assertTrue(Files.exists(alive), "a running process's file stays");
    assertTrue(Files.exists(users), "an older-style name of another target stays");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(3, s.count()); // target, alive, users
    }
  }

  @Test
  void fileErrorsNameTheirReason() {
    assertEquals(
        "creating /x/y: permission denied",
        FileErrors.describe("creating /x/y", new AccessDeniedException("/x/y")));
    assertEquals(
        "creating /x/y: read-only file system",
        FileErrors.describe(
            "creating /x/y", new FileSystemException("/x/y", null, "Read-only file system")));
    assertEquals(
        "writing /x/y/train.jsonl: no space left on device",
        FileErrors.describe(
            "writing /x/y/train.jsonl", new IOException("No space left on device")));
    assertEquals(
        "creating a file beside /x/t.jsonl: permission denied (/x/.t.jsonl.1-2.tmp)",
        FileErrors.describe(
            "creating a file beside /x/t.jsonl", new AccessDeniedException("/x/.t.jsonl.1-2.tmp")));
  }
}
