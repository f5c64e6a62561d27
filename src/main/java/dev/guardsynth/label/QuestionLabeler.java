package dev.guardsynth.label;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The label stage. First the teacher, as judge, labels the questions, {@code label.batch_size} per
 * request, and answers the rule checks of each question's rule set: a "yes" rejects the question
 * ({@code rule:<id>}); a verdict that differs from the intended label or category is a
 * disagreement, which {@code label.on_disagree} turns into a rejection ({@code judge_disagrees}) or
 * a relabel; a question whose verdict is missing or unreadable in a batch's reply is asked again
 * alone, and rejected ({@code judge_unparseable}) when even that reply cannot be read. Then the
 * teacher writes a safeguard response to each question left, {@code label.respond_batch_size} per
 * request, in the question's language, under the final label. A response that is missing ({@code
 * response_unparseable}), empty ({@code response_empty}), a refusal of a safe question ({@code
 * response_refused}) or in another language ({@code response_wrong_language}) is the response's
 * fault, not the question's: the question is asked again alone, its language and label stated
 * plainly, up to {@code label.respond_retries} times, and only then rejected with that reason or,
 * with {@code label.on_bad_response: detect_only}, kept without a response. Requests go through a
 * {@link RequestRunner}, retries included, so a resumed run answers each from the journal. Output
 * keeps input order. Not thread-safe.
 *
 * <p>The work is shared out: {@link LabelBatches} plans every request (for {@link #planned} too),
 * {@link Judging} and {@link Responding} take the two steps, on a {@link LabelRun} that holds each
 * question {@link InFlight} and the {@link LabelCounts}.
 */
public final class QuestionLabeler {
  /** Every reason this stage gives, but the rule checks' {@code rule:<id>}. */
  public static final Set<String> REASONS =
      Set.of(
          "judge_disagrees",
          Jury.SPLIT,
          "judge_unparseable",
          Conflicts.REASON,
          "request_failed",
          "response_empty",
          "response_refused",
          "response_unparseable",
          "response_wrong_language");

  /** The prefix of a rule check's reason: {@code rule:celebrity}. */
  public static final String RULE = "rule:";

  /** How the detail of a rule check's rejection starts, beside the filter's same-named ones. */
  static final String JUDGE_DETAIL = "judge: ";

  private final RequestRunner runner;
  private final LabelBatches batches; // the config, prompts and taxonomy too
  private final JudgeReplyParser parser;
  private final List<Juror> jurors;
  private final DedupConfig dedup;

  /** A labeler whose teacher judges, with conflicts found under the default dedup settings. */
  public QuestionLabeler(
      RequestRunner runner,
      TeacherConfig teacher,
      LabelConfig config,
      LabelPrompts prompts,
      Taxonomy taxonomy) {
    this(
        runner,
        teacher,
        config,
        prompts,
        taxonomy,
        List.of(),
        new DedupConfig(null, null, null, null, null));
  }

  /**
   * @param jurors with {@code label.judges}, one per judge in that order (they judge in place of
   *     the teacher, which still writes the responses); else empty
   * @param dedup the shingles, bands and threshold that find conflicts as dedup finds pairs
   */
  public QuestionLabeler(
      RequestRunner runner,
      TeacherConfig teacher,
      LabelConfig config,
      LabelPrompts prompts,
      Taxonomy taxonomy,
      List<Juror> jurors,
      DedupConfig dedup) {
    if (config.hasJury() != !jurors.isEmpty()
        || (config.hasJury() && jurors.size() != config.judges().size())) {
      throw new IllegalArgumentException(
          "label.judges lists "
              + (config.hasJury() ? config.judges().size() : 0)
              + " judges, but "
              + jurors.size()
              + " were opened");
    }
    this.runner = runner;
    this.batches = new LabelBatches(teacher, config, prompts, taxonomy);
    this.parser = new JudgeReplyParser(taxonomy);
    this.jurors = List.copyOf(jurors);
    this.dedup = dedup;
  }

  /**
   * Labels {@code questions}, sending each to {@code labeled} or {@code rejected}; the first
   * request that fails for good stops the stage with its exception.
   */
  public LabelResult run(
      List<Candidate> questions,
      Consumer<Labeled> labeled,
      Consumer<Rejected> rejected,
      Consumer<Disagreement> disagreements)
      throws TeacherException, InterruptedException {
    return run(questions, labeled, rejected, disagreements, null);
  }

  /**
   * Labels {@code questions}, sending each to {@code labeled} or {@code rejected}. The questions of
   * a judge or respond request that fails for good are rejected ({@code request_failed}) and the
   * failure goes to {@code failures}, once per question; with {@code failures} null, the failure
   * stops the stage instead.
   */
  public LabelResult run(
      List<Candidate> questions,
      Consumer<Labeled> labeled,
      Consumer<Rejected> rejected,
      Consumer<Disagreement> disagreements,
      Consumer<FailedRequest> failures)
      throws TeacherException, InterruptedException {
    return run(questions, List.of(), labeled, rejected, disagreements, failures);
  }

  /**
   * Like {@link #run(List, Consumer, Consumer, Consumer, Consumer)}, where {@code settled} are the
   * questions earlier rounds kept: a question here that is one of them under the other label is a
   * conflict the earlier copy wins ({@code label_conflict}).
   */
  public LabelResult run(
      List<Candidate> questions,
      List<Labeled> settled,
      Consumer<Labeled> labeled,
      Consumer<Rejected> rejected,
      Consumer<Disagreement> disagreements,
      Consumer<FailedRequest> failures)
      throws TeacherException, InterruptedException {
    for (Candidate c : questions) {
      if (batches.taxonomy().find(c.category()).isEmpty()) {
        throw new InputException(
            "question "
                + c.id()
                + ": category '"
                + c.category()
                + "' is not in the taxonomy; use one of "
                + String.join(", ", batches.taxonomy().ids())
                + " or add it to the taxonomy");
      }
    }
    LabelRun run = new LabelRun(runner, batches, questions, failures);
    LabelConfig config = batches.config();
    JuryCounts jury = null;
    if (config.judge()) {
      Judging judging = new Judging(run, config, batches.prompts(), batches.taxonomy(), parser);
      if (jurors.isEmpty()) {
        judging.judge();
      } else {
        jury = new Jury(run, config, judging, jurors).judge();
      }
    }
    Conflicts.Found conflicts = conflicts(run, config).settle(settled);
    if (config.respond()) {
      new Responding(run, config).respond();
    }
    return run.emit(labeled, rejected, disagreements, jury, conflicts);
  }

  /** The conflict step, with the judges of this run: the teacher, each juror, or none. */
  private Conflicts conflicts(LabelRun run, LabelConfig config) {
    List<LabelBatches> judgeBatches = new ArrayList<>();
    List<RequestRunner> runners = new ArrayList<>();
    if (config.judge() && jurors.isEmpty()) {
      judgeBatches.add(batches);
      runners.add(runner);
    } else if (config.judge()) {
      for (Juror j : jurors) {
        judgeBatches.add(
            new LabelBatches(j.teacher(), config, batches.prompts(), batches.taxonomy()));
        runners.add(j.runner());
      }
    }
    return new Conflicts(run, config, dedup, parser, judgeBatches, runners);
  }

  /**
   * The judge and respond requests {@link #run} would send for {@code questions} if the judge kept
   * every one, every batched answer could be read and every response passed its checks (so no
   * question is asked again): the first round's estimate of {@code run --dry-run}. Built by the
   * same code as the real requests, so the estimate's input tokens are those of the real prompts.
   * The judge requests are {@code teacher}'s: with a jury, call it once per judge's config for that
   * judge's.
   */
  public static Planned planned(
      TeacherConfig teacher,
      LabelConfig config,
      LabelPrompts prompts,
      Taxonomy taxonomy,
      List<LabelPrompts.RespondItem> questions) {
    LabelBatches batches = new LabelBatches(teacher, config, prompts, taxonomy);
    List<LabelBatches.Batch> judge = config.judge() ? batches.judge(questions) : List.of();
    List<LabelBatches.Batch> respond =
        config.respond()
            ? batches.respond(questions, IntStream.range(0, questions.size()).boxed().toList())
            : List.of();
    return new Planned(requests(judge), sizes(judge), requests(respond), sizes(respond));
  }

  private static List<TeacherRequest> requests(List<LabelBatches.Batch> batches) {
    return batches.stream().map(LabelBatches.Batch::request).toList();
  }

  private static List<Integer> sizes(List<LabelBatches.Batch> batches) {
    return batches.stream().map(LabelBatches.Batch::size).toList();
  }

  /** Requests of {@link #planned}; the sizes are the questions each request asks about. */
  public record Planned(
      List<TeacherRequest> judge,
      List<Integer> judgeSizes,
      List<TeacherRequest> respond,
      List<Integer> respondSizes) {
    public Planned {
      judge = List.copyOf(judge);
      judgeSizes = List.copyOf(judgeSizes);
      respond = List.copyOf(respond);
      respondSizes = List.copyOf(respondSizes);
    }
  }
}
