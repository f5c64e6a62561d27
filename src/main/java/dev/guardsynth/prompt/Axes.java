package dev.guardsynth.prompt;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The diversity axes of {@code rules/axes.yaml}: who asks (persona), how (style), how long, and for
 * safe questions which kind of hard negative; with a share of prompts wrapped in an adversarial
 * tactic. The planner gives every generation prompt one value per axis and renders the values'
 * instructions into it. User-editable data, checked here. Immutable.
 */
public record Axes(List<Axis> axes) {
  /** The value an axis with a {@code share} takes on the prompts outside that share. */
  public static final String NONE = "none";

  /** The axis every category's subtopics form; its values come from the taxonomy. */
  public static final String SUBTOPIC = "subtopic";

  /** Ids an axis may not take: the subtopic axis and the columns of exported records. */
  private static final Set<String> RESERVED =
      Set.of(SUBTOPIC, "id", "text", "label", "category", "language", "split", "response", "axes");

  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

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
   * Reads and checks an axes file. Errors name the file, the axis and value, and the fix: ids are
   * unique snake_case, every axis has at least two values (one, with a share), each value an
   * English name and a one-line instruction.
   */
  public static Axes read(Path file) {
    Axes read = ConfigLoader.read(file, Axes.class, Map.of());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < read.axes().size(); i++) {
      Axis axis = read.axes().get(i);
      String where = file + ": axes[" + i + "]";
      if (axis.id() == null || !SNAKE_CASE.matcher(axis.id()).matches()) {
        throw new ConfigException(
            where + ".id: '" + axis.id() + "' is not allowed; use snake_case such as persona");
      }
      where = file + ": axis '" + axis.id() + "'";
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
            where
                + ": values: "
                + axis.values().size()
                + " given; list at least "
                + least
                + (axis.share() == null ? " (an axis with one value varies nothing)" : ""));
      }
      checkValues(where, axis);
    }
    return read;
  }

  private static void checkValues(String where, Axis axis) {
    Set<String> ids = new HashSet<>();
    for (int j = 0; j < axis.values().size(); j++) {
      AxisValue v = axis.values().get(j);
      if (v.id() == null || !SNAKE_CASE.matcher(v.id()).matches()) {
        throw new ConfigException(
            where
                + ": values["
                + j
                + "].id: '"
                + v.id()
                + "' is not allowed; use snake_case such as office_worker");
      }
      String at = where + ", value '" + v.id() + "'";
      if (axis.share() != null && v.id().equals(NONE)) {
        throw new ConfigException(
            at + ": 'none' is what prompts outside the share get; do not list it");
      }
      if (!ids.add(v.id())) {
        throw new ConfigException(at + ": the id is used twice; value ids must be unique");
      }
      if (v.names().getOrDefault("en", "").isBlank()) {
        throw new ConfigException(at + ": names.en is missing; give an English name");
      }
      if (v.instruction() == null || v.instruction().isBlank()) {
        throw new ConfigException(
            at + ": instruction is missing; give the one line the prompt shows for this value");
      }
      if (v.instruction().strip().contains("\n")) {
        throw new ConfigException(at + ": instruction spans several lines; keep it to one line");
      }
    }
  }

  /** The axes that apply to questions of {@code label}, in file order. */
  public List<Axis> forLabel(Label label) {
    return axes.stream().filter(a -> a.labels().contains(label)).toList();
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
   * @param instruction the line a prompt with this value carries, in the prompts' language
   */
  public record AxisValue(String id, Map<String, String> names, String instruction) {
    public AxisValue {
      names = names == null ? Map.of() : Map.copyOf(names);
      instruction = instruction == null ? null : instruction.strip();
    }

    /** The name in {@code language}, else English, else the id. */
    public String name(String language) {
      return names.getOrDefault(language, names.getOrDefault("en", id));
    }
  }
}
