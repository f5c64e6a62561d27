package dev.guardsynth.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.FileErrors;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps a run folder to one writer at a time: an operating-system lock on {@code run.lock} in the
 * folder, and in that file who holds it (pid, host, start time), so a second run can say whom it is
 * waiting for. The OS releases the lock when its process ends, however it ends; a lock file that
 * still names a holder when the lock is free was left by a process that died, and is taken over
 * with a warning. Close to release. Not thread-safe; one per process and folder.
 */
public final class RunLock implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("guardsynth.run");
  static final String FILE = "run.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Who holds a lock, as its file says. */
  record Holder(long pid, String host, String started) {
    @Override
    public String toString() {
      return "pid " + pid + " on host " + host + ", started " + started;
    }
  }

  /**
   * Takes the lock on {@code folder} (creating the folder), or fails at once.
   *
   * @throws InputException when another process holds it, naming that process
   */
  public static RunLock acquire(Path folder, Clock clock) {
    Path file = folder.resolve(FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(folder);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this very process holds it, through another channel
      }
      Optional<Holder> left = read(channel);
      if (lock == null) {
        throw busy(folder, left);
      }
      if (left.isPresent()) {
        if (isAliveHere(left.get())) {
          // The file system gave the lock although its holder runs here: it does not lock
          // across processes (some network file systems), so trust the file.
          lock.release();
          throw busy(folder, left);
        }
        LOG.log(
            Level.WARNING,
            "{0}: taking over the lock left by {1}, which is no longer running",
            folder,
            left.get());
      }
      Holder me =
          new Holder(
              ProcessHandle.current().pid(),
              hostName(),
              ProcessHandle.current().info().startInstant().orElse(Instant.now(clock)).toString());
      write(channel, Json.write(me) + "\n");
      return new RunLock(channel, lock);
    } catch (AccessDeniedException | FileAlreadyExistsException | NotDirectoryException e) {
      // The folder cannot be written or is not one: a usage problem with its fix, not a failure.
      close(channel);
      throw new InputException(
          file
              + ": cannot take the run's lock ("
              + FileErrors.reason(e)
              + "); make the run folder "
              + folder
              + " a folder you can write, or name the run otherwise (--run-name NAME)",
          e);
    } catch (IOException e) {
      close(channel);
      throw new UncheckedIOException("locking " + file, e);
    } catch (RuntimeException e) {
      close(channel);
      throw e;
    }
  }

  /** Empties the lock file, so the next run finds no holder, and releases the lock. */
  @Override
  public void close() {
    try {
      write(channel, "");
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException("releasing the run lock", e);
    } finally {
      close(channel);
    }
  }

  private static InputException busy(Path folder, Optional<Holder> holder) {
    return new InputException(
        folder
            + " is in use by another guardsynth run ("
            + holder.map(Holder::toString).orElse("a process that has not said who it is yet")
            + "); wait for it to finish, or give this run another folder with --run-name");
  }

  /** Whether the holder is a process on this host that started no later than its lock. */
  private static boolean isAliveHere(Holder holder) {
    if (!holder.host().equals(hostName()) || holder.pid() == ProcessHandle.current().pid()) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(holder.pid());
    if (process.isEmpty() || !process.get().isAlive()) {
      return false;
    }
    // A pid can be reused: a process that started after the lock was taken is someone else.
    Optional<Instant> started = process.get().info().startInstant();
    try {
      return started.isEmpty() || !started.get().isAfter(Instant.parse(holder.started()));
    } catch (RuntimeException unparseable) {
      return true;
    }
  }

  private static Optional<Holder> read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
    channel.read(buffer, 0);
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      return Optional.of(
          new Holder(
              node.path("pid").asLong(),
              node.path("host").asText(),
              node.path("started").asText()));
    } catch (IOException e) {
      return Optional.of(new Holder(-1, "unknown", "unknown (unreadable lock file)"));
    }
  }

  private static void write(FileChannel channel, String text) throws IOException {
    channel.truncate(0);
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    long position = 0;
    while (bytes.hasRemaining()) {
      position += channel.write(bytes, position);
    }
    channel.force(false);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  private static void close(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing the run lock", e);
      }
    }
  }
}
