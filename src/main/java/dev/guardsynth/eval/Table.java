package dev.guardsynth.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * A gold or predictions file read as rows of named cells, so that JSONL and CSV files are handled
 * by one code path. Every cell knows its location: {@code file:line:column: key 'label'} for JSONL
 * (the column of the value), {@code file:line: column 'label' (field 3)} for CSV.
 */
final class Table {
  private Table() {}

  /** One cell's text and where it is, for messages. */
  record Cell(String value, String where) {}

  /**
   * One record.
   *
   * @param json the whole object for a JSONL row (chat records nest their text), null for CSV
   * @param columns the names a record could have had, for "no column" messages
   */
  record Row(
      String file, int line, Map<String, Cell> cells, ObjectNode json, List<String> columns) {
    String where() {
      return file + ":" + line;
    }

    /** The cell in {@code column}, or null when the record has no such column or it is empty. */
    Cell cell(String column) {
      Cell c = cells.get(column);
      return c == null || c.value().isBlank() ? null : c;
    }

    /** The cell in {@code column}; an error naming the flag that picks another column if absent. */
    Cell require(String column, String flag) {
      Cell c = cell(column);
      if (c != null) {
        return c;
      }
      if (cells.containsKey(column)) {
        throw new InputException(cells.get(column).where() + ": is empty; every record needs one");
      }
      String kind = json == null ? "column" : "key";
      throw new InputException(
          where()
              + ": no "
              + kind
              + " '"
              + column
              + "' (this record has: "
              + String.join(", ", columns)
              + "); name the right one with "
              + flag);
    }
  }

  /** Reads {@code file}; see {@link #parse}. */
  static List<Row> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": no such file; check the path");
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(file.toString(), decode(file.toString(), bytes));
  }

  /** Strict UTF-8: a file in another encoding fails here instead of yielding mangled questions. */
  static String decode(String name, byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      // Spreadsheet programs start CSV exports with a byte order mark.
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new InputException(name + ": not UTF-8 text; save it as UTF-8 and try again");
    }
  }

  /**
   * Parses {@code text} as JSONL or CSV. The name's extension decides ({@code .csv}, {@code .tsv},
   * {@code .jsonl}, {@code .json}, {@code .ndjson}); otherwise a first character of <code>{</code>
   * means JSONL.
   */
  static List<Row> parse(String name, String text) {
    if (text.isBlank()) {
      throw new InputException(name + ": the file is empty; it needs one record per line");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return parseCsv(name, text, ',');
    }
    if (lower.endsWith(".tsv")) {
      return parseCsv(name, text, '\t');
    }
    if (lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".ndjson")) {
      return parseJsonl(name, text);
    }
    return text.strip().startsWith("{") ? parseJsonl(name, text) : parseCsv(name, text, ',');
  }

  private static List<Row> parseJsonl(String name, String text) {
    List<Row> rows = new ArrayList<>();
    String[] lines = text.split("\r?\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        rows.add(parseJsonLine(name, i + 1, lines[i]));
      }
    }
    return rows;
  }

  /**
   * Reads one object with a streaming parser rather than {@code readTree}, because only the parser
   * knows the column where each value starts, and messages should point at the bad value.
   */
  private static Row parseJsonLine(String name, int line, String text) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    Map<String, Cell> cells = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    try (JsonParser p = Json.MAPPER.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InputException(
            name + ":" + line + ":1: not a JSON object; each line must be one object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        int column = p.currentTokenLocation().getColumnNr();
        JsonNode value = Json.MAPPER.readTree(p);
        json.set(key, value);
        keys.add(key);
        if (!value.isNull()) {
          String where = name + ":" + line + ":" + column + ": key '" + key + "'";
          cells.put(key, new Cell(value.isValueNode() ? value.asText() : value.toString(), where));
        }
      }
      if (p.nextToken() != null) {
        throw new InputException(
            name
                + ":"
                + line
                + ":"
                + p.currentTokenLocation().getColumnNr()
                + ": more than one JSON value on the line; each line must be one object");
      }
    } catch (JsonProcessingException e) {
      int column = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getColumnNr());
      throw new InputException(
          name
              + ":"
              + line
              + ":"
              + column
              + ": not valid JSON ("
              + e.getOriginalMessage()
              + "); each line must be one JSON object",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + name, e);
    }
    return new Row(name, line, cells, json, List.copyOf(keys));
  }

  private static List<Row> parseCsv(String name, String text, char delimiter) {
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(delimiter)
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setTrim(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
            .get();
    int[] lineStarts = lineStarts(text);
    List<Row> rows = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
      List<String> header = parser.getHeaderNames();
      for (CSVRecord record : parser) {
        // Commons CSV gives the record's character offset; a quoted field may span lines, so the
        // line a person sees in an editor is the line of that offset.
        int line = lineOf(lineStarts, record.getCharacterPosition());
        if (record.size() != header.size()) {
          throw new InputException(
              name
                  + ":"
                  + line
                  + ": "
                  + record.size()
                  + " fields, but the header has "
                  + header.size()
                  + " ("
                  + String.join(", ", header)
                  + "); quote fields that contain the delimiter or a quote");
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
          String where =
              name + ":" + line + ": column '" + header.get(i) + "' (field " + (i + 1) + ")";
          cells.put(header.get(i), new Cell(record.get(i), where));
        }
        rows.add(new Row(name, line, cells, null, header));
      }
    } catch (IOException | UncheckedIOException e) {
      throw new InputException(csvSyntaxMessage(name, e, lineStarts), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InputException(csvHeaderMessage(name, e), e);
    }
    return rows;
  }

  private static final Pattern CSV_WHERE =
      Pattern.compile("^(.*?)\\s*at line: [\\d,]+, position: ([\\d,]+)$");

  /**
   * Commons CSV ends its message with where it stopped ("... at line: 2, position: 25"), where the
   * position counts characters from the start of the file; turn that into the line and column an
   * editor shows, in front like every other location.
   */
  private static String csvSyntaxMessage(String name, Exception e, int[] lineStarts) {
    Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    String message = String.valueOf(cause.getMessage()).strip();
    Matcher m = CSV_WHERE.matcher(message);
    String where = name;
    if (m.matches()) {
      message = m.group(1);
      long position = Long.parseLong(m.group(2).replace(",", ""));
      int line = lineOf(lineStarts, Math.max(0, position - 1));
      where = name + ":" + line + ":" + (position - lineStarts[line - 1]);
    }
    return where
        + ": not valid CSV ("
        + message
        + "); quote fields that hold commas, quotes or line breaks, and double quotes inside them";
  }

  private static final Pattern DUPLICATE = Pattern.compile("duplicate name: \"(.*?)\"");

  private static String csvHeaderMessage(String name, RuntimeException e) {
    Matcher m = DUPLICATE.matcher(String.valueOf(e.getMessage()));
    return name
        + ":1: "
        + (m.find()
            ? "column '" + m.group(1) + "' appears twice in the header"
            : "bad CSV header (" + e.getMessage() + ")")
        + "; give each column a unique name";
  }

  private static int[] lineStarts(String text) {
    int[] starts = new int[16];
    int count = 0;
    starts[count++] = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean end =
          c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'));
      if (end) {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
        }
        starts[count++] = i + 1;
      }
    }
    return Arrays.copyOf(starts, count);
  }

  /** The 1-based line holding character {@code offset}. */
  private static int lineOf(int[] lineStarts, long offset) {
    int i = Arrays.binarySearch(lineStarts, (int) offset);
    return i >= 0 ? i + 1 : -i - 1;
  }
}
