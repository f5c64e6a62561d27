package dev.guardsynth.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.FileErrors;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * An append-only JSONL file of answered requests, keyed by {@link TeacherRequest#key()}. Used as
 * the run's request journal (so a resumed run never pays for a request twice) and as a replay
 * cassette. Each entry is flushed as it arrives, so a hard kill loses only replies in flight; a
 * last line cut short by such a kill is dropped on reopening.
 *
 * <p>A journal repairs itself on opening: a damaged line (not UTF-8, not an entry, or an entry
 * whose key is not its request's, which cannot be trusted to answer that request) is moved aside to
 * a file beside it, and every intact entry is kept, so what was paid for is not paid again. A
 * cassette replayed is the user's input and is never changed: a damaged line in it is an error
 * naming its line. Thread-safe.
 */
public final class Journal implements Closeable {
  private static final System.Logger LOG = System.getLogger("guardsynth.teacher");

  /** How a file is opened: what it is called in messages, and what a damaged line does. */
  private enum Mode {
    /** The run's journal (or a cassette being recorded): damaged lines are moved aside. */
    REPAIR,
    /** A journal looked at without changing it (the dry run): damaged lines are skipped. */
    READ,
    /** A cassette to answer from: a damaged line is an error. */
    REPLAY
  }

  /**
   * A line of the file that holds no usable entry.
   *
   * @param line its 1-based line number
   * @param reason why, for messages
   */
  public record DamagedLine(int line, String reason) {}

  private final Path file;
  private final String kind; // "journal" or "cassette", for messages
  private final Map<String, TeacherReply> replies = new ConcurrentHashMap<>();
  private final Set<String> batchKeys = ConcurrentHashMap.newKeySet();
  private final List<DamagedLine> damaged = new ArrayList<>();
  private int cutShortLine; // the line a kill cut short, 0 when the file ends cleanly
  private BufferedWriter out; // opened on first append

  private Journal(Path file, String kind) {
    this.file = file;
    this.kind = kind;
  }

  /**
   * Opens the request journal {@code file}, loading its entries and moving damaged lines aside; a
   * missing file is an empty journal.
   */
  public static Journal open(Path file) {
    return open(file, "journal", Mode.REPAIR);
  }

  /** Opens a cassette to record into: like {@link #open}, but messages call it a cassette. */
  public static Journal record(Path file) {
    return open(file, "cassette", Mode.REPAIR);
  }

  /**
   * Reads the journal {@code file} without changing it: damaged lines are skipped and listed in
   * {@link #damaged()}. For looking, not appending.
   */
  public static Journal read(Path file) {
    return open(file, "journal", Mode.READ);
  }

  /**
   * Reads the cassette {@code file} to answer from, without changing it; a damaged line is an
   * {@link InputException} naming the file and the line.
   */
  public static Journal replay(Path file) {
    return open(file, "cassette", Mode.REPLAY);
  }

  private static Journal open(Path file, String kind, Mode mode) {
    Journal journal = new Journal(file, kind);
    if (Files.exists(file)) {
      journal.load(mode);
    }
    return journal;
  }

  private void load(Mode mode) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the " + kind + ": " + FileErrors.reason(e), e);
    }
    // Find the cut in bytes, not characters: a hard kill can land inside a multi-byte character
    // (Korean replies are), and the cut-short line would not even decode.
    int complete = bytes.length;
    while (complete > 0 && bytes[complete - 1] != '\n') {
      complete--;
    }
    ByteArrayOutputStream intact = new ByteArrayOutputStream(complete);
    ByteArrayOutputStream aside = new ByteArrayOutputStream();
    int line = 0;
    for (int start = 0; start < complete; ) {
      int end = start;
      while (bytes[end] != '\n') {
        end++;
      }
      line++;
      String reason = parse(bytes, start, end);
      if (reason == null) {
        intact.write(bytes, start, end + 1 - start);
      } else if (mode == Mode.REPLAY) {
        throw new InputException(
            file
                + ":"
                + line
                + ": "
                + reason
                + "; this cassette cannot be replayed as it is: record it again with --record"
                + " against a live teacher, or delete the line (its request then has no reply)");
      } else {
        damaged.add(new DamagedLine(line, reason));
        aside.write(bytes, start, end + 1 - start);
      }
      start = end + 1;
    }
    if (complete < bytes.length) {
      cutShortLine = line + 1;
    }
    if (mode != Mode.REPAIR) {
      return;
    }
    if (!damaged.isEmpty()) {
      repair(bytes, intact.toByteArray(), aside.toByteArray());
    } else if (complete < bytes.length) {
      // A line cut short by a hard kill: drop it, so the next append starts on a line of its own.
      // Its request is simply sent again.
      truncate(complete);
    }
  }

  /**
   * Reads one line into the maps; returns null when it is an intact entry, else why it is not. An
   * entry whose key is not its own request's key is not trusted: it would answer another request.
   */
  private String parse(byte[] bytes, int start, int end) {
    String line;
    try {
      line =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(bytes, start, end - start))
              .toString();
    } catch (CharacterCodingException e) {
      return "not valid UTF-8";
    }
    if (line.isBlank()) {
      return null;
    }
    JournalEntry entry;
    try {
      entry = Json.LENIENT.readValue(line, JournalEntry.class);
    } catch (JsonProcessingException e) {
      return "not a " + kind + " entry (" + e.getOriginalMessage() + ")";
    }
    if (entry == null || entry.key() == null || entry.request() == null || entry.reply() == null) {
      return "not a " + kind + " entry (it needs key, request and reply)";
    }
    if (!entry.key().equals(entry.request().key())) {
      return "an entry whose key " + entry.key() + " is not its request's";
    }
    replies.put(entry.key(), entry.reply());
    if (entry.viaBatch()) {
      batchKeys.add(entry.key());
    }
    return null;
  }

  /**
   * Moves the damaged lines aside and keeps the intact ones, in two atomic steps: the aside file
   * first, then the journal. A kill between them leaves the old journal, which the next opening
   * repairs again into the same aside file (its name comes from the old journal's content), so a
   * line is never lost and never set aside twice.
   */
  private void repair(byte[] old, byte[] intact, byte[] damagedLines) {
    Path asideFile =
        file.resolveSibling(file.getFileName() + ".damaged-" + Ids.sha256Hex(old).substring(0, 12));
    AtomicFile.writeBytes(asideFile, damagedLines);
    AtomicFile.writeBytes(file, intact);
    LOG.log(
        System.Logger.Level.WARNING,
        "{0}: {1} damaged line(s) moved aside to {2}: {3}; every other entry ({4}) is kept, and"
            + " only the requests of the lines set aside are sent again",
        file,
        damaged.size(),
        asideFile,
        damaged.stream()
            .map(d -> "line " + d.line() + ", " + d.reason())
            .collect(Collectors.joining("; ")),
        replies.size());
  }

  /** The lines that held no usable entry ({@link #read} skips them; opening moves them aside). */
  public List<DamagedLine> damaged() {
    return List.copyOf(damaged);
  }

  /**
   * The line a hard kill cut short (the file does not end with a newline), or 0; a replayed
   * cassette cut short lacks the replies recorded after it.
   */
  public int cutShortLine() {
    return cutShortLine;
  }

  private void truncate(long size) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    } catch (IOException e) {
      throw new UncheckedIOException("dropping the cut-short last line of " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  public Optional<TeacherReply> find(String key) {
    return Optional.ofNullable(replies.get(key));
  }

  public int size() {
    return replies.size();
  }

  /** Calls {@code action} with every reply and whether it came through the Batch API. */
  public void forEachReply(BiConsumer<TeacherReply, Boolean> action) {
    replies.forEach((key, reply) -> action.accept(reply, batchKeys.contains(key)));
  }

  /** Appends and flushes one entry. */
  public void append(TeacherRequest request, TeacherReply reply) {
    append(request, reply, false);
  }

  /**
   * Appends and flushes one entry; {@code batch} marks a reply from the Batch API, billed at the
   * batch price.
   */
  public synchronized void append(TeacherRequest request, TeacherReply reply, boolean batch) {
    String key = request.key();
    try {
      if (out == null) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        out =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      out.write(Json.write(new JournalEntry(key, request, reply, batch ? true : null)));
      out.write('\n');
      out.flush();
      replies.put(key, reply);
      if (batch) {
        batchKeys.add(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("appending to " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing " + file, e);
      }
      out = null;
    }
  }
}
