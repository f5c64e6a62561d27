package dev.guardsynth.cli;

import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.run.ExportStage;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code guardsynth export}: writes the fine-tuning dataset with train/validation/test splits. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Write labeled questions as a fine-tuning dataset with train/validation/test splits.",
    footer = {
      "",
      "Example:",
      "  guardsynth export --config examples/demo/guardsynth.yaml"
          + " --in output/demo/labeled.jsonl -o dataset"
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description =
          "Labeled questions (JSONL, such as labeled.jsonl), or - for stdin (default: stdin).")
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

  @Option(
      names = "--format",
      paramLabel = "NAME",
      description =
          "chat, flat, csv or openai (OpenAI fine-tuning lines: messages only) (default:"
              + " export.format in the config).")
  String format;

  @Option(
      names = "--tasks",
      paramLabel = "TASK",
      split = ",",
      description = "detect and/or respond, comma-separated (default: export.tasks in the config).")
  List<String> tasks;

  @Option(
      names = "--previous",
      paramLabel = "DIR",
      description =
          "Dataset folder of the previous release to extend: its records stay as they are, in"
              + " their splits, and new questions near one of them join its split (default:"
              + " export.previous in the config).")
  Path previous;

  @Override
  public Integer call() {
    GuardsynthConfig config = CommonOptions.of(spec).load();
    ExportConfig e = config.export();
    ExportConfig export;
    try {
      export =
          new ExportConfig(
              tasks != null ? tasks.stream().map(ExportConfig.Task::of).toList() : e.tasks(),
              format != null ? ExportConfig.Format.of(format) : e.format(),
              e.splits(),
              seed != null ? seed : e.seed(),
              e.license(),
              previous != null ? previous.toString() : e.previous());
    } catch (IllegalArgumentException bad) {
      // The message starts with the key, which is also the option's name.
      throw new ParameterException(spec.commandLine(), "--" + bad.getMessage());
    }
    ExportStage stage = ExportStage.open(config, TaxonomyReader.read(Path.of(config.taxonomy())));
    stage.run(export, StageIo.readAll(in, Labeled.class), out);
    return Main.OK;
  }
}
