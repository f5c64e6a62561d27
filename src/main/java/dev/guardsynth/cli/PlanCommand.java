package dev.guardsynth.cli;

import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.run.PlanStage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
      "  guardsynth plan --config examples/demo/guardsynth.yaml -o prompts.jsonl",
      "",
      "The next round by hand, for what labeled.jsonl still lacks:",
      "  guardsynth plan --config examples/demo/guardsynth.yaml --existing labeled.jsonl"
          + " -o round2.jsonl"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:bad config, template or --existing file (nothing is written)"})
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Output file, or - for stdout (default: stdout).")
  String out;

  @Option(
      names = "--existing",
      paramLabel = "FILE",
      description =
          "Questions made so far (labeled.jsonl, or candidates): plan only each cell's deficit"
              + " (target minus what FILE holds), show them as examples to move away from, and"
              + " continue the axis design as the next round.")
  Path existing;

  @Override
  public Integer call() {
    PromptPlanner planner = PromptPlanner.open(CommonOptions.of(spec).load());
    List<PromptSpec> prompts;
    if (existing == null) {
      prompts = planner.plan();
    } else {
      try (JsonlReader<Labeled> reader = JsonlReader.open(existing, Labeled.class)) {
        prompts = planner.planAfter(reader.stream().toList());
      }
    }
    try (JsonlWriter writer = StageIo.output(out)) {
      PlanStage.write(prompts, writer);
    }
    return Main.OK;
  }
}
