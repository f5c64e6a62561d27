package dev.guardsynth.doctor;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.doctor.DoctorReport.Problem;
import dev.guardsynth.doctor.DoctorReport.Schema;
import dev.guardsynth.doctor.DoctorReport.Status;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.Ledger;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherReply;
import dev.guardsynth.teacher.TeacherRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One probe's shared state: the config's stage parts (planner, filter, label prompts), the teacher
 * and the ledger that accounts its replies (with no budget), what each check found (problems,
 * notes, per-cell tallies, the questions kept so far) and the helpers the checks share. The checks
 * run one after another on the calling thread; not thread-safe.
 */
final class ProbeRun {
  /** How much of a reply a report shows: enough to recognise a refusal or a wrong format. */
  private static final int REPLY_START = 80;

  final TeacherConfig teacherConfig;
  final LabelConfig label;
  final TeacherDoctor.Options options;
  final PromptPlanner planner;
  final Taxonomy taxonomy;
  final QuestionFilter filter;
  final LabelPrompts labelPrompts;
  final Ledger ledger;
  final List<Problem> problems = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final Map<Cell, YieldEstimate.Tally> tallies = new LinkedHashMap<>();
  final Map<Cell, List<Candidate>> kept = new LinkedHashMap<>();
  final Map<String, Cell> probedCell = new LinkedHashMap<>(); // by question id

  /** What the judge kept (all the filter kept, with judging off): what respond asks about. */
  final List<Labeled> judged = new ArrayList<>();

  private CountingTeacher teacher;
  private final Map<String, Integer> attempts = new LinkedHashMap<>(); // by stage
  long judgeQuestions;
  long respondQuestions;

  ProbeRun(GuardsynthConfig config, TeacherDoctor.Options options) {
    TeacherConfig t = config.teacher();
    if (t.mode() == TeacherConfig.Mode.BATCH) {
      notes.add(
          "teacher.mode is batch: the doctor sends its requests one by one (a batch may take 24"
              + " hours); the Batch API itself is not probed");
      t = t.withMode("sync");
    }
    this.teacherConfig = t;
    this.label = config.label();
    this.options = options;
    // Everything that can be wrong with the config is found before the first request.
    this.planner = PromptPlanner.open(config);
    this.taxonomy = planner.taxonomy();
    this.filter = QuestionFilter.open(config.filters());
    this.labelPrompts =
        label.judge() || label.respond() ? LabelPrompts.read(config, taxonomy) : null;
    this.ledger = Ledger.unlimited(teacherConfig);
  }

  /** The teacher the checks ask; closing it is the caller's. */
  void use(Teacher opened) {
    this.teacher = new CountingTeacher(opened);
  }

  /**
   * Counts the calls that reach the teacher, also those that a wrong key fails, which the ledger
   * (answers and failures for good) does not see: what a server counts, but for a request asked
   * again without its JSON schema inside one call.
   */
  private static final class CountingTeacher implements Teacher.Wrapper {
    private final Teacher inner;
    private final AtomicInteger calls = new AtomicInteger();

    CountingTeacher(Teacher inner) {
      this.inner = inner;
    }

    @Override
    public TeacherReply complete(TeacherRequest request) throws TeacherException {
      calls.incrementAndGet();
      return inner.complete(request);
    }

    @Override
    public Teacher inner() {
      return inner;
    }
  }

  @FunctionalInterface
  interface RequestSink {
    void accept(int index, TeacherReply reply);
  }

  @FunctionalInterface
  interface FailureSink {
    void accept(int index, RequestRunner.Failure failure);
  }

