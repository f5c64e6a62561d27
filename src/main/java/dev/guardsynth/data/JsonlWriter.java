package dev.guardsynth.data;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one JSON object per line. A file target is written to a temporary file beside it and moved
 * into place by {@link #commit()}; closing without a commit deletes the temporary file, so a failed
 * stage never leaves a file that looks complete. A stream target (stdout) is flushed on commit. Not
 * thread-safe.
 */
public final class JsonlWriter implements Closeable {
  private final Writer out;
  private final AtomicFile file; // null for a stream target
  private long count;
  private boolean committed;
  private java.util.function.Consumer<Object> copy = record -> {};

  private JsonlWriter(Writer out, AtomicFile file) {
    this.out = out;
    this.file = file;
  }

  /** Writes to {@code target} atomically on {@link #commit()}. */
  public static JsonlWriter create(Path target) {
    AtomicFile file = AtomicFile.begin(target);
    return new JsonlWriter(file.writer(), file);
  }

  /**
   * Writes to a stream that the caller owns (such as stdout); closing flushes but never closes it.
   */
  public static JsonlWriter to(OutputStream stream) {
    Writer writer =
        new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16) {
          @Override
          public void close() throws IOException {
            flush();
          }
        };
    return new JsonlWriter(writer, null);
  }

  /** Appends one record as a line of JSON. */
  public void write(Object record) {
    writeLine(Json.write(record));
    copy.accept(record);
  }

  /**
   * Also hands every record {@link #write written} to {@code into}, so a caller that needs what a
   * stage wrote has it in memory instead of reading the file back. Returns this writer.
   */
  @SuppressWarnings("unchecked")
  public <T> JsonlWriter copyingInto(java.util.List<T> into) {
    copy = record -> into.add((T) record);
    return this;
  }

  /** Appends a line that is already JSON. */
  public void writeLine(String json) {
    try {
      out.write(json);
      out.write('\n');
      count++;
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + name(), e);
    }
  }

  /** Records written so far. */
  public long count() {
    return count;
  }

  public String name() {
    return file == null ? "<stdout>" : file.target().toString();
  }

  /** Flushes and, for a file, moves it into place. */
  public void commit() {
    try {
      out.flush();
      if (file != null) {
        file.commit();
      }
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + name(), e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing " + name(), e);
    } finally {
      if (file != null && !committed) {
        file.abort();
      }
    }
  }

  /** Writes {@code records} to {@code target} atomically. */
  public static long writeAll(Path target, Iterable<?> records) {
    try (JsonlWriter writer = create(target)) {
      for (Object record : records) {
        writer.write(record);
      }
      writer.commit();
      return writer.count();
    }
  }

  static void createParent(Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
