package dev.guardsynth.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An append-only JSONL file of answered requests, keyed by {@link TeacherRequest#key()}. Used as
 * the run's request journal (so a resumed run never pays for a request twice) and as a replay
 * cassette. Each entry is flushed as it arrives, so a hard kill loses only replies in flight; a
 * last line cut short by such a kill is ignored on reopening. Thread-safe.
 */
public final class Journal implements Closeable {
  private final Path file;
  private final Map<String, TeacherReply> replies = new ConcurrentHashMap<>();
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
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read the journal: " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        JournalEntry entry = Json.LENIENT.readValue(line, JournalEntry.class);
        replies.put(entry.key(), entry.reply());
      } catch (JsonProcessingException e) {
        if (i == lines.size() - 1) {
          continue; // A line cut short by a hard kill: its request is simply sent again.
        }
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

  public Path file() {
    return file;
  }

  public Optional<TeacherReply> find(String key) {
    return Optional.ofNullable(replies.get(key));
  }

  public int size() {
    return replies.size();
  }

  /** Appends and flushes one entry. */
  public synchronized void append(TeacherRequest request, TeacherReply reply) {
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
      out.write(Json.write(new JournalEntry(key, request, reply)));
      out.write('\n');
      out.flush();
      replies.put(key, reply);
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
