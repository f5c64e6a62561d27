package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.run.LabelStage;
import dev.guardsynth.taxonomy.TaxonomyReader;
import dev.guardsynth.teacher.TeacherException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code guardsynth label}: has the teacher verify labels and write safeguard responses. */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description =
        "Have the teacher judge each question's label and category and write its safeguard"
            + " response.",
    footer = {
      "",
      "Beside --out it writes label_rejected.jsonl and disagreements.jsonl, and keeps"
          + " responses.jsonl (the request journal) and failures.jsonl; with the output on stdout,"
          + " in a state folder outside the working folder, named on stderr (--state-dir DIR"
          + " names another).",
      "",
      "Example:",
      "  guardsynth label --config examples/demo/guardsynth.yaml --in kept.jsonl -o labeled.jsonl"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      TeacherStageOptions.OK,
      TeacherStageOptions.FAILED,
      Main.USAGE_LINE,
      Main.RESUME
    })
final class LabelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand GuardsynthCommand root;
  @Mixin TeacherStageOptions stageOptions;

  @Option(
      names = "--rejected",
      paramLabel = "FILE",
      description =
          "Where rejected questions go, with their reason (default: label_rejected.jsonl in"
              + " --state-dir; as in a run folder, the filter's rejected.jsonl beside it is left"
              + " alone).")
  Path rejected;

  @Option(
      names = "--disagreements",
      paramLabel = "FILE",
      description =
          "Where the judge's disagreements go, for audit (default: disagreements.jsonl in"
              + " --state-dir).")
  Path disagreements;

  @Override
  public Integer call() throws TeacherException, InterruptedException {
    GuardsynthConfig config = stageOptions.teacher.apply(root.common.load());
    LabelStage stage = LabelStage.open(config, TaxonomyReader.read(Path.of(config.taxonomy())));
    List<Candidate> questions = StageIo.readAll(stageOptions.in, Candidate.class);
    try (TeacherStageOptions.Opened teacher = stageOptions.open(config, root, spec);
        JsonlWriter labeled = StageIo.output(stageOptions.out);
        JsonlWriter rejects =
            JsonlWriter.create(stageOptions.sideFiles.file(rejected, "label_rejected.jsonl"));
        JsonlWriter disagreed =
            JsonlWriter.create(stageOptions.sideFiles.file(disagreements, "disagreements.jsonl"))) {
      stageOptions.sideFiles.announce();
      stage.run(
          teacher.session(), teacher.journal(), questions, List.of(), labeled, rejects, disagreed);
    }
    return Main.OK;
  }
}
