package dev.guardsynth.run;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.dedup.DedupResult;
import dev.guardsynth.dedup.Deduplicator;
import dev.guardsynth.export.DatasetExporter;
import dev.guardsynth.export.ExportResult;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.GuardPrompts;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.Teachers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code guardsynth run}: drives every stage over one run directory, {@code output/<name>/}. A
 * stage whose output exists and whose inputs and config are unchanged since it completed is
 * skipped; the request journal means a re-run never pays for a reply it already has.
 */
public final class Pipeline {
  private static final System.Logger LOG = System.getLogger("guardsynth.run");

  /**
   * @param record a cassette to record teacher replies into, or null
   * @param env where API keys are read from (the process environment in production)
   * @param retryBaseDelay the first retry's wait (zero in tests)
   */
  public record Options(
      Path record, Map<String, String> env, Duration retryBaseDelay, Clock clock) {}

  private final GuardsynthConfig config;
  private final Options options;
  private final RunDirectory dir;

  public Pipeline(GuardsynthConfig config, Options options) {
    this.config = config;
    this.options = options;
    this.dir = new RunDirectory(Path.of(config.output()).resolve(config.name()));
  }

  public RunDirectory directory() {
    return dir;
  }

  /** Runs all stages; returns the run log's content as written to {@code run.json}. */
  public Map<String, Object> run() throws TeacherException, InterruptedException {
    // Everything that can be wrong with the config is found before the first paid request.
    PromptPlanner planner = PromptPlanner.open(config);
    String detectSystem = GuardPrompts.detectSystem(Path.of(config.prompts()), planner.taxonomy());
    try (Teacher teacher = Teachers.open(config.teacher(), options.env(), options.record())) {
      createDirectory();
      RunLog log = RunLog.open(dir.runJson(), config, options.clock());
      try {
        List<PromptSpec> prompts = plan(planner, log);
        generate(prompts, teacher, log);
        dedup(log);
        export(detectSystem, log);
        log.finish("complete");
        return log.asMap();
      } catch (InterruptedException e) {
        log.finish("stopped");
        throw e;
      } catch (TeacherException | RuntimeException e) {
        log.finish("failed");
        throw e;
      }
    }
  }

  private List<PromptSpec> plan(PromptPlanner planner, RunLog log) {
    long start = System.nanoTime();
    List<PromptSpec> prompts = planner.plan();
    JsonlWriter.writeAll(dir.prompts(), prompts);
    log.stage("plan", "complete", null, seconds(start), Map.of("prompts", prompts.size()));
    LOG.log(Level.INFO, "plan: {0} prompts", prompts.size());
    return prompts;
  }

  private void generate(List<PromptSpec> prompts, Teacher teacher, RunLog log)
      throws TeacherException, InterruptedException {
    String fingerprint =
        Ids.sha256Hex(Ids.sha256File(dir.prompts()) + Json.write(config.teacher()));
    if (isDone(log, "generate", fingerprint, dir.candidates())) {
      LOG.log(Level.INFO, "generate: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    GenerateResult result;
    try (Journal journal = Journal.open(dir.responses());
        JsonlWriter out = JsonlWriter.create(dir.candidates())) {
      RequestRunner runner =
          new RequestRunner(teacher, config.teacher(), journal, options.retryBaseDelay());
      result = new QuestionGenerator(runner, config.teacher()).run(prompts, out::write);
      out.commit();
    }
    log.stage("generate", "complete", fingerprint, seconds(start), result);
    log.put("usage", result.usage());
    LOG.log(
        Level.INFO,
        "generate: {0} requests ({1} from the journal), {2} candidates, {3} exact duplicates, {4} refusals, {5} unparseable lines",
        result.requests(),
        result.fromJournal(),
        result.candidates(),
        result.exactDuplicates(),
        result.refusals(),
        result.unparseable());
  }

  private void dedup(RunLog log) throws InterruptedException {
    String fingerprint =
        Ids.sha256Hex(Ids.sha256File(dir.candidates()) + Json.write(config.dedup()));
    if (isDone(log, "dedup", fingerprint, dir.unique())) {
      LOG.log(Level.INFO, "dedup: unchanged since the last run, skipped");
      return;
    }
    DedupResult result;
    // The run name is the release: re-running this run replaces its questions in the index
    // instead of finding them there as earlier duplicates.
    try (Deduplicator deduplicator = Deduplicator.open(config.dedup(), config.name());
        JsonlReader<Candidate> in = JsonlReader.open(dir.candidates(), Candidate.class);
        JsonlWriter unique = JsonlWriter.create(dir.unique());
        JsonlWriter duplicates = JsonlWriter.create(dir.duplicates());
        JsonlWriter crossLabel = JsonlWriter.create(dir.crossLabel())) {
      result = deduplicator.run(in.iterator(), unique::write, duplicates::write, crossLabel::write);
      duplicates.commit();
      crossLabel.commit();
      unique.commit();
      deduplicator.commit();
    }
    log.stage("dedup", "complete", fingerprint, result.seconds(), result);
    LOG.log(
        Level.INFO,
        "dedup: {0} questions, {1} kept, {2} duplicates, {3} cross-label pairs",
        result.questions(),
        result.unique(),
        result.duplicates(),
        result.crossLabelPairs());
  }

  private void export(String detectSystem, RunLog log) {
    String fingerprint =
        Ids.sha256Hex(Ids.sha256File(dir.unique()) + Json.write(config.export()) + detectSystem);
    if (isDone(log, "export", fingerprint, dir.dataset().resolve("manifest.json"))) {
      LOG.log(Level.INFO, "export: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    List<Candidate> questions;
    try (JsonlReader<Candidate> in = JsonlReader.open(dir.unique(), Candidate.class)) {
      questions = in.stream().toList();
    }
    ExportResult result =
        new DatasetExporter(config.export(), detectSystem).write(questions, dir.dataset());
    log.stage("export", "complete", fingerprint, seconds(start), result);
    LOG.log(Level.INFO, "export: {0} questions into {1}", result.questions(), dir.dataset());
  }

  private static boolean isDone(RunLog log, String stage, String fingerprint, Path output) {
    return fingerprint.equals(log.completedFingerprint(stage)) && Files.exists(output);
  }

  private void createDirectory() {
    try {
      Files.createDirectories(dir.root());
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + dir.root(), e);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
