package dev.guardsynth.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.guardsynth.data.FileErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads YAML files (config, taxonomy, rule sets) into records. Unknown keys and bad values become
 * {@link ConfigException}s of the form {@code file:line:col: key: what is wrong; what is allowed}.
 * Thread-safe.
 */
public final class ConfigLoader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  /** YAML with snake_case keys; unknown keys and nulls for numbers are errors. */
  public static final ObjectMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private ConfigLoader() {}

  /** Loads {@code file} with the process environment for {@code ${VAR}} references. */
  public static GuardsynthConfig load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads a config file: expands {@code ${VAR}} from {@code env}, fills defaults, and resolves the
   * file paths it names against the config file's folder.
   */
  public static GuardsynthConfig load(Path file, Map<String, String> env) {
    GuardsynthConfig raw = read(file, GuardsynthConfig.class, env);
    Path base = file.toAbsolutePath().getParent();
    Function<String, String> resolve =
        p -> p == null ? null : base.resolve(p).normalize().toString();
    TeacherConfig t = raw.teacher();
    DedupConfig d = raw.dedup();
    return raw.toBuilder()
        .teacher(t.toBuilder().cassette(resolve.apply(t.cassette())).build())
        .taxonomy(resolve.apply(raw.taxonomy()))
        .prompts(resolve.apply(raw.prompts()))
        .rules(raw.rules().stream().map(resolve).toList())
        .label(judgeCassettes(raw.label(), resolve))
        .dedup(
            new DedupConfig(
                d.shingle(), d.numPerm(), d.bands(), d.threshold(), resolve.apply(d.index())))
        .export(raw.export().withPrevious(resolve.apply(raw.export().previous())))
        .output(resolve.apply(raw.output()))
        .filters(filters(raw.filters(), base, env))
        .axes(resolve.apply(raw.axes()))
        .build();
  }

  /** The label settings with each judge's cassette (provider {@code replay}) resolved. */
  private static LabelConfig judgeCassettes(LabelConfig label, Function<String, String> resolve) {
    if (!label.hasJury()) {
      return label;
    }
    return new LabelConfig(
        label.judge(),
        label.respond(),
        label.onDisagree(),
        label.judgeTemperature(),
        label.respondTemperature(),
        label.structured(),
        label.batchSize(),
        label.respondBatchSize(),
        label.respondRetries(),
        label.onBadResponse(),
        label.judges().stream()
            .map(j -> j.toBuilder().cassette(resolve.apply(j.cassette())).build())
            .toList(),
        label.vote(),
        label.onSplit(),
        label.conflictThreshold());
  }

  /**
   * The filter settings with their paths resolved: inline ones against the config's folder, or
   * those of the filters file the config names, against that file's folder.
   */
  private static FilterConfig filters(FilterConfig raw, Path base, Map<String, String> env) {
    if (raw.file() == null) {
      return raw.resolved(base, null);
    }
    return readFilters(base.resolve(raw.file()).normalize(), env);
  }

  /** Reads a filters file ({@code rules/filters.yaml}), resolving its paths against its folder. */
  public static FilterConfig readFilters(Path file, Map<String, String> env) {
    FilterConfig filters = read(file, FilterConfig.class, env);
    if (filters.file() != null) {
      throw new ConfigException(
          file + ": a filters file holds the filter keys themselves, not another file name");
    }
    Path absolute = file.toAbsolutePath().normalize();
    return filters.resolved(absolute.getParent(), absolute.toString());
  }

  /**
   * The defaults, used when no config is given: the taxonomy, rules, prompts and filters bundled
   * under {@code bundled} (the installation, or the checkout: both hold {@code rules/} and {@code
   * prompts/}), and run folders under ./output.
   */
  public static GuardsynthConfig defaults(Path bundled) {
    GuardsynthConfig raw = GuardsynthConfig.builder().build();
    Path dir = bundled.toAbsolutePath();
    Path filtersFile = dir.resolve("rules/filters.yaml");
    return raw.toBuilder()
        .taxonomy(dir.resolve(raw.taxonomy()).toString())
        .prompts(dir.resolve(raw.prompts()).toString())
        .rules(raw.rules().stream().map(r -> dir.resolve(r).toString()).toList())
        .output(Path.of(raw.output()).toAbsolutePath().toString())
        .filters(
            Files.isRegularFile(filtersFile) ? readFilters(filtersFile, Map.of()) : raw.filters())
        .build();
  }

  /** Reads a YAML file into {@code type}, turning every problem into a located message. */
  public static <T> T read(Path file, Class<T> type, Map<String, String> env) {
    return read(
        file,
        type,
        env,
        type == GuardsynthConfig.class
            ? "a config holds sections such as teacher, targets and export; see"
                + " examples/demo/guardsynth.yaml or run 'guardsynth init'"
            : "see the files under rules/ for what it holds");
  }

  /**
   * Reads a YAML file into {@code type}; {@code contents} says what the file must hold, for the
   * message when it is empty.
   */
  public static <T> T read(Path file, Class<T> type, Map<String, String> env, String contents) {
    String text = readText(file);
    String expanded = expand(file, text, env);
    if (expanded.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
      throw new ConfigException(file + ": the file is empty; " + contents);
    }
    try {
      T value = YAML.readValue(expanded, type);
      if (value == null) {
        throw new ConfigException(file + ": the file is empty; " + contents);
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      String allowed =
          e.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .sorted()
              .collect(Collectors.joining(", "));
      throw new ConfigException(
          whereKey(file, expanded, e)
              + keyPath(e, e.getPropertyName())
              + ": unknown key; allowed keys: "
              + allowed,
          e);
    } catch (JsonMappingException e) {
      throw new ConfigException(whereValue(file, expanded, e) + describe(e, expanded), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(where(file, e) + "not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The file's text: strictly UTF-8 (a bad byte is an error at its line, never silently replaced),
   * a leading byte order mark dropped.
   */
  private static String readText(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file; check the path (or run 'guardsynth init')");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + FileErrors.reason(e), e);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(in)
              .toString();
    } catch (CharacterCodingException e) {
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new ConfigException(
          file
              + ":"
              + line
              + ": not valid UTF-8: byte 0x"
              + String.format("%02X", bytes[in.position()] & 0xFF)
              + " at byte "
              + (in.position() - lineStart + 1)
              + " of the line; save the file as UTF-8");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Expands {@code ${VAR}} outside comment lines; an unset variable is an error. */
  static String expand(Path file, String text, Map<String, String> env) {
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.stripLeading().startsWith("#")) {
        Matcher m = ENV_REF.matcher(line);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
          String value = env.get(m.group(1));
          if (value == null) {
            throw new ConfigException(
                file
                    + ":"
                    + (i + 1)
                    + ":"
                    + (m.start() + 1)
                    + ": environment variable "
                    + m.group(1)
                    + " is not set; set it or remove the reference");
          }
          m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        line = sb.toString();
      }
      out.append(line);
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  /**
   * Where an unknown key is. Jackson reports where it stopped reading the enclosing record, which
   * can be lines later, so look for the key itself on or before that line.
   */
  private static String whereKey(Path file, String text, UnrecognizedPropertyException e) {
    Pattern key = Pattern.compile("(^|[\\s{,-])" + Pattern.quote(e.getPropertyName()) + "\\s*:");
    String[] lines = text.split("\n", -1);
    int last =
        e.getLocation() == null
            ? lines.length
            : Math.min(lines.length, e.getLocation().getLineNr());
    for (int i = last - 1; i >= 0; i--) {
      Matcher m = key.matcher(lines[i]);
      if (m.find()) {
        return file + ":" + (i + 1) + ":" + (m.end(1) + 1) + ": ";
      }
    }
    return where(file, e);
  }

  /**
   * Where a bad value is. A record's own check fails once Jackson has read the whole record, so
   * Jackson's location is the line after its section (the next section's, or the end of the file);
   * the check's message starts with the key it rejects, so look that key up in the file instead.
   */
  private static String whereValue(Path file, String text, JsonMappingException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof IllegalArgumentException iae && iae.getMessage() != null) {
      Matcher key = CHECKED_KEY.matcher(iae.getMessage());
      if (key.lookingAt()) {
        StringBuilder pointer = new StringBuilder();
        e.getPath()
            .forEach(r ->
                pointer
                    .append('/')
                    .append(r.getFieldName() != null ? r.getFieldName() : r.getIndex()));
        String section = pointer.toString();
        YamlLocations at = YamlLocations.of(file, text);
        String valuePointer = section + "/" + key.group(1).replace('.', '/');
        if (at.has(valuePointer)) {
          return at.at(valuePointer);
        }
      }
    }
    return where(file, e);
  }

  /** The key a record's check names first: {@code unsafe: -5 is not allowed ...}. */
  private static final Pattern CHECKED_KEY =
      Pattern.compile("([a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)*):");

  private static String where(Path file, JsonProcessingException e) {
    JsonLocation loc = location(e);
    if (loc == null || loc.getLineNr() < 1) {
      return file + ": ";
    }
    return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
  }

  private static JsonLocation location(JsonProcessingException e) {
    // The token's start (the value next to the key) reads better than where the parser stopped.
    return e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p
            && p.currentTokenLocation() != null
            && p.currentTokenLocation().getLineNr() > 0
        ? p.currentTokenLocation()
        : e.getLocation();
  }

  /** The YAML value written at {@code loc}, as the user typed it, for a message. */
  private static String valueAt(String text, JsonLocation loc) {
    String[] lines = text.split("\n", -1);
    if (loc == null || loc.getLineNr() < 1 || loc.getLineNr() > lines.length) {
      return "the value";
    }
    String line = lines[loc.getLineNr() - 1];
    String value = line.substring(Math.min(line.length(), Math.max(0, loc.getColumnNr() - 1)));
    int comment = value.indexOf(" #");
    value = (comment < 0 ? value : value.substring(0, comment)).strip();
    if (value.isEmpty()) {
      return "the value";
    }
    return value.startsWith("[") || value.startsWith("- ")
        ? "a list"
        : value.startsWith("{") ? "a section" : "\"" + value.replaceAll("^[\"']|[\"']$", "") + "\"";
  }

  private static String keyPath(JsonMappingException e, String last) {
    List<String> parts =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.toList());
    if (last != null && !parts.isEmpty() && parts.get(parts.size() - 1).equals(last)) {
      parts.remove(parts.size() - 1);
    }
    String prefix = String.join(".", parts).replace(".[", "[");
    return last == null ? prefix : (prefix.isEmpty() ? last : prefix + "." + last);
  }

  private static String describe(JsonMappingException e, String text) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String path = keyPath(e, null);
    if (root instanceof IllegalArgumentException iae && iae.getMessage() != null) {
      // Our own validation messages start with the key inside the section; an enum's own check
      // names its key too, which the path then already ends with.
      String message = iae.getMessage();
      String last = path.substring(path.lastIndexOf('.') + 1).replaceFirst("\\[\\d+]$", "");
      if (!last.isEmpty() && message.startsWith(last + ":")) {
        return path + message.substring(last.length()); // export.tasks[1]: 'x' is not allowed
      }
      return (path.isEmpty() ? "" : path + ".") + message;
    }
    String wrongType = wrongType(e, text);
    if (wrongType != null) {
      return (path.isEmpty() ? "" : path + ": ") + wrongType;
    }
    String why =
        root instanceof JsonProcessingException p ? p.getOriginalMessage() : root.getMessage();
    return (path.isEmpty() ? "" : path + ": ") + firstLine(why);
  }

  /**
   * A value of the wrong type, said in the user's terms ({@code "ten" is not a whole number})
   * rather than Jackson's ({@code Cannot deserialize value of type java.lang.Integer}); null when
   * {@code e} is about something else.
   */
  private static String wrongType(JsonMappingException e, String text) {
    if (!(e instanceof MismatchedInputException m) || m.getTargetType() == null) {
      return null;
    }
    Class<?> target = m.getTargetType();
    String wanted;
    if (target == Integer.class
        || target == int.class
        || target == Long.class
        || target == long.class
        || target == Short.class
        || target == short.class) {
      wanted = "a whole number";
    } else if (target == Double.class
        || target == double.class
        || target == Float.class
        || target == float.class) {
      wanted = "a number";
    } else if (target == Boolean.class || target == boolean.class) {
      wanted = "true or false";
    } else if (Collection.class.isAssignableFrom(target) || target.isArray()) {
      wanted = "a list (such as [a, b])";
    } else if (Map.class.isAssignableFrom(target) || target.isRecord()) {
      wanted = "a section of keys (key: value on the lines below, indented)";
    } else if (target == String.class) {
      wanted = "text";
    } else {
      return null;
    }
    String given;
    if (m instanceof InvalidFormatException f && f.getValue() != null) {
      given = f.getValue() instanceof String str ? "\"" + str + "\"" : String.valueOf(f.getValue());
    } else if (m.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p
        && p.currentToken() != null) {
      given =
          switch (p.currentToken()) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a section";
            case VALUE_STRING -> "\"" + text(p) + "\"";
            default -> text(p);
          };
    } else {
      given = valueAt(text, location(e));
    }
    return given + " is not " + wanted;
  }

  private static String text(com.fasterxml.jackson.core.JsonParser p) {
    try {
      return p.getText();
    } catch (IOException e) {
      return "the value";
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "bad value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
