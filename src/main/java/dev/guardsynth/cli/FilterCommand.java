package dev.guardsynth.cli;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.run.FilterStage;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code guardsynth filter}: drops questions that break a rule, each with its one reason. */
@Command(
    name = "filter",
    mixinStandardHelpOptions = true,
    description =
        "Drop questions that are too short or long, in the wrong language, refusals, teacher"
            + " remarks, personal data or against a rule; write why to rejected.jsonl.",
    footer = {
      "",
      "Example:",
      "  guardsynth filter --config examples/demo/guardsynth.yaml"
          + " --in output/demo/unique.jsonl -o kept.jsonl --rejected rejected.jsonl",
      "",
      "Without --rejected, rejected.jsonl goes beside --out; with the output on stdout, to a"
          + " state folder outside the working folder, named on stderr (--state-dir DIR names"
          + " another)."
    })
final class FilterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand GuardsynthCommand root;

  @Mixin QuestionsInOut io;

  @Option(
      names = "--rejected",
      paramLabel = "FILE",
      description =
          "Where rejected questions go, with their reason (default: rejected.jsonl in"
              + " --state-dir).")
  Path rejected;

  @Mixin SideFiles stateDir;

  @Override
  public Integer call() {
    QuestionFilter filter = QuestionFilter.open(root.common.load().filters());
    SideFiles.Place sideFiles =
        stateDir.place(
            spec.name(), io.out, root.env, SideFiles.identity(root.common.configFile(), io.in));
    try (JsonlReader<Candidate> reader = StageIo.input(io.in, Candidate.class);
        JsonlWriter kept = StageIo.output(io.out);
        JsonlWriter rejects = JsonlWriter.create(sideFiles.file(rejected, "rejected.jsonl"))) {
      sideFiles.announce();
      FilterStage.run(filter, reader.stream(), kept, rejects);
    }
    return Main.OK;
  }
}
