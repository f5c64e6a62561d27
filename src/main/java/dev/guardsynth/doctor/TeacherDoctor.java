package dev.guardsynth.doctor;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.doctor.DoctorReport.Generate;
import dev.guardsynth.doctor.DoctorReport.Judge;
import dev.guardsynth.doctor.DoctorReport.Respond;
import dev.guardsynth.doctor.DoctorReport.Status;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.Teachers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code guardsynth doctor}: before a paid run, asks the configured teacher a handful of the run's
 * own requests and says whether it can do each stage. Generate: one real generation prompt per rule
 * set for a harmful cell, and one for a harmless cell while the cap allows ({@link ProbePlan}),
 * read by the generate stage's parser and kept or not by the real filter. Judge: the label stage's
 * judge request, one per probed language, about the questions the probes kept, with the configured
 * {@code label.structured}. Respond: the label stage's respond request about the questions the
 * judge kept. A stage fails when the teacher refuses, answers in another language or breaks the
 * format; the stages after a failing one are not probed, so no request is spent on what is already
 * known. At most {@value #MAX_REQUESTS} requests in all, sent through the real {@link
 * RequestRunner} (retries and timeouts as configured, always one by one, never through the Batch
 * API).
 *
 * <p>A probe writes nothing: no journal (so a later run pays for the same requests again, and the
 * doctor's spending counts in no budget), no run folder, no state folder. Each call probes afresh
 * ({@link ProbeRun} holds one probe's state); calls share nothing.
 */
public final class TeacherDoctor {
  /** The most requests a probe sends, a request asked again without its JSON schema included. */
  public static final int MAX_REQUESTS = 10;

  /**
   * Below this share of a rule set's questions (or of the responses to its questions) in its
   * language, the teacher answers in another language: the filter or the label stage would drop
   * most of what it writes.
   */
  static final double MIN_LANGUAGE_SHARE = 0.5;

  /**
   * Below this share of items read from a kind's replies, the teacher breaks the format: the stage
   * would ask most questions again alone, or lose them.
   */
  static final double MIN_READABLE_SHARE = 0.5;

  /**
   * How a probe sends its requests.
   *
   * @param env where API keys are read from
   * @param retryBaseDelay the first retry's wait without {@code Retry-After} (zero in tests)
   * @param stop set to stop the probe (Ctrl-C): it ends with {@link
   *     dev.guardsynth.teacher.StoppedException}
   */
  public record Options(Map<String, String> env, Duration retryBaseDelay, StopSignal stop) {
    public Options {
      env = Map.copyOf(env);
      retryBaseDelay = retryBaseDelay == null ? Duration.ofMillis(500) : retryBaseDelay;
      stop = stop == null ? new StopSignal() : stop;
    }
  }

  private TeacherDoctor() {}

  /**
   * Probes the teacher {@code config} names; a config error is a {@code ConfigException} before
   * anything is sent, and a stop (Ctrl-C) a {@code StoppedException}.
   */
  public static DoctorReport run(GuardsynthConfig config, Options options)
      throws InterruptedException {
    // Everything that can be wrong with the config is found before the first request.
    ProbeRun run = new ProbeRun(config, options);
    LabelConfig label = run.label;
    boolean schemaRetry =
        label.structured() == LabelConfig.Structured.AUTO
            && run.teacherConfig.provider() == TeacherConfig.Provider.OPENAI;
    ProbePlan plan =
        ProbePlan.of(
            run.planner.cells(), label.judge(), label.respond(), schemaRetry, MAX_REQUESTS);
    if (plan.total() > MAX_REQUESTS) {
      throw new IllegalStateException("probe plan of " + plan.total() + " requests");
    }
    if (!plan.unprobed().isEmpty()) {
      run.notes.add(
          "not probed, to stay within "
              + MAX_REQUESTS
              + " requests: the rule sets of "
              + String.join(", ", plan.unprobed()));
    }
    try (Teacher teacher = Teachers.open(run.teacherConfig, options.env(), null)) {
      run.use(teacher);
      Generate generate = new GenerateCheck(run).probe(plan);
      Judge judge =
          !label.judge()
              ? new Judge(Status.OFF, 0, null, List.of(), StageUsage.ZERO)
              : run.problems.isEmpty()
                  ? new JudgeCheck(run).probe(plan)
                  : new Judge(Status.SKIPPED, 0, null, List.of(), StageUsage.ZERO);
      if (!label.judge()) {
        run.kept.values().forEach(qs -> qs.forEach(c -> run.judged.add(Labeled.of(c, null, null))));
      }
      Respond respond =
          !label.respond()
              ? RespondCheck.notSent(Status.OFF)
              : run.problems.isEmpty()
                  ? new RespondCheck(run).probe()
                  : RespondCheck.notSent(Status.SKIPPED);
      DoctorReport.Estimate estimate =
          run.problems.isEmpty()
              ? YieldEstimate.of(
                  run.planner,
                  label,
                  run.teacherConfig,
                  run.tallies.values(),
                  new YieldEstimate.Spent(run.usage("generate"), run.usage("generate").sent()),
                  new YieldEstimate.Spent(run.usage("judge"), run.judgeQuestions),
                  new YieldEstimate.Spent(run.usage("respond"), run.respondQuestions),
                  run.notes)
              : null;
      StageUsage total = run.ledger.total().rounded();
      return new DoctorReport(
          run.problems.isEmpty(),
          Secrets.redact(run.teacherConfig.provider() + " at " + teacher.describe()),
          run.teacherConfig.model(),
          run.requests(),
          MAX_REQUESTS,
          total.retries(),
          total,
          generate,
          judge,
          respond,
          estimate,
          run.problems,
          run.notes);
    }
  }
}
