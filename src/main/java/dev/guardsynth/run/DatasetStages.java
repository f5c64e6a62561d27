package dev.guardsynth.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.export.DatasetExporter;
import dev.guardsynth.export.ExportResult;
import dev.guardsynth.filter.FilterResult;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.label.LabelResult;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.prompt.GuardPrompts;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.Usage;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The stages of {@code guardsynth run} that turn questions into a dataset: filter, label and
 * export, each skipped when its output exists and its inputs and settings are unchanged. Opened
 * before the first paid request, so a bad filters file or prompt template fails early.
 */
final class DatasetStages {
  private static final System.Logger LOG = System.getLogger("guardsynth.run");

  private final GuardsynthConfig config;
  private final Pipeline.Options options;
  private final RunDirectory dir;
  private final Taxonomy taxonomy;
  private final QuestionFilter filter;
  private final LabelPrompts labelPrompts;
  private final String detectSystem;
  private final String respondSystem;

  private DatasetStages(
      GuardsynthConfig config,
      Pipeline.Options options,
      RunDirectory dir,
      Taxonomy taxonomy,
      QuestionFilter filter,
      LabelPrompts labelPrompts,
      String detectSystem,
      String respondSystem) {
    this.config = config;
    this.options = options;
    this.dir = dir;
    this.taxonomy = taxonomy;
    this.filter = filter;
    this.labelPrompts = labelPrompts;
    this.detectSystem = detectSystem;
    this.respondSystem = respondSystem;
  }

  static DatasetStages open(
      GuardsynthConfig config, Pipeline.Options options, RunDirectory dir, Taxonomy taxonomy) {
    Path prompts = Path.of(config.prompts());
    return new DatasetStages(
        config,
        options,
        dir,
        taxonomy,
        QuestionFilter.open(config.filters()),
        LabelPrompts.read(config, taxonomy),
        GuardPrompts.detectSystem(prompts, taxonomy),
        GuardPrompts.respondSystem(prompts));
  }

  /** unique.jsonl (the dedup stage's output) → kept.jsonl + rejected.jsonl. */
  void filter(RunLog log) {
    Path input = dir.unique();
    String fingerprint =
        Ids.sha256Hex(input.getFileName() + Ids.sha256File(input) + filter.fingerprint());
    if (Pipeline.isDone(log, "filter", fingerprint, dir.kept())) {
      LOG.log(Level.INFO, "filter: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    FilterResult result;
    try (JsonlReader<Candidate> in = JsonlReader.open(input, Candidate.class);
        JsonlWriter kept = JsonlWriter.create(dir.kept());
        JsonlWriter rejected = JsonlWriter.create(dir.rejected())) {
      result = filter.run(in.stream(), kept::write, rejected::write);
      kept.commit();
      rejected.commit();
    }
    if (log.completedFingerprint("label") != null) {
      // rejected.jsonl was just rewritten without the label stage's part: label must run again
      // (its replies come from the journal, so that costs nothing).
      log.stage("label", "stale", null, 0, null);
    }
    log.stage("filter", "complete", fingerprint, Pipeline.seconds(start), result);
    LOG.log(
        Level.INFO,
        "filter: {0} questions from {1}, {2} kept, {3} rejected {4}",
        result.input(),
        input.getFileName(),
        result.kept(),
        result.rejected(),
        result.rejectedByReason());
  }

  /** kept.jsonl → labeled.jsonl + disagreements.jsonl, adding its rejections to rejected.jsonl. */
  void label(TeacherSession session, RunLog log) throws TeacherException, InterruptedException {
    String fingerprint =
        Ids.sha256Hex(
            Ids.sha256File(dir.kept())
                + Json.write(config.label())
                + Json.write(config.teacher())
                + labelPrompts.fingerprint());
    if (Pipeline.isDone(log, "label", fingerprint, dir.labeled())) {
      LOG.log(Level.INFO, "label: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    List<Candidate> kept = readAll(dir.kept(), Candidate.class);
    // Keep the filter's rejections; this stage's own from an earlier run are replaced.
    List<Rejected> earlier =
        readAll(dir.rejected(), Rejected.class).stream()
            .filter(r -> !QuestionLabeler.gave(r))
            .toList();
    LabelResult result;
    try (Journal journal = Journal.open(dir.responses());
        JsonlWriter labeled = JsonlWriter.create(dir.labeled());
        JsonlWriter rejected = JsonlWriter.create(dir.rejected());
        JsonlWriter disagreements = JsonlWriter.create(dir.disagreements())) {
      earlier.forEach(rejected::write);
      RequestRunner runner = session.runner("label", journal);
      result =
          new QuestionLabeler(runner, config.teacher(), config.label(), labelPrompts, taxonomy)
              .run(kept, labeled::write, rejected::write, disagreements::write);
      labeled.commit();
      rejected.commit();
      disagreements.commit();
    }
    log.stage("label", "complete", fingerprint, Pipeline.seconds(start), result);
    log.put("usage", generateUsage(log).plus(result.usage()));
    LOG.log(
        Level.INFO,
        "label: {0} questions, {1} labeled, {2} rejected {3}; judge agreed {4}, disagreed {5},"
            + " unparseable {6}; {7} requests ({8} from the journal)",
        result.input(),
        result.labeled(),
        result.rejected(),
        result.rejectedByReason(),
        result.agreed(),
        result.disagreed(),
        result.unparseable(),
        result.requests(),
        result.fromJournal());
  }

  /** labeled.jsonl → dataset/. */
  void export(RunLog log) {
    double threshold = config.dedup().threshold();
    String fingerprint =
        Ids.sha256Hex(
            Ids.sha256File(dir.labeled())
                + Json.write(config.export())
                + config.name()
                + threshold
                + taxonomy.ids()
                + detectSystem
                + respondSystem);
    if (Pipeline.isDone(log, "export", fingerprint, dir.dataset().resolve("manifest.json"))) {
      LOG.log(Level.INFO, "export: unchanged since the last run, skipped");
      return;
    }
    long start = System.nanoTime();
    List<Labeled> questions = readAll(dir.labeled(), Labeled.class);
    ExportResult result =
        new DatasetExporter(
                config.export(),
                taxonomy,
                new DatasetExporter.Options(config.name(), detectSystem, respondSystem, threshold))
            .write(questions, dir.dataset());
    log.stage("export", "complete", fingerprint, Pipeline.seconds(start), result);
    LOG.log(
        Level.INFO,
        "export: {0} questions, {1} records {2} into {3}",
        result.questions(),
        result.stats().records(),
        result.recordsPerSplit(),
        dir.dataset());
    if (result.stats().maxDeviation() > 1 + 1e-9) {
      LOG.log(
          Level.WARNING,
          "export: near-duplicate clusters left a label × category split {0} questions off its"
              + " target ratio, the closest their sizes allow; see max_deviation in"
              + " dataset/stats.json",
          result.stats().maxDeviation());
    }
  }

  private static <T> List<T> readAll(Path file, Class<T> type) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try (JsonlReader<T> in = JsonlReader.open(file, type)) {
      return in.stream().toList();
    }
  }

  private static Usage generateUsage(RunLog log) {
    try {
      var node = log.stageNode("generate").path("counts").path("usage");
      return node.isMissingNode() ? Usage.ZERO : Json.LENIENT.treeToValue(node, Usage.class);
    } catch (JsonProcessingException e) {
      return Usage.ZERO; // Only the run.json summary would lack the generate stage's tokens.
    }
  }
}
