package dev.guardsynth.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written under a temporary name in its target folder and renamed into place on commit, so
 * readers see either the old file or the complete new one, never a half-written one.
 */
public final class AtomicFile {
  private final Path target;
  private final Path temp;

  private AtomicFile(Path target, Path temp) {
    this.target = target;
    this.temp = temp;
  }

  /** Starts writing {@code target}, creating its folder if needed. */
  public static AtomicFile begin(Path target) {
    try {
      JsonlWriter.createParent(target);
      Path dir = target.toAbsolutePath().getParent();
      Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      return new AtomicFile(target, temp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a file beside " + target, e);
    }
  }

  /** Writes {@code text} to {@code target} atomically. */
  public static void writeString(Path target, String text) {
    writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void writeBytes(Path target, byte[] bytes) {
    AtomicFile file = begin(target);
    try {
      Files.write(file.temp, bytes);
      file.commit();
    } catch (IOException e) {
      file.abort();
      throw new UncheckedIOException("writing " + target, e);
    }
  }

  public Path target() {
    return target;
  }

  Writer writer() {
    try {
      return new BufferedWriter(
          new OutputStreamWriter(Files.newOutputStream(temp), StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException e) {
      abort();
      throw new UncheckedIOException("writing " + target, e);
    }
  }

  /** Moves the finished temporary file over the target. */
  public void commit() throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes the temporary file; the target is untouched. */
  public void abort() {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + temp, e);
    }
  }
}
