package dev.guardsynth.cli;

import dev.guardsynth.data.Json;
import dev.guardsynth.run.RunReport;
import dev.guardsynth.run.RunReportText;
import dev.guardsynth.run.RunStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code guardsynth stats}: the funnel of a run and the counts behind the dataset. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description =
        "Show a run's funnel (returned → candidates → unique → kept → labeled → exported, with"
            + " reasons), its category × label table, teacher refusals and judge agreement.",
    footer = {"", "Example:", "  guardsynth stats output/demo"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the funnel adds up",
      "1:some count does not add up (each problem is printed)",
      "2:not a run directory"
    })
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "RUN_DIR",
      description = "A run folder, such as output/demo.")
  Path runDir;

  @Option(names = "--json", description = "Print the report as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    CommonOptions.of(spec).configureLogging();
    RunReport report = RunStats.read(runDir);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? Json.write(report) + "\n" : RunReportText.render(report));
    out.flush();
    if (!report.consistent()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "guardsynth stats: " + runDir + ": the funnel does not add up; see the problems above");
      err.flush();
      return Main.FAILED;
    }
    return Main.OK;
  }
}
