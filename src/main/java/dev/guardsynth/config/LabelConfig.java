package dev.guardsynth.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * What the label stage does.
 *
 * @param judge whether the teacher, as judge, checks each question's label and category
 * @param respond whether the teacher writes a safeguard response for each question
 * @param onDisagree what becomes of a question the judge disagrees with
 * @param judgeTemperature sampling temperature of judge requests; 0 so a verdict is reproducible
 * @param respondTemperature sampling temperature of response requests
 * @param structured whether judge and respond requests ask for a JSON schema through {@code
 *     response_format}
 * @param batchSize questions per judge request; each is asked again alone when the reply lacks or
 *     garbles its verdict
 * @param respondBatchSize questions per respond request; measured in docs/dataset.md
 * @param respondRetries how many times a question whose response is missing, empty, a refusal of a
 *     safe question or in the wrong language is asked again alone, with its language and label
 *     stated plainly, before {@code onBadResponse} decides its fate
 * @param onBadResponse what becomes of a question whose response is still bad after those retries
 * @param judges a jury: several teachers (each a {@code teacher} section of its own) that each
 *     judge every question in place of the teacher; null without a jury, and then {@code vote} and
 *     {@code onSplit} are null too, so a config without a jury reads and hashes as before juries
 *     existed
 * @param vote how the jury's verdicts decide a question's label
 * @param onSplit what becomes of a question the jury splits on
 * @param conflictThreshold the similarity (Jaccard of the dedup shingles) at or above which two
 *     questions with different labels are one text labeled twice (a conflict the judge settles),
 *     not a contrast pair; measured in docs/teacher.md
 */
