package dev.guardsynth.prompt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.YamlLocations;
import dev.guardsynth.data.Label;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The diversity axes of {@code rules/axes.yaml}: who asks (persona), how (style), how long, and for
 * safe questions which kind of hard negative; with a share of prompts wrapped in an adversarial
 * tactic. The planner gives every generation prompt one value per axis and renders the values'
 * instructions into it. A value may apply to some languages only ({@code languages: [ko]}: 존댓말 is a
 * Korean register) and may carry its instruction per language; a prompt in language L takes only
 * values that apply to L ({@link #forCell}). User-editable data, checked here. Immutable.
 */
public record Axes(List<Axis> axes) {
  /** The value an axis with a {@code share} takes on the prompts outside that share. */
  public static final String NONE = "none";

  /** The axis every category's subtopics form; its values come from the taxonomy. */
  public static final String SUBTOPIC = "subtopic";

  /** The language whose instruction line stands in for a language without its own. */
  public static final String FALLBACK_LANGUAGE = "en";

  /** Ids an axis may not take: the subtopic axis and the columns of exported records. */
  private static final Set<String> RESERVED =
      Set.of(SUBTOPIC, "id", "text", "label", "category", "language", "split", "response", "axes");

  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  /** ISO 639-1 codes, the form rule sets give their {@code language} in. */
  private static final Set<String> LANGUAGE_CODES = Set.of(Locale.getISOLanguages());

  public Axes {
    axes = axes == null ? List.of() : List.copyOf(axes);
  }

  /** No axes besides the subtopics. */
  public static Axes none() {
    return new Axes(List.of());
  }

  /**
   * The config's axes: the file {@code axes} names, or else {@code axes.yaml} beside the taxonomy
   * when there is one (configs written before axes existed keep working), or else none.
   */
  public static Axes of(GuardsynthConfig config) {
    if (config.axes() != null) {
      return read(Path.of(config.axes()));
    }
    Path beside = Path.of(config.taxonomy()).resolveSibling("axes.yaml");
    return Files.isRegularFile(beside) ? read(beside) : none();
  }

  /**
   * Reads and checks an axes file. Errors start with {@code file:line:col:} and name the axis and
   * value, and the fix: ids are unique snake_case, every axis has at least two values (one, with a
   * share), each value an English name, ISO 639-1 codes in {@code languages}, and a one-line
   * instruction for every language it applies to.
   */
  public static Axes read(Path file) {
    Axes read = ConfigLoader.read(file, Axes.class, Map.of());
    YamlLocations at = YamlLocations.of(file, text(file));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < read.axes().size(); i++) {
      Axis axis = read.axes().get(i);
      String pointer = "/axes/" + i;
      if (axis.id() == null || !SNAKE_CASE.matcher(axis.id()).matches()) {
        throw new ConfigException(
            at.at(pointer + "/id", pointer)
                + "axes["
                + i
                + "].id: '"
                + axis.id()
                + "' is not allowed; use snake_case such as persona");
      }
      String where = at.at(pointer + "/id", pointer) + "axis '" + axis.id() + "'";
      if (RESERVED.contains(axis.id())) {
        throw new ConfigException(
            where
                + ": the id is reserved (subtopics come from the taxonomy; the others are columns"
                + " of exported records); choose another id");
      }
      if (!ids.add(axis.id())) {
        throw new ConfigException(where + ": the id is used twice; axis ids must be unique");
      }
      if (axis.names().getOrDefault("en", "").isBlank()) {
        throw new ConfigException(where + ": names.en is missing; give an English name");
      }
      int least = axis.share() == null ? 2 : 1;
      if (axis.values().size() < least) {
        throw new ConfigException(
            at.at(pointer + "/values", pointer)
                + "axis '"
                + axis.id()
                + "': values: "
                + axis.values().size()
                + " given; list at least "
                + least
                + (axis.share() == null ? " (an axis with one value varies nothing)" : ""));
      }
      checkValues(at, pointer, axis);
    }
    return read;
  }

  private static String text(Path file) {
    try {
      String text = Files.readString(file);
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (IOException e) {
      // ConfigLoader.read has just read it; failing now would be a race with an editor.
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static void checkValues(YamlLocations at, String axisPointer, Axis axis) {
    Set<String> ids = new HashSet<>();
    for (int j = 0; j < axis.values().size(); j++) {
      AxisValue v = axis.values().get(j);
      String pointer = axisPointer + "/values/" + j;
      if (v.id() == null || !SNAKE_CASE.matcher(v.id()).matches()) {
        throw new ConfigException(
            at.at(pointer + "/id", pointer)
                + "axis '"
                + axis.id()
                + "': values["
                + j
                + "].id: '"
                + v.id()
                + "' is not allowed; use snake_case such as office_worker");
      }
      String what = "axis '" + axis.id() + "', value '" + v.id() + "': ";
      String where = at.at(pointer + "/id", pointer) + what;
      if (axis.share() != null && v.id().equals(NONE)) {
        throw new ConfigException(
            where + "'none' is what prompts outside the share get; do not list it");
      }
      if (!ids.add(v.id())) {
        throw new ConfigException(where + "the id is used twice; value ids must be unique");
      }
      if (v.names().getOrDefault("en", "").isBlank()) {
        throw new ConfigException(where + "names.en is missing; give an English name");
      }
      checkLanguages(at, pointer, what, v);
      checkInstruction(at, pointer, what, v);
    }
  }

  private static void checkLanguages(YamlLocations at, String pointer, String what, AxisValue v) {
    if (v.languages() == null) {
      return;
    }
    String key = pointer + "/languages";
    if (v.languages().isEmpty()) {
      throw new ConfigException(
          at.at(key, pointer)
              + what
              + "languages: [] names no language; list the languages the value applies to, such"
              + " as [ko], or leave the key out for every language");
    }
    Set<String> seen = new HashSet<>();
    for (int k = 0; k < v.languages().size(); k++) {
      String code = v.languages().get(k);
      String where = at.at(key + "/" + k, key, pointer) + what;
      if (!isLanguageCode(code)) {
        throw new ConfigException(
            where
                + "languages["
                + k
                + "]: '"
                + code
                + "' is not a language code; use ISO 639-1 codes, as the rule sets' language key"
                + " does, such as ko (Korean) or en (English)");
      }
      if (!seen.add(code)) {
        throw new ConfigException(
            where + "languages: '" + code + "' is listed twice; list each language once");
      }
    }
  }

  private static void checkInstruction(YamlLocations at, String pointer, String what, AxisValue v) {
    String key = pointer + "/instruction";
    Instruction instruction = v.instruction();
    if (instruction == null || instruction.isEmpty()) {
      throw new ConfigException(
          at.at(key, pointer)
              + what
              + "instruction is missing; give the one line the prompt shows for this value (or"
              + " one per language, such as {ko: ..., en: ...})");
    }
    if (!instruction.isPerLanguage()) {
      checkLine(at.at(key, pointer) + what + "instruction", instruction.text());
      return;
    }
    for (Map.Entry<String, String> e : instruction.byLanguage().entrySet()) {
      String where = at.at(key + "/" + e.getKey(), key, pointer) + what;
      if (!isLanguageCode(e.getKey())) {
        throw new ConfigException(
            where
                + "instruction."
                + e.getKey()
                + ": '"
                + e.getKey()
                + "' is not a language code; key each line by an ISO 639-1 code such as ko or en");
      }
      if (v.languages() != null && !v.languages().contains(e.getKey())) {
        throw new ConfigException(
            where
                + "instruction."
                + e.getKey()
                + ": the value does not apply to '"
                + e.getKey()
                + "' (languages: "
                + v.languages()
                + "); add it to languages or remove this line");
      }
      checkLine(where + "instruction." + e.getKey(), e.getValue());
    }
    List<String> needed = v.languages() == null ? List.of(FALLBACK_LANGUAGE) : v.languages();
    for (String language : needed) {
      if (!instruction.byLanguage().containsKey(language)) {
        throw new ConfigException(
            at.at(key, pointer)
                + what
                + "instruction."
                + language
                + " is missing; "
                + (v.languages() == null
                    ? "without languages the value applies to every language, and one without its"
                        + " own line takes the English one: add instruction.en, or list the"
                        + " languages the value applies to with languages: [...]"
                    : "the value applies to "
                        + String.join(", ", v.languages())
                        + ", so give a line for each"));
      }
    }
  }

  private static void checkLine(String where, String line) {
    if (line == null || line.isBlank()) {
      throw new ConfigException(
          where + " is empty; give the one line the prompt shows for this value");
    }
    if (line.contains("\n")) {
      throw new ConfigException(where + " spans several lines; keep it to one line");
    }
  }

  private static boolean isLanguageCode(String code) {
    return code != null && LANGUAGE_CODES.contains(code);
  }

  /** The axes that apply to questions of {@code label}, in file order, with all their values. */
  public List<Axis> forLabel(Label label) {
    return axes.stream().filter(a -> a.labels().contains(label)).toList();
  }

  /**
   * The axes of a prompt for {@code label} in {@code language}, in file order, each with only the
   * values that apply to {@code language}; an axis with no such value is left out.
   */
  public List<Axis> forCell(Label label, String language) {
    List<Axis> out = new ArrayList<>();
    for (Axis axis : forLabel(label)) {
      List<AxisValue> values = axis.values().stream().filter(v -> v.appliesTo(language)).toList();
      if (!values.isEmpty()) {
        out.add(new Axis(axis.id(), axis.names(), axis.labels(), axis.share(), values));
      }
    }
    return out;
  }

  /**
   * One axis.
   *
   * @param names the axis's display names ({@code en}: "Who asks")
   * @param labels the labels whose prompts take this axis (default: both)
   * @param share the fraction of a cell's prompts that take one of the values, the rest taking
   *     {@value #NONE}; absent means every prompt takes a value
   */
  public record Axis(
      String id,
      Map<String, String> names,
      List<Label> labels,
      Double share,
      List<AxisValue> values) {
    public Axis {
      names = names == null ? Map.of() : Map.copyOf(names);
      labels = labels == null || labels.isEmpty() ? List.of(Label.values()) : List.copyOf(labels);
      values = values == null ? List.of() : List.copyOf(values);
      if (share != null && !(share > 0 && share <= 1)) {
        throw new IllegalArgumentException(
            "share: " + share + " is not allowed; use a number above 0 and at most 1");
      }
    }

    /** The name in {@code language}, else English, else the id. */
    public String name(String language) {
      return names.getOrDefault(language, names.getOrDefault("en", id));
    }
  }

  /**
   * One value of an axis.
   *
   * @param names display names by language code ({@code en}: "a teenager", {@code ko}: "십대 청소년")
   * @param languages the languages whose prompts may take this value ({@code [ko]} for 존댓말); null
   *     for every language
   * @param instruction the line a prompt with this value carries: one for every language, or one
   *     per language
   */
  public record AxisValue(
      String id, Map<String, String> names, List<String> languages, Instruction instruction) {
    public AxisValue {
      names = names == null ? Map.of() : Map.copyOf(names);
      // Null entries are kept for Axes.read to name; List.copyOf would reject them unlocated.
      languages =
          languages == null ? null : Collections.unmodifiableList(new ArrayList<>(languages));
    }

    /** Whether a prompt in {@code language} may take this value. */
    public boolean appliesTo(String language) {
      return languages == null || languages.contains(language);
    }

    /**
     * The instruction line for a prompt in {@code language}: its own, else the English one.
     *
     * @throws IllegalArgumentException when the value does not apply to {@code language}
     */
    public String instruction(String language) {
      if (!appliesTo(language)) {
        throw new IllegalArgumentException(
            "value '" + id + "' applies to " + languages + ", not to '" + language + "'");
      }
      return instruction.in(language);
    }

    /** The name in {@code language}, else English, else the id. */
    public String name(String language) {
      return names.getOrDefault(language, names.getOrDefault("en", id));
    }
  }

  /**
   * What a value asks of the questions: one line for every language ({@code instruction: Ask
   * directly.}) or one line per language code ({@code instruction: {ko: ..., en: ...}}).
   *
   * @param text the line for every language; null when given per language
   * @param byLanguage the lines by language code, in file order; empty when one line serves all
   */
  public record Instruction(String text, Map<String, String> byLanguage) {
    public Instruction {
      text = text == null ? null : text.strip();
      // Null lines are kept for Axes.read to name; Map.copyOf would reject them unlocated.
      Map<String, String> lines = new LinkedHashMap<>();
      if (byLanguage != null) {
        byLanguage.forEach((k, v) -> lines.put(k, v == null ? null : v.strip()));
      }
      byLanguage = Collections.unmodifiableMap(lines);
    }

    /**
     * From YAML: a line of text, or a section of lines by language. Anything else is an error that
     * says both forms, where Jackson alone would only ask for a section.
     */
    @JsonCreator
    static Instruction parse(JsonNode node) {
      if (node.isValueNode() && !node.isNull()) {
        return new Instruction(node.asText(), null);
      }
      if (node.isObject()) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          JsonNode line = e.getValue();
          if (line.isContainerNode()) {
            throw new IllegalArgumentException(
                "instruction: the line for "
                    + e.getKey()
                    + " is "
                    + (line.isArray() ? "a list" : "a section")
                    + "; give one line of text");
          }
          lines.put(e.getKey(), line.isNull() ? null : line.asText());
        }
        return new Instruction(null, lines);
      }
      throw new IllegalArgumentException(
          "instruction: "
              + (node.isArray() ? "a list" : "the value")
              + " is not allowed; give one line of text, or one line per language such as"
              + " {ko: ..., en: ...}");
    }

    /** Whether the lines are given per language. */
    public boolean isPerLanguage() {
      return text == null && !byLanguage.isEmpty();
    }

    boolean isEmpty() {
      return text == null ? byLanguage.isEmpty() : text.isBlank();
    }

    /** The line for {@code language}: its own, else the English one, else the one for all. */
    public String in(String language) {
      if (!isPerLanguage()) {
        return text;
      }
      String own = byLanguage.get(language);
      return own != null ? own : byLanguage.get(FALLBACK_LANGUAGE);
    }
  }
}
