package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.label.LabelResult;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.Teachers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code guardsynth label}: has the teacher verify labels and write safeguard responses. */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description =
        "Have the teacher judge each question's label and category and write its safeguard"
            + " response.",
    footer = {
      "",
      "Example:",
      "  guardsynth label --config examples/demo/guardsynth.yaml --in kept.jsonl -o labeled.jsonl"
          + " --journal responses.jsonl"
    })
final class LabelCommand implements Callable<Integer> {
  @ParentCommand GuardsynthCommand root;
  @Mixin CommonOptions common;
  @Mixin TeacherOptions teacherOptions;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description = "Kept questions (JSONL), or - for stdin (default: stdin).")
  String in;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Labeled questions, or - for stdout (default: stdout).")
  String out;

  @Option(
      names = "--rejected",
      paramLabel = "FILE",
      description =
          "Where rejected questions go, with their reason (default: label_rejected.jsonl beside"
              + " --out, or in the working folder when writing to stdout; not rejected.jsonl, so"
              + " a filter's rejections in the same folder are kept).")
  Path rejected;

  @Option(
      names = "--disagreements",
      paramLabel = "FILE",
      description =
          "Where the judge's disagreements go, for audit (default: disagreements.jsonl beside"
              + " --out, or in the working folder).")
  Path disagreements;

  @Option(
      names = "--journal",
      paramLabel = "FILE",
      description =
          "Request journal: replies already in it are not requested again (default: none).")
  Path journal;

  @Override
  public Integer call() throws TeacherException, InterruptedException {
    GuardsynthConfig config = teacherOptions.apply(common.load());
    Taxonomy taxonomy = TaxonomyReader.read(Path.of(config.taxonomy()));
    LabelPrompts prompts = LabelPrompts.read(config, taxonomy);
    List<Candidate> questions;
    try (JsonlReader<Candidate> reader = StageIo.input(in, Candidate.class)) {
      questions = reader.stream().toList();
    }
    Path rejectedFile =
        rejected != null ? rejected : FilterCommand.besideOutput(out, "label_rejected.jsonl");
    Path disagreementsFile =
        disagreements != null
            ? disagreements
            : FilterCommand.besideOutput(out, "disagreements.jsonl");
    LabelResult result;
    try (Teacher teacher = Teachers.open(config.teacher(), root.env, teacherOptions.record);
        Journal j = journal == null ? null : Journal.open(journal);
        JsonlWriter labeled = StageIo.output(out);
        JsonlWriter rejects = JsonlWriter.create(rejectedFile);
        JsonlWriter disagreed = JsonlWriter.create(disagreementsFile)) {
      RequestRunner runner =
          new RequestRunner(teacher, config.teacher(), j, Duration.ofMillis(500));
      result =
          new QuestionLabeler(runner, config.teacher(), config.label(), prompts, taxonomy)
              .run(questions, labeled::write, rejects::write, disagreed::write);
      rejects.commit();
      disagreed.commit();
      labeled.commit();
    }
    System.getLogger("guardsynth.label")
        .log(
            System.Logger.Level.INFO,
            "label: {0} questions, {1} labeled, {2} rejected {3}; judge agreed {4}, disagreed {5},"
                + " unparseable {6}",
            result.input(),
            result.labeled(),
            result.rejected(),
            result.rejectedByReason(),
            result.agreed(),
            result.disagreed(),
            result.unparseable());
    return Main.OK;
  }
}
