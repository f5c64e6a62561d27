package dev.guardsynth.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.BufferedWriter;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * An append-only JSONL file of answered requests, keyed by {@link TeacherRequest#key()}. Used as
 * the run's request journal (so a resumed run never pays for a request twice) and as a replay
 * cassette. Each entry is flushed as it arrives, so a hard kill loses only replies in flight; a
 * last line cut short by such a kill is dropped on reopening. Thread-safe.
 */
public final class Journal implements Closeable {
  private final Path file;
  private final Map<String, TeacherReply> replies = new ConcurrentHashMap<>();
  private final Set<String> batchKeys = ConcurrentHashMap.newKeySet();
  private BufferedWriter out; // opened on first append

  private Journal(Path file) {
    this.file = file;
  }

  /** Opens {@code file}, loading its entries; a missing file is an empty journal. */
  public static Journal open(Path file) {
    Journal journal = new Journal(file);
    if (Files.exists(file)) {
      journal.load();
    }
    return journal;
  }

  private void load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the journal: " + e.getMessage(), e);
    }
    // Find the cut in bytes, not characters: a hard kill can land inside a multi-byte character
    // (Korean replies are), and the cut-short line would not even decode.
    int complete = bytes.length;
    while (complete > 0 && bytes[complete - 1] != '\n') {
      complete--;
    }
    if (complete < bytes.length) {
      // A line cut short by a hard kill: drop it, so the next append starts on a line of its own.
      // Its request is simply sent again.
      truncate(complete);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(bytes, 0, complete))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InputException(
          file + ": the journal is not valid UTF-8; restore the file or delete it to start over");
    }
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        JournalEntry entry = Json.LENIENT.readValue(line, JournalEntry.class);
        replies.put(entry.key(), entry.reply());
        if (entry.viaBatch()) {
          batchKeys.add(entry.key());
        }
      } catch (JsonProcessingException e) {
        throw new InputException(
            file
                + ":"
                + (i + 1)
                + ": not a journal entry ("
                + e.getOriginalMessage()
                + "); restore the file or delete it to start over");
      }
    }
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
