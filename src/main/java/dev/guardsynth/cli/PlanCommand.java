package dev.guardsynth.cli;

import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.run.PlanStage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code guardsynth plan}: expands the taxonomy and rule sets into generation prompts. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Expand categories × labels × rule sets into generation prompts (JSONL).",
    footer = {
      "",
      "Example:",
      "  guardsynth plan --config examples/demo/guardsynth.yaml -o prompts.jsonl"
    })
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Output file, or - for stdout (default: stdout).")
  String out;

  @Override
  public Integer call() {
    List<PromptSpec> prompts = PromptPlanner.open(common.load()).plan();
    try (JsonlWriter writer = StageIo.output(out)) {
      PlanStage.write(prompts, writer);
    }
    return Main.OK;
  }
}