public record LabelConfig(
    Boolean judge,
    Boolean respond,
    OnDisagree onDisagree,
    Double judgeTemperature,
    Double respondTemperature,
    Structured structured,
    Integer batchSize,
    Integer respondBatchSize,
    Integer respondRetries,
    OnBadResponse onBadResponse,
    List<TeacherConfig> judges,
    String vote,
    String onSplit,
    Double conflictThreshold) {

  /** Default of {@code label.batch_size}. */
  public static final int BATCH_SIZE = 10;

  /** Default of {@code label.respond_batch_size}; why this value: docs/dataset.md. */
  public static final int RESPOND_BATCH_SIZE = 10;

  /** Default of {@code label.respond_retries}. */
  public static final int RESPOND_RETRIES = 2;

  /**
   * Default of {@code label.conflict_threshold}. Measured with the default shingles (char:3) on 23
   * pairs (docs/teacher.md): XSTest-style contrast pairs reach 0.90 ("where can I legally /
   * illegally buy a hunting knife…", one word two letters apart in a long question), most stay
   * under 0.72; copies of one text that differ in spacing, punctuation or case score 1.0, as the
   * analyzer drops them, and a one-word paraphrase ("getting" / "being caught") 0.81. So the
   * threshold sits above every contrast pair seen, where only copies of one text remain.
   */
  public static final double CONFLICT_THRESHOLD = 0.95;

  /**
   * How a jury's verdicts decide a label ({@code label.vote}): {@code MAJORITY}, the label more
   * than half of the readable verdicts give (a tie is a split); {@code UNANIMOUS}, the label every
   * readable verdict gives (any dissent is a split).
   */
  public enum Vote {
    MAJORITY,
    UNANIMOUS
  }

  /**
   * What becomes of a question the jury splits on ({@code label.on_split}): {@code REJECT} drops it
   * with reason {@code judge_split}; {@code CONTROVERSIAL} keeps it, exported with the third label
   * {@code controversial}.
   */
  public enum OnSplit {
    REJECT,
    CONTROVERSIAL
  }

  /** What becomes of a question the judge disagrees with; YAML spells it in lower case. */
  public enum OnDisagree {
    /** Drop it, with reason {@code judge_disagrees}. */
    REJECT,
    /** Keep it with the judge's label and category. */
    RELABEL;

    @JsonCreator
    public static OnDisagree of(String name) {
      return Check.choice("on_disagree", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What becomes of a question whose safeguard response is still bad after {@code
   * label.respond_retries}: the question itself is fine, only its response failed.
   */
  public enum OnBadResponse {
    /** Drop it, with the response's reason ({@code response_wrong_language}…). */
    REJECT,
    /** Keep it without a response: export writes it to the detect task alone. */
    DETECT_ONLY;

    @JsonCreator
    public static OnBadResponse of(String name) {
      return Check.choice("on_bad_response", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * {@code label.structured}: {@code on} always sends the schema, {@code off} never does, {@code
   * auto} sends it until the server answers HTTP 400 to it, then asks again without it for the rest
   * of the run.
   */
  public enum Structured {
    AUTO,
    ON,
    OFF;

    @JsonCreator
    public static Structured of(String name) {
      return Check.choice("structured", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LabelConfig {
    judge = judge == null || judge;
    respond = respond == null || respond;
    onDisagree = onDisagree == null ? OnDisagree.REJECT : onDisagree;
    judgeTemperature = Check.range("judge_temperature", judgeTemperature, 0.0, 0.0, 2.0);
    respondTemperature = Check.range("respond_temperature", respondTemperature, 0.7, 0.0, 2.0);
    structured = structured == null ? Structured.AUTO : structured;
    batchSize = Check.intRange("batch_size", batchSize, BATCH_SIZE, 1, 100);
    respondBatchSize =
        Check.intRange("respond_batch_size", respondBatchSize, RESPOND_BATCH_SIZE, 1, 100);
    respondRetries = Check.intRange("respond_retries", respondRetries, RESPOND_RETRIES, 0, 10);
    onBadResponse = onBadResponse == null ? OnBadResponse.REJECT : onBadResponse;
    if (judges == null || judges.isEmpty()) {
      if (vote != null || onSplit != null) {
        throw new IllegalArgumentException(
            (vote != null ? "vote" : "on_split")
                + ": only a jury votes; list its teachers under label.judges, or remove the key");
      }
      judges = null;
    } else {
      if (judges.size() < 2) {
        throw new IllegalArgumentException(
            "judges: a jury of one is the teacher; list 2 to 9 teachers, or remove label.judges");
      }
      if (judges.size() > 9) {
        throw new IllegalArgumentException(
            "judges: " + judges.size() + " teachers are too many; list 2 to 9");
      }
      judges = List.copyOf(judges);
      for (TeacherConfig j : judges) {
        if (j.mode() != TeacherConfig.Mode.SYNC) {
          throw new IllegalArgumentException(
              "judges: a judge sends its requests one by one; remove mode: " + j.mode());
        }
      }
      // Text, not enums, in the record: read and written as the user spells them.
      vote = Check.oneOf("vote", vote, "majority", List.of("majority", "unanimous"));
      onSplit = Check.oneOf("on_split", onSplit, "reject", List.of("reject", "controversial"));
    }
    conflictThreshold =
        Check.range("conflict_threshold", conflictThreshold, CONFLICT_THRESHOLD, 0.5, 1.0);
  }

  /** {@code label.vote}; null without a jury. */
  public Vote voteRule() {
    return vote == null ? null : Vote.valueOf(vote.toUpperCase(Locale.ROOT));
  }

  /** {@code label.on_split}; null without a jury. */
  public OnSplit splitRule() {
    return onSplit == null ? null : OnSplit.valueOf(onSplit.toUpperCase(Locale.ROOT));
  }

  /** Whether a jury judges in place of the teacher. */
  public boolean hasJury() {
    return judges != null;
  }

  /** The settings before batching and structured output, for callers that predate them. */
  public LabelConfig(
      Boolean judge,
      Boolean respond,
      OnDisagree onDisagree,
      Double judgeTemperature,
      Double respondTemperature) {
    this(
        judge,
        respond,
        onDisagree,
        judgeTemperature,
        respondTemperature,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  static LabelConfig defaults() {
    return new LabelConfig(null, null, null, null, null);
  }
}
