package dev.guardsynth.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key and list item of a YAML file starts, by JSON pointer ({@code /axes/1/values/5}),
 * so that checks made after the file is read can still point at a line. Jackson reports a record's
 * own checks where it stopped reading the record, which in block YAML is the line of the next item;
 * this walks the tokens once and keeps where each one began. Immutable.
 */
public final class YamlLocations {
  private final Path file;
  private final Map<String, JsonLocation> starts;

  private YamlLocations(Path file, Map<String, JsonLocation> starts) {
    this.file = file;
    this.starts = starts;
  }

  /**
   * The locations in {@code text}, the contents of {@code file}; none when it cannot be parsed
   * (reading it into records has then failed already, with its own located message).
   */
  public static YamlLocations of(Path file, String text) {
    Map<String, JsonLocation> starts = new HashMap<>();
    try (JsonParser p = ConfigLoader.YAML.getFactory().createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        // A container's own context is entered with its start token; its pointer is its parent's.
        boolean start = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
        JsonStreamContext context =
            start ? p.getParsingContext().getParent() : p.getParsingContext();
        starts.putIfAbsent(context.pathAsPointer().toString(), p.currentTokenLocation());
      }
    } catch (IOException e) {
      return new YamlLocations(file, Map.of());
    }
    return new YamlLocations(file, starts);
  }

  /** Whether the file has a key or list item at {@code pointer}. */
  public boolean has(String pointer) {
    JsonLocation loc = starts.get(pointer);
    return loc != null && loc.getLineNr() > 0;
  }

  /**
   * {@code file:line:col: } for the first of {@code pointers} the file has (the most precise
   * first), or {@code file: } when it has none of them.
   */
  public String at(String... pointers) {
    for (String pointer : pointers) {
      JsonLocation loc = starts.get(pointer);
      if (loc != null && loc.getLineNr() > 0) {
        return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
      }
    }
    return file + ": ";
  }
}
