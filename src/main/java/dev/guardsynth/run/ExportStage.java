package dev.guardsynth.run;

import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.export.DatasetExporter;
import dev.guardsynth.export.ExportResult;
import dev.guardsynth.prompt.GuardPrompts;
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.taxonomy.Taxonomy;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;

/**
 * The export stage as {@code guardsynth export} and {@code run} both call it: labeled questions to
 * a dataset folder with splits, card, stats and manifest. Opened before any paid request, so a bad
 * guard prompt fails early. Immutable.
 */
public final class ExportStage {
  private static final System.Logger LOG = System.getLogger("guardsynth.export");

  private final GuardsynthConfig config;
  private final Taxonomy taxonomy;
  private final String detectSystem;
  private final String respondSystem;

  private ExportStage(
      GuardsynthConfig config, Taxonomy taxonomy, String detectSystem, String respondSystem) {
    this.config = config;
    this.taxonomy = taxonomy;
    this.detectSystem = detectSystem;
    this.respondSystem = respondSystem;
  }

  /** Reads the guard prompts the config names. */
  public static ExportStage open(GuardsynthConfig config, Taxonomy taxonomy) {
    Path prompts = Path.of(config.prompts());
    return new ExportStage(
        config,
        taxonomy,
        GuardPrompts.detectSystem(prompts, taxonomy),
        GuardPrompts.respondSystem(prompts));
  }

  /** What decides this stage's output under {@code export}: its input and settings. */
  String fingerprint(ExportConfig export, Path questions) {
    return Ids.sha256Hex(Ids.sha256File(questions) + settings(export));
  }

  private String settings(ExportConfig export) {
    return Json.write(export)
        + Json.write(config.targets())
        + config.name()
        + config.dedup().threshold() // the near-duplicate clusters that splits keep whole
        + config.dedup().shingle()
        + config.dedup().numPerm()
        + "/"
        + config.dedup().bands()
        + taxonomy.ids()
        + detectSystem
        + respondSystem;
  }

  /** Writes {@code questions} as the dataset in {@code out} under {@code export}. */
  public ExportResult run(ExportConfig export, List<Labeled> questions, Path out) {
    return run(export, questions, out, List.of());
  }

  /**
   * Writes {@code questions} as the dataset in {@code out}; the card lists {@code shortCells}, the
   * run's cells short of their targets with their losses.
   */
  ExportResult run(
      ExportConfig export, List<Labeled> questions, Path out, List<String> shortCells) {
    return run(export, questions, out, shortCells, List.of());
  }

  /**
   * Like {@link #run(ExportConfig, List, Path, List)}; the card also says how the run's labels were
   * decided ({@code labelNotes}: conflicts, contrast pairs, a jury's agreement).
   */
  ExportResult run(
      ExportConfig export,
      List<Labeled> questions,
      Path out,
      List<String> shortCells,
      List<String> labelNotes) {
    ExportResult result =
        new DatasetExporter(
                export,
                taxonomy,
                new DatasetExporter.Options(
                    config.name(),
                    detectSystem,
                    respondSystem,
                    config.dedup(),
                    RuleSet.languages(config.rules()),
                    config.targets(),
                    shortCells,
                    labelNotes))
            .write(questions, out);
    LOG.log(
        Level.INFO,
        "export: {0} questions, {1} records {2} into {3}",
        result.questions(),
        result.stats().records(),
        result.recordsPerSplit(),
        out);
    if (result.stats().maxDeviation() > 1 + 1e-9) {
      LOG.log(
          Level.WARNING,
          "export: near-duplicate clusters left a label × category split {0} questions off its"
              + " target ratio, the closest their sizes allow; see max_deviation in"
              + " stats.json",
          result.stats().maxDeviation());
    }
    return result;
  }
}
