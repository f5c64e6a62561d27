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
 * @param license the dataset card's license: a Hugging Face Hub license id such as {@code
 *     cc-by-4.0}, or null until one is chosen
 * @param previous the dataset folder of the previous release, which this one extends, or null
 */
public record ExportConfig(
    List<Task> tasks, Format format, Splits splits, Long seed, String license, String previous) {

  /**
   * The Hub's id for "a license not in the list", which the card names (saying that none was
   * chosen) until {@code export.license} names one, so a card never lacks the key.
   */
  public static final String UNCHOSEN_LICENSE = "other";

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
    CSV,
    /** OpenAI's chat fine-tuning lines: {@code {"messages": [...]}} and nothing else. */
    OPENAI;

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
    license = license == null || license.isBlank() ? null : license;
    if (license != null && !license.matches("[a-z0-9][a-z0-9.+-]*")) {
      throw new IllegalArgumentException(
          "license: '"
              + license
              + "' is not allowed; use a Hugging Face license id in lower case, such as"
              + " cc-by-4.0, apache-2.0 or mit (or other)");
    }
    previous = previous == null || previous.isBlank() ? null : previous;
  }

  /** An export with no license chosen and no previous release. */
  public ExportConfig(List<Task> tasks, Format format, Splits splits, Long seed) {
    this(tasks, format, splits, seed, null, null);
  }

  static ExportConfig defaults() {
    return new ExportConfig(null, null, null, null);
  }

  /** This export extending the release in {@code dataset} (a dataset folder), or none. */
  public ExportConfig withPrevious(String dataset) {
    return new ExportConfig(tasks, format, splits, seed, license, dataset);
  }

  /** The license the card names: {@code license}, or {@link #UNCHOSEN_LICENSE} when unset. */
  public String cardLicense() {
    return license == null ? UNCHOSEN_LICENSE : license;
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
