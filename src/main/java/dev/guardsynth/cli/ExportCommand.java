package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.export.DatasetExporter;
import dev.guardsynth.export.ExportResult;
import dev.guardsynth.prompt.GuardPrompts;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code guardsynth export}: writes the fine-tuning dataset with train/validation/test splits. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Write questions as a fine-tuning dataset with train/validation/test splits.",
    footer = {
      "",
      "Example:",
      "  guardsynth export --config examples/demo/guardsynth.yaml --in candidates.jsonl -o dataset"
    })
final class ExportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description = "Questions (JSONL), or - for stdin (default: stdin).")
  String in;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      required = true,
      description = "Dataset folder to write.")
  Path out;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Split seed (default: export.seed in the config).")
  Long seed;

  @Override
  public Integer call() {
    GuardsynthConfig config = common.load();
    var export = config.export();
    if (seed != null) {
      export =
          new dev.guardsynth.config.ExportConfig(
              export.tasks(), export.format(), export.splits(), seed);
    }
    String system =
        GuardPrompts.detectSystem(
            Path.of(config.prompts()), TaxonomyReader.read(Path.of(config.taxonomy())));
    List<Candidate> questions;
    try (JsonlReader<Candidate> reader = StageIo.input(in, Candidate.class)) {
      questions = reader.stream().toList();
    }
    ExportResult result = new DatasetExporter(export, system).write(questions, out);
    System.getLogger("guardsynth.export")
        .log(
            System.Logger.Level.INFO,
            "export: {0} questions into {1} {2}",
            result.questions(),
            out,
            result.recordsPerSplit());
    return Main.OK;
  }
}
