package dev.guardsynth.config;

import java.util.List;

/**
 * What the export stage writes.
 *
 * @param tasks {@code detect} and/or {@code respond}
 * @param format {@code chat}, {@code flat} or {@code csv}
 * @param splits train/validation/test fractions; they must add up to 1
 * @param seed seed for the deterministic split assignment
 */
public record ExportConfig(List<String> tasks, String format, Splits splits, Long seed) {
  public static final List<String> TASKS = List.of("detect", "respond");
  public static final List<String> FORMATS = List.of("chat", "flat", "csv");

  public ExportConfig {
    tasks = tasks == null || tasks.isEmpty() ? List.of("detect") : List.copyOf(tasks);
    for (String task : tasks) {
      Check.oneOf("tasks", task, "detect", TASKS);
    }
    format = Check.oneOf("format", format, "chat", FORMATS);
    splits = splits == null ? new Splits(null, null, null) : splits;
    seed = seed == null ? 42L : seed;
  }

  static ExportConfig defaults() {
    return new ExportConfig(null, null, null, null);
  }

  /** Split fractions; each from 0 to 1, adding up to 1. */
  public record Splits(Double train, Double validation, Double test) {
    public Splits {
      train = Check.range("train", train, 0.8, 0.0, 1.0);
      validation = Check.range("validation", validation, 0.1, 0.0, 1.0);
      test = Check.range("test", test, 0.1, 0.0, 1.0);
      if (Math.abs(train + validation + test - 1.0) > 1e-9) {
        throw new IllegalArgumentException(
            "train, validation, test: "
                + train
                + " + "
                + validation
                + " + "
                + test
                + " does not add up to 1; adjust the fractions");
      }
    }
  }
}
