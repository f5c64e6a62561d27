package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.PromptSpec;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code guardsynth generate}: sends prompts to the teacher and parses candidate questions. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Send prompts to the teacher and write the questions it returns (JSONL).",
    footer = {
      "",
      "Example:",
      "  guardsynth plan --config examples/demo/guardsynth.yaml | guardsynth generate --config examples/demo/guardsynth.yaml > candidates.jsonl"
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin TeacherOptions teacherOptions;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description = "Prompts (JSONL), or - for stdin (default: stdin).")
  String in;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Candidates file, or - for stdout (default: stdout).")
  String out;

  @Option(
      names = "--journal",
      paramLabel = "FILE",
      description =
          "Request journal: replies already in it are not requested again (default: none).")
  Path journal;

  @Override
  public Integer call() throws TeacherException, InterruptedException {
    GuardsynthConfig config = teacherOptions.apply(common.load());
    List<PromptSpec> prompts;
    try (JsonlReader<PromptSpec> reader = StageIo.input(in, PromptSpec.class)) {
      prompts = reader.stream().toList();
    }
    try (Teacher teacher = Teachers.open(config.teacher(), System.getenv(), teacherOptions.record);
        Journal j = journal == null ? null : Journal.open(journal);
        JsonlWriter writer = StageIo.output(out)) {
      RequestRunner runner =
          new RequestRunner(teacher, config.teacher(), j, Duration.ofMillis(500));
      GenerateResult result =
          new QuestionGenerator(runner, config.teacher()).run(prompts, writer::write);
      writer.commit();
      System.getLogger("guardsynth.generate")
          .log(
              System.Logger.Level.INFO,
              "generate: {0} requests, {1} candidates, {2} exact duplicates, {3} refusals, {4} unparseable lines",
              result.requests(),
              result.candidates(),
              result.exactDuplicates(),
              result.refusals(),
              result.unparseable());
    }
    return Main.OK;
  }
}
