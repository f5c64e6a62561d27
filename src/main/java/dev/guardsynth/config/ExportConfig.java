package dev.guardsynth.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * What the export stage writes.
 *
 * @param tasks which records each question gives
 * @param format how the records are written
 * @param splits train/validation/test fractions; they must add up to 1
 * @param seed seed for the deterministic split assignment
 */
public record ExportConfig(List<Task> tasks, Format format, Splits splits, Long seed) {

  /** What a record teaches; the YAML and command-line spelling is the lower-case name. */
  public enum Task {
    /** Classify a question: label and category. */
    DETECT,
    /** Answer a question safely: the safeguard response. */
    RESPOND;

    @JsonCreator
    public static Task of(String name) {
      return Check.choice("tasks", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How records are written; the YAML and command-line spelling is the lower-case name. */
  public enum Format {
    /** JSONL of system/user/assistant messages, one record per task. */
    CHAT,
    /** JSONL of one flat object per question. */
    FLAT,
    /** One CSV row per question. */
    CSV;

    @JsonCreator
    public static Format of(String name) {
      return Check.choice("format", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ExportConfig {
    tasks = tasks == null || tasks.isEmpty() ? List.of(Task.DETECT) : List.copyOf(tasks);
    format = format == null ? Format.CHAT : format;
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
