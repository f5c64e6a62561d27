package dev.guardsynth.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file written under a temporary name in its target folder and renamed into place on commit, so
 * readers see either the old file or the complete new one, never a half-written one. The temporary
 * name, {@code .<name>.<pid>-<random>.tmp}, carries the writer's process id: a process killed
 * mid-write leaves its temporary file behind, and the next write into that folder deletes the
 * temporary files of processes that are no longer running.
 */
public final class AtomicFile {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private static final Pattern TEMP_NAME =
      Pattern.compile("\\..+\\.(\\d{1,18})-[0-9a-f]{1,16}\\.tmp");

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
      removeLeftovers(dir, target.getFileName().toString());
      // Not Files.createTempFile: it makes files only the owner can read (0600), and the
      // finished file should get the same permissions as any other file the user creates.
      Path temp =
          Files.createFile(
              dir.resolve(
                  "."
                      + target.getFileName()
                      + "."
                      + ProcessHandle.current().pid()
                      + "-"
                      + Long.toHexString(RANDOM.nextLong())
                      + ".tmp"));
      return new AtomicFile(target, temp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a file beside " + target, e);
    }
  }

  /**
   * Deletes temporary files in {@code dir} left by killed processes: any {@code
   * .<name>.<pid>-<random>.tmp} whose process is gone, and {@code .<target>.<random>.tmp} of the
   * earlier naming, which had no process id, for this target only.
   */
  private static void removeLeftovers(Path dir, String target) throws IOException {
    Pattern legacy = Pattern.compile(Pattern.quote("." + target) + "\\.[0-9a-f]{1,16}\\.tmp");
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        Matcher m = TEMP_NAME.matcher(name);
        boolean dead =
            m.matches()
                && ProcessHandle.current().pid() != Long.parseLong(m.group(1))
                && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty();
        if (dead || legacy.matcher(name).matches()) {
          stale.add(p);
        }
      }
    } catch (NoSuchFileException | NumberFormatException e) {
      return; // a new folder holds none; a pid too long for a long is not one of ours
    }
    for (Path p : stale) {
      Files.deleteIfExists(p);
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

  /** A UTF-8 writer of the temporary file; close it, then {@link #commit()} or {@link #abort()}. */
  public Writer writer() {
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
