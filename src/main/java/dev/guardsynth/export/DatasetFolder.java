package dev.guardsynth.export;

import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces a dataset folder as a whole, so that a kill at any moment leaves the previous dataset or
 * the new one, each complete and matching its {@code manifest.json}, never files of two exports.
 *
 * <p>A POSIX rename cannot replace a non-empty folder, and Java has no portable "exchange two
 * folders" (Linux's {@code renameat2(RENAME_EXCHANGE)} is out of reach without native code). So the
 * swap is two renames guarded by a marker file, for {@code DIR}:
 *
 * <ol>
 *   <li>finish or discard any earlier swap (see {@link #recover});
 *   <li>write the new dataset into the sibling {@code .DIR.new-<pid>-<random>} and flush it to
 *       disk;
 *   <li>write the marker {@code .DIR.swap} (atomically) naming that folder and {@code
 *       .DIR.old-<pid>-<random>}: from here on the new dataset is complete and the swap only rolls
 *       forward;
 *   <li>rename {@code DIR} to the old name, then the new folder to {@code DIR};
 *   <li>delete the marker, then the old folder.
 * </ol>
 *
 * A kill before step 3 leaves {@code DIR} untouched and a staging folder that the next export
 * deletes; after it, the next export completes the renames from the marker. Readers see the old
 * folder, the new one, or, only between the two renames of step 4 (two system calls), no folder:
 * never a mix. A symlink flipped with one rename would close even that gap, but {@code DIR} would
 * then be a link ({@code cp -r}, {@code tar} and {@code git add} copy the link, not the data), need
 * privileges on Windows, and an existing real folder would still need this protocol once to become
 * one; so a real folder it stays.
 *
 * <p>The folder belongs to the export: an existing {@code DIR} may only hold files an export
 * writes, so no other file is ever deleted with it. Two exports into the same folder at the same
 * time are not supported ({@code run} holds a lock on its run folder). Not thread-safe.
 */
final class DatasetFolder {
  /** Files an export writes; an existing folder holding anything else is not replaced. */
  private static final Pattern EXPORT_FILE =
      Pattern.compile(
          "(train|validation|test)\\.(jsonl|csv)|README\\.md|stats\\.json|manifest\\.json"
              + "|questions\\.jsonl");

  /** A task's folder of split files ({@code detect/train.jsonl}). */
  private static final Pattern TASK_FOLDER = Pattern.compile("detect|respond");

  private static final Pattern SPLIT_FILE =
      Pattern.compile("(train|validation|test)\\.(jsonl|csv)");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final Path parent;
  private final String name;

  private DatasetFolder(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.parent = this.dir.getParent();
    this.name = this.dir.getFileName().toString();
  }

  static DatasetFolder of(Path dir) {
    return new DatasetFolder(dir);
  }

  Path marker() {
    return parent.resolve("." + name + ".swap");
  }

  /**
   * Writes a new dataset with {@code write} (given an empty folder to fill) and swaps it in for
   * {@code DIR}. When {@code write} throws, {@code DIR} is left as it was.
   */
  void replace(Consumer<Path> write) {
    recover();
    checkReplaceable();
    String suffix = ProcessHandle.current().pid() + "-" + Long.toHexString(RANDOM.nextLong());
    Path staging = parent.resolve("." + name + ".new-" + suffix);
    Path old = parent.resolve("." + name + ".old-" + suffix);
    try {
      Files.createDirectories(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + staging, e);
    }
    try {
      write.accept(staging);
      syncFiles(staging);
    } catch (RuntimeException | Error e) {
      deleteTree(staging);
      throw e;
    }
    AtomicFile.writeString(
        marker(),
        Json.write(
            Map.of("new", staging.getFileName().toString(), "old", old.getFileName().toString())));
    finish(staging, old);
  }

  /**
   * Finishes a swap that a killed export left half done (its marker is present), or discards what
   * it left before its new dataset was complete (staging folders of processes no longer running,
   * old folders no longer needed). Afterwards {@code DIR} is the newest complete dataset, or absent
   * if there never was one.
   */
  void recover() {
    Path marker = marker();
    if (Files.exists(marker)) {
      Map<?, ?> names;
      try {
        names = Json.LENIENT.readValue(Files.readString(marker, StandardCharsets.UTF_8), Map.class);
      } catch (IOException e) {
        throw new InputException(
            marker
                + ": cannot read this record of an unfinished dataset swap ("
                + e.getMessage()
                + "); compare "
                + dir
                + " with the .new-/.old- folders beside it, keep the complete one as "
                + dir
                + " and delete the marker");
      }
      finish(
          parent.resolve(String.valueOf(names.get("new"))),
          parent.resolve(String.valueOf(names.get("old"))));
    }
    for (Path leftover : leftovers()) {
      deleteTree(leftover);
    }
  }

  /** Steps 4 and 5, from wherever a killed process stopped in them. */
  private void finish(Path staging, Path old) {
    try {
      if (Files.isDirectory(staging)) {
        if (Files.exists(dir)) {
          Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      } else if (!Files.exists(dir) && Files.isDirectory(old)) {
        // Only possible if someone removed the new folder by hand: put the old one back.
        Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.deleteIfExists(marker());
    } catch (IOException e) {
      throw new UncheckedIOException("replacing " + dir + " with " + staging.getFileName(), e);
    }
    deleteTree(old);
  }

  /** Staging and old folders beside {@code DIR} whose process is no longer running. */
  private List<Path> leftovers() {
    Pattern own = Pattern.compile(Pattern.quote("." + name) + "\\.(new|old)-(\\d+)-[0-9a-f]+");
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, "." + name + ".*")) {
      for (Path p : entries) {
        Matcher m = own.matcher(p.getFileName().toString());
        if (m.matches() && !isRunning(Long.parseLong(m.group(2)))) {
          out.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + parent, e);
    }
    return out;
  }

  private static boolean isRunning(long pid) {
    return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).isPresent();
  }

  /**
   * The questions of the dataset now in {@code DIR}, from its {@code stats.json}: 0 if there is
   * none, -1 if it has a manifest but its stats cannot be read.
   */
  long questions() {
    Path stats = dir.resolve("stats.json");
    if (!Files.isRegularFile(stats)) {
      return 0;
    }
    try {
      return Json.LENIENT.readTree(stats.toFile()).path("questions").asLong();
    } catch (IOException e) {
      // A folder whose stats cannot be read still holds whatever its split files hold.
      return Files.exists(dir.resolve("manifest.json")) ? -1 : 0;
    }
  }

  /** Refuses to replace a folder that holds files an export did not write. */
  private void checkReplaceable() {
    if (!Files.isDirectory(dir)) {
      if (Files.exists(dir)) {
        throw new InputException(dir + " is a file, not a folder; choose a folder for the dataset");
      }
      return;
    }
    Set<String> foreign = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String file = p.getFileName().toString();
        if (TASK_FOLDER.matcher(file).matches() && Files.isDirectory(p)) {
          try (DirectoryStream<Path> splits = Files.newDirectoryStream(p)) {
            for (Path split : splits) {
              if (!isExported(split, SPLIT_FILE)) {
                foreign.add(file + "/" + split.getFileName());
              }
            }
          }
        } else if (!isExported(p, EXPORT_FILE)) {
          foreign.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir, e);
    }
    if (!foreign.isEmpty()) {
      throw new InputException(
          dir
              + " holds files an export does not write ("
              + String.join(", ", foreign)
              + "); an export replaces the whole folder, so move them out or choose another"
              + " folder");
    }
  }

  private static boolean isExported(Path p, Pattern names) {
    String file = p.getFileName().toString();
    boolean temp = file.startsWith(".") && file.endsWith(".tmp");
    return temp || (names.matcher(file).matches() && Files.isRegularFile(p));
  }

  /** Flushes every file of the new dataset to disk before the marker declares it complete. */
  private static void syncFiles(Path folder) {
    try (java.util.stream.Stream<Path> entries = Files.walk(folder)) {
      for (Path p : entries.toList()) {
        if (Files.isRegularFile(p)) {
          try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("flushing " + folder + " to disk", e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + root, e);
    }
  }
}
