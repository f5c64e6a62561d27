package dev.guardsynth.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads one JSON object per line into records of type {@code T}, lazily, so a file of millions of
 * lines never sits in memory. Blank lines and a leading byte order mark are skipped. Every problem
 * is an {@link InputException} naming the file and line (and column where JSON gives one): a line
 * that is not JSON or does not fit {@code T}; bytes that are not UTF-8 (never silently replaced:
 * the question's id would no longer match its text); a file holding one JSON array; and, for
 * records with an {@code id} and a {@code text} (questions), an id seen before with a different
 * text, which only a hand edit produces. Not thread-safe.
 */
public final class JsonlReader<T> implements Closeable, Iterable<T> {
  private final String name;
  private final InputStream in;
  private final Class<T> type;
  private final ObjectMapper mapper;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final QuestionIds ids;
  private final byte[] chunk = new byte[1 << 16]; // bytes read ahead of the current line
  private int chunkStart;
  private int chunkEnd;
  private byte[] buffer = new byte[1 << 12]; // the current line
  private long lineNumber;
  private String line;
  private boolean seenRecord;

  private JsonlReader(String name, InputStream in, Class<T> type, ObjectMapper mapper) {
    this.name = name;
    this.in = in;
    this.type = type;
    this.mapper = mapper;
    this.ids = QuestionIds.of(type);
  }

  /** Opens {@code path}; extra keys on a line are ignored so records can carry more fields. */
  public static <T> JsonlReader<T> open(Path path, Class<T> type) {
    try {
      return new JsonlReader<>(path.toString(), Files.newInputStream(path), type, Json.LENIENT);
    } catch (NoSuchFileException e) {
      throw new InputException(path + ": no such file; check the path");
    } catch (IOException e) {
      throw new InputException(path + ": cannot read: " + FileErrors.reason(e), e);
    }
  }

  /** Reads from a stream (such as stdin), naming it {@code name} in errors. */
  public static <T> JsonlReader<T> open(String name, InputStream in, Class<T> type) {
    return new JsonlReader<>(name, in, type, Json.LENIENT);
  }

  /** The file or stream name used in error messages. */
  public String name() {
    return name;
  }

  /** The number of the line last read, starting at 1. */
  public long lineNumber() {
    return lineNumber;
  }

  /**
   * The text of the line {@link #read()} last parsed, without its line break: lets a filter stage
   * copy kept records through unchanged, keys it does not know included.
   */
  public String line() {
    return line;
  }

  /** The next record, or {@code null} at the end of the input. */
  public T read() {
    try {
      String line;
      do {
        line = readLine();
        if (line == null) {
          return null;
        }
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte order mark, as some editors on Windows write
        }
      } while (line.isBlank());
      this.line = line;
      if (!seenRecord && line.stripLeading().startsWith("[")) {
        throw new InputException(
            name
                + " is a JSON array; guardsynth reads JSONL, one object per line (jq -c '.[]'"
                + " converts it)");
      }
      seenRecord = true;
      T record = parse(line);
      ids.check(record, name, lineNumber);
      return record;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + name + " at line " + (lineNumber + 1), e);
    }
  }

  /** The next line, decoded strictly as UTF-8, without its line break; null at the end. */
  private String readLine() throws IOException {
    int length = 0;
    boolean ended = false;
    while (!ended) {
      if (chunkStart == chunkEnd) {
        int n = in.read(chunk);
        if (n < 0) {
          if (length == 0) {
            return null;
          }
          break;
        }
        chunkStart = 0;
        chunkEnd = n;
      }
      int end = chunkStart;
      while (end < chunkEnd && chunk[end] != '\n') {
        end++;
      }
      int n = end - chunkStart;
      if (length + n > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
      }
      System.arraycopy(chunk, chunkStart, buffer, length, n);
      length += n;
      ended = end < chunkEnd;
      chunkStart = ended ? end + 1 : end;
    }
    lineNumber++;
    if (length > 0 && buffer[length - 1] == '\r') {
      length--;
    }
    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
    try {
      return decoder.reset().decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new InputException(
          name
              + ":"
              + lineNumber
              + ": not valid UTF-8: byte 0x"
              + String.format("%02X", buffer[bytes.position()] & 0xFF)
              + " at byte "
              + (bytes.position() + 1)
              + " of the line; save the file as UTF-8");
    }
  }

  private T parse(String line) {
    try {
      return mapper.readValue(line, type);
    } catch (UnrecognizedPropertyException e) {
      throw new InputException(
          where(e)
              + "unknown key '"
              + e.getPropertyName()
              + "'; allowed keys: "
              + e.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      throw new InputException(
          where(e) + describe(e) + "; each line must be a " + recordName() + " record", e);
    } catch (JsonProcessingException e) {
      throw new InputException(
          where(e)
              + "not valid JSON ("
              + e.getOriginalMessage()
              + "); each line must be one JSON object",
          e);
    }
  }

  private String where(JsonProcessingException e) {
    int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
    return name + ":" + lineNumber + ":" + (column > 0 ? column + ":" : "") + " ";
  }

  private static String describe(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why =
        root instanceof JsonProcessingException p ? p.getOriginalMessage() : root.getMessage();
    if (why != null && why.contains("\"text\"") && why.contains("null")) {
      why = "missing 'text'";
    } else if (root instanceof NullPointerException && why != null && why.matches("[a-z_]+")) {
      // Records reject a missing required key with requireNonNull(value, "key").
      why = "missing '" + why + "'";
    }
    return (path.isEmpty() ? "" : "key '" + path + "': ") + why;
  }

  private String recordName() {
    return type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  /** All remaining records as a lazy stream; closing the stream closes this reader. */
  public Stream<T> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T next = read();

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public T next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        T current = next;
        next = read();
        return current;
      }
    };
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing " + name, e);
    }
  }
}