  /**
   * Sends {@code requests} through the real runner, no journal, and hands each outcome on; returns
   * the error that stopped every request (a wrong key, a cassette without the request), or null.
   */
  TeacherException send(
      String stage, List<TeacherRequest> requests, RequestSink replies, FailureSink failures)
      throws InterruptedException {
    RequestRunner runner =
        RequestRunner.builder(teacher, teacherConfig)
            .retryBaseDelay(options.retryBaseDelay())
            .ledger(ledger)
            .stage(stage)
            .stop(options.stop())
            .build();
    int before = teacher.calls.get();
    try {
      runner.run(
          requests,
          new RequestRunner.Sink() {
            @Override
            public void accept(int index, RequestRunner.Answer answer) {
              replies.accept(index, answer.reply());
            }

            @Override
            public void failed(int index, RequestRunner.Failure failure) {
              failures.accept(index, failure);
            }
          });
      return null;
    } catch (TeacherException e) {
      return e;
    } finally {
      attempts.merge(stage, teacher.calls.get() - before, Integer::sum);
    }
  }

  boolean isSchemaRefusal(RequestRunner.Failure failure) {
    return failure.kind() == TeacherException.Kind.BAD_REQUEST
        && label.structured() == LabelConfig.Structured.ON
        && teacherConfig.provider() == TeacherConfig.Provider.OPENAI;
  }

  static String schemaHint() {
    return "; the server may not take a JSON schema: with label.structured auto the label stage"
        + " asks again without it";
  }

  Schema schema(boolean refusedUnderOn) {
    if (label.structured() == LabelConfig.Structured.OFF) {
      return Schema.NOT_ASKED;
    }
    if (teacherConfig.provider() != TeacherConfig.Provider.OPENAI) {
      return Schema.NOT_SENT;
    }
    if (refusedUnderOn) {
      return Schema.REJECTED;
    }
    return teacher.schemaRejected() ? Schema.FELL_BACK : Schema.ACCEPTED;
  }

  void problem(String stage, String reason) {
    problems.add(new Problem(stage, Secrets.redact(reason)));
  }

  Status status(String stage) {
    return problems.stream().anyMatch(p -> p.stage().equals(stage)) ? Status.FAILED : Status.OK;
  }

  /** Requests {@code stage} sent: its calls to the teacher but the retries. */
  int requests(String stage) {
    return attempts.getOrDefault(stage, 0) - (int) ledger.stage(stage).retries();
  }

  /**
   * Requests sent in all; one refused for its JSON schema and asked again without it counts twice,
   * as the server saw it twice.
   */
  int requests() {
    int all = attempts.values().stream().mapToInt(Integer::intValue).sum();
    return all - (int) ledger.total().retries() + (teacher.schemaRejected() ? 1 : 0);
  }

  StageUsage usage(String stage) {
    return ledger.stage(stage).rounded();
  }

  YieldEstimate.Tally tally(Cell cell) {
    return tallies.computeIfAbsent(cell, YieldEstimate.Tally::new);
  }

  static Cell cellOf(PromptSpec p) {
    return new Cell(p.category(), p.label(), p.language());
  }

  /** Questions of the label stage's requests, as {@link QuestionLabeler#planned} takes them. */
  static List<LabelPrompts.RespondItem> items(List<Labeled> questions) {
    List<LabelPrompts.RespondItem> items = new ArrayList<>();
    for (Labeled q : questions) {
      items.add(
          new LabelPrompts.RespondItem(
              String.valueOf(items.size() + 1), q.text(), q.label(), q.category(), q.language()));
    }
    return items;
  }

  /** Up to {@code max} items taking turns from each group, so every group is represented. */
  static <T> List<T> interleave(List<List<T>> groups, int max) {
    List<T> out = new ArrayList<>();
    for (int k = 0; out.size() < max; k++) {
      boolean any = false;
      for (List<T> g : groups) {
        if (k < g.size() && out.size() < max) {
          out.add(g.get(k));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return out;
  }

  /** The reply's first characters on one line, quoted. */
  static String start(String reply) {
    String oneLine = reply.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= REPLY_START
        ? "\"" + oneLine + "\""
        : "\"" + oneLine.substring(0, REPLY_START) + "…\"";
  }
}
