package dev.guardsynth.doctor;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.guardsynth.run.CostPerQuestion;
import dev.guardsynth.teacher.StageUsage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code guardsynth doctor} found about a teacher: per kind of request (generate, judge,
 * respond) what it sent and what came back, why a stage cannot be done, and, when every stage
 * works, the yield and cost the configured targets can expect. {@code --json} writes it as is;
 * {@link #text()} renders it for people. Holds no secret: URLs are shown without credentials.
 * Immutable.
 *
 * @param ok whether every stage works with this teacher (exit 0); else {@code problems} says why
 * @param teacher where the teacher is: provider and URL (credentials removed) or cassette
 * @param requests requests sent, at most {@code maxRequests}; a request the server refused for its
 *     JSON schema and that was asked again without it counts twice
 * @param retries attempts repeated after a retryable failure, as {@code teacher.max_retries} allows
 * @param usage tokens and cost of everything the doctor sent (nothing of it is journalled or
 *     counted in a budget)
 * @param estimate yield and cost for the configured targets; null when a stage fails
 * @param problems one line per reason a stage cannot be done, in stage order; empty when ok
 * @param notes what the probe left out or assumed
 */
public record DoctorReport(
    boolean ok,
    String teacher,
    String model,
    int requests,
    int maxRequests,
    long retries,
    StageUsage usage,
    Generate generate,
    Judge judge,
    Respond respond,
    Estimate estimate,
    List<Problem> problems,
    List<String> notes) {
  public DoctorReport {
    requireNonNull(generate, "generate");
    requireNonNull(judge, "judge");
    requireNonNull(respond, "respond");
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
    if (ok != problems.isEmpty()) {
      throw new IllegalArgumentException("ok must be true exactly when there is no problem");
    }
  }

  /** The report for people, as {@code guardsynth doctor} prints it on stderr. */
  public String text() {
    return ReportText.render(this);
  }

  /** How one kind of request fared. */
  public enum Status {
    /** The teacher can do it. */
    OK,
    /** The teacher cannot: see the report's problems. */
    FAILED,
    /** Not probed: an earlier stage already fails, so its requests were not spent. */
    SKIPPED,
    /** Turned off in the config ({@code label.judge} or {@code label.respond} false). */
    OFF;

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What became of the JSON schema ({@code label.structured}) that judge and respond ask for. */
  public enum Schema {
    /** Sent, and the server took it. */
    ACCEPTED,
    /** Refused with HTTP 400 and, under {@code auto}, asked again without it: free text. */
    FELL_BACK,
    /** Refused with HTTP 400 under {@code on}: the request failed. */
    REJECTED,
    /** {@code label.structured: off}: free text by choice. */
    NOT_ASKED,
    /** The provider sends no schema (only OpenAI-compatible endpoints take one). */
    NOT_SENT;

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A reason a stage cannot be done with this teacher. */
  public record Problem(String stage, String reason) {
    public Problem {
      requireNonNull(stage, "stage");
      requireNonNull(reason, "reason");
    }
  }

  /**
   * The generation probes: one real generation prompt per probed cell.
   *
   * @param usage tokens and cost of these requests
   */
  public record Generate(
      Status status, int requests, List<GenerateProbe> probes, StageUsage usage) {
    public Generate {
      probes = List.copyOf(probes);
    }
  }

  /**
   * One generation prompt and its reply, read by the generate stage's parser and kept or not by the
   * real filter.
   *
   * @param cell {@code category/label/language}
   * @param ruleSet the rule set whose prompt it is
   * @param asked questions the prompt asked for ({@code targets.per_call})
   * @param returned the reply's items (lines or JSON elements; a refusal counts as one)
   * @param parsed items read as questions
   * @param candidates questions left after exact repeats
   * @param refusal whether the whole reply was a refusal
   * @param inLanguage questions detected in the rule set's language; null when the detector cannot
   *     tell that language
   * @param otherLanguage what the detector found in the first question not in that language, or
   *     null
   * @param kept questions the filter kept
   * @param rejected the filter's rejections by reason
   * @param reply how the reply starts, when it was a refusal or held no question
   * @param failure why the request failed for good, or null
   */
  public record GenerateProbe(
      String cell,
      String ruleSet,
      int asked,
      int returned,
      int parsed,
      int candidates,
      boolean refusal,
      Integer inLanguage,
      String otherLanguage,
      int kept,
      Map<String, Long> rejected,
      String reply,
      String failure) {
    public GenerateProbe {
      rejected = Map.copyOf(new TreeMap<>(rejected));
    }
  }

  /**
   * The judge probe: the label stage's judge request, one per probed language, about questions the
   * generation probes returned and the filter kept.
   */
  public record Judge(
      Status status, int requests, Schema schema, List<JudgeBatch> batches, StageUsage usage) {
    public Judge {
      batches = List.copyOf(batches);
    }
  }

  /**
   * One judge request and the verdicts read from its reply.
   *
   * @param readable verdicts the stage's parser could read
   * @param agreed readable verdicts with the intended label and category
   * @param disagreed readable verdicts with another label or category
   * @param rulesBroken readable verdicts that answer "yes" to a rule check (the stage rejects them)
   * @param unreadable why the first unreadable verdict could not be read, or null
   * @param failure why the request failed for good, or null
   */
  public record JudgeBatch(
      String language,
      int questions,
      int readable,
      int agreed,
      int disagreed,
      int rulesBroken,
      String unreadable,
      String failure) {}

  /**
   * The respond probe: the label stage's respond request about questions the judge kept.
   *
   * @param readable responses found in the reply and not empty
   * @param safeQuestions harmless questions asked about
   * @param refused harmless questions whose response refused them
   * @param languages per question language, the responses in it
   * @param unreadable why the first missing response is missing, or null
   * @param failure why the request failed for good, or null
   */
  public record Respond(
      Status status,
      int requests,
      Schema schema,
      int questions,
      int readable,
      int safeQuestions,
      int refused,
      List<LanguageShare> languages,
      String unreadable,
      String failure,
      StageUsage usage) {
    public Respond {
      languages = List.copyOf(languages);
    }
  }

  /**
   * Readable responses to questions in {@code language}, and how many are in it.
   *
   * @param example what the detector found in the first response in another language, or null
   */
  public record LanguageShare(String language, int responses, int inLanguage, String example) {}

  /**
   * What the configured targets can expect, from what the probes returned: every cell at the yield
   * of the probed cell of its label and language.
   *
   * @param cells the probed cells' yields
   * @param exported questions the targets ask for (every cell's target)
   * @param requests estimated requests per kind to reach the targets
   * @param costUsd their estimated cost, from {@code teacher.prices}; 0 when no price is set
   * @param priced whether {@code teacher.prices} has a price for the model
   * @param costPerQuestion tokens and cost per exported question, per kind; null when some cell's
   *     yield is 0
   */
  public record Estimate(
      List<CellYield> cells,
      long exported,
      Map<String, Long> requests,
      double costUsd,
      boolean priced,
      CostPerQuestion costPerQuestion) {
    public Estimate {
      cells = List.copyOf(cells);
      requests = Map.copyOf(requests);
    }
  }

  /**
   * A probed cell's yield: exported questions per question asked, as far as the probes show it.
   *
   * @param kept questions the filter kept
   * @param judged of those, questions whose verdict was read
   * @param agreed of those, the ones the judge kept: it agreed (or, with {@code label.on_disagree}
   *     relabel, relabeled them) and found no rule broken
   * @param responses questions whose response was checked
   * @param responsesKept of those, responses the stage keeps
   * @param yield {@code kept/asked × agreed/judged × responsesKept/responses}, a share that is not
   *     probed taken from the cell's language or from all probes
   */
  public record CellYield(
      String cell,
      int asked,
      int kept,
      int judged,
      int agreed,
      int responses,
      int responsesKept,
      double yield) {}
}
