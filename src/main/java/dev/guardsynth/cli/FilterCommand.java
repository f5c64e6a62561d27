package dev.guardsynth.cli;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.filter.FilterResult;
import dev.guardsynth.filter.QuestionFilter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
          + " --in output/demo/candidates.jsonl -o kept.jsonl --rejected rejected.jsonl"
    })
final class FilterCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description = "Questions (JSONL), or - for stdin (default: stdin).")
  String in;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Kept questions, or - for stdout (default: stdout).")
  String out;

  @Option(
      names = "--rejected",
      paramLabel = "FILE",
      description =
          "Where rejected questions go, with their reason (default: rejected.jsonl beside --out,"
              + " or in the working folder when writing to stdout).")
  Path rejected;

  @Override
  public Integer call() {
    QuestionFilter filter = QuestionFilter.open(common.load().filters());
    Path rejectedFile = rejected != null ? rejected : besideOutput(out, "rejected.jsonl");
    FilterResult result;
    try (JsonlReader<Candidate> reader = StageIo.input(in, Candidate.class);
        JsonlWriter kept = StageIo.output(out);
        JsonlWriter rejects = JsonlWriter.create(rejectedFile)) {
      result = filter.run(reader.stream(), kept::write, rejects::write);
      rejects.commit();
      kept.commit();
    }
    System.getLogger("guardsynth.filter")
        .log(
            System.Logger.Level.INFO,
            "filter: {0} questions, {1} kept ({2} masked), {3} rejected {4} into {5}",
            result.input(),
            result.kept(),
            result.masked(),
            result.rejected(),
            result.rejectedByReason(),
            rejectedFile);
    return Main.OK;
  }

  /** {@code name} in the folder of the output file, or in the working folder for stdout. */
  static Path besideOutput(String out, String name) {
    if (out == null || out.equals("-")) {
      return Path.of(name);
    }
    Path parent = Path.of(out).toAbsolutePath().getParent();
    return parent == null ? Path.of(name) : parent.resolve(name);
  }
}
