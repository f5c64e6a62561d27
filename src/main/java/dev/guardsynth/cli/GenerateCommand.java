package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.run.GenerateStage;
import dev.guardsynth.teacher.TeacherException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code guardsynth generate}: sends prompts to the teacher and parses candidate questions. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Send prompts to the teacher and write the questions it returns (JSONL).",
    footer = {
      "",
      "Beside --out it keeps responses.jsonl (the request journal: re-running pays only for"
          + " what it lacks) and failures.jsonl (requests that failed for good, with their errors);"
          + " with the output on stdout, in a state folder outside the working folder, named on"
          + " stderr (--state-dir DIR names another).",
      "",
      "Example:",
      "  guardsynth plan --config examples/demo/guardsynth.yaml -o prompts.jsonl && guardsynth"
          + " generate --config examples/demo/guardsynth.yaml --in prompts.jsonl -o candidates.jsonl"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      TeacherStageOptions.OK,
      TeacherStageOptions.FAILED,
      Main.USAGE_LINE,
      Main.RESUME
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand GuardsynthCommand root;
  @Mixin TeacherStageOptions stageOptions;

  @Override
  public Integer call() throws TeacherException, InterruptedException {
    GuardsynthConfig config = stageOptions.teacher.apply(root.common.load());
    List<PromptSpec> prompts = StageIo.readAll(stageOptions.in, PromptSpec.class);
    try (TeacherStageOptions.Opened teacher = stageOptions.open(config, root, spec);
        JsonlWriter candidates = StageIo.output(stageOptions.out)) {
      stageOptions.sideFiles.announce();
      GenerateStage.run(teacher.session(), teacher.journal(), prompts, Set.of(), candidates);
    }
    return Main.OK;
  }
}
