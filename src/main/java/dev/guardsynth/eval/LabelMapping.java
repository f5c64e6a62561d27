package dev.guardsynth.eval;

import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Label;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which raw label values of a gold or predictions file mean unsafe and which mean safe, compared
 * after trimming and ignoring case. A value in neither list is an error rather than a guess, so a
 * benchmark's unexpected label (a third class, a typo) is never silently counted as one of ours.
 * Immutable.
 *
 * @param unsafe values that mean unsafe, lower case, in the order given
 * @param safe values that mean safe, lower case, in the order given
 */
public record LabelMapping(List<String> unsafe, List<String> safe) {
  /** Used when no values are given: guardsynth's own labels and the common 1/0, true/false. */
  public static final LabelMapping DEFAULT =
      new LabelMapping(
          List.of("unsafe", "harmful", "1", "true"), List.of("safe", "harmless", "0", "false"));

  public LabelMapping {
    unsafe = normalize(unsafe);
    safe = normalize(safe);
    if (unsafe.isEmpty() || safe.isEmpty()) {
      throw new IllegalArgumentException(
          "label values: each class needs at least one value; give them with --unsafe-values and"
              + " --safe-values");
    }
    for (String value : unsafe) {
      if (safe.contains(value)) {
        throw new IllegalArgumentException(
            "label values: '"
                + value
                + "' is listed as both unsafe and safe; keep it in one of --unsafe-values and"
                + " --safe-values");
      }
    }
  }

  /** The default mapping with either list replaced when it is given (non-null). */
  public static LabelMapping of(List<String> unsafe, List<String> safe) {
    return new LabelMapping(
        unsafe == null ? DEFAULT.unsafe : unsafe, safe == null ? DEFAULT.safe : safe);
  }

  /** The label {@code raw} stands for, or null when it is in neither list. */
  public Label map(String raw) {
    if (raw == null) {
      return null;
    }
    String value = raw.strip().toLowerCase(Locale.ROOT);
    if (unsafe.contains(value)) {
      return Label.UNSAFE;
    }
    return safe.contains(value) ? Label.SAFE : null;
  }

  /** The rest of an error message about an unmapped value: what is known and how to add one. */
  /** The label in {@code cell}; an unmapped value is an error naming its file, line and column. */
  Label require(Table.Cell cell) {
    Label label = map(cell.value());
    if (label == null) {
      throw new InputException(
          cell.where() + ": '" + cell.value() + "' is not a known label; " + unknownValueHelp());
    }
    return label;
  }

  String unknownValueHelp() {
    return "known unsafe values: "
        + String.join(", ", unsafe)
        + "; known safe values: "
        + String.join(", ", safe)
        + "; map it with --unsafe-values or --safe-values";
  }

  private static List<String> normalize(List<String> values) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : values == null ? List.<String>of() : values) {
      String s = v == null ? "" : v.strip().toLowerCase(Locale.ROOT);
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return List.copyOf(new ArrayList<>(out));
  }
}
