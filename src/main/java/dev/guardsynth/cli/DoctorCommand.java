package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.doctor.DoctorReport;
import dev.guardsynth.doctor.TeacherDoctor;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code guardsynth doctor}: probes the teacher with a few of the run's requests. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Check, with at most "
            + TeacherDoctor.MAX_REQUESTS
            + " requests, whether the teacher can do each stage (generate, judge, respond), and"
            + " estimate the yield and cost of the configured targets.",
    footer = {
      "",
      "It writes nothing: its requests are not journalled and count in no budget (a run pays for"
          + " them again). The report goes to stderr; --json puts it on stdout.",
      "",
      "Example:",
      "  guardsynth doctor --config my.yaml --base-url http://127.0.0.1:8000/v1 --model NAME"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every stage works with this teacher",
      "1:a stage does not: stderr names it and why (refusals, language, format, a failed request)",
      "2:bad usage or config",
      "3:stopped by Ctrl-C"
    })
final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand GuardsynthCommand root;
  @Mixin TeacherOptions teacherOptions;

  @Option(names = "--json", description = "Print the report as JSON on stdout.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    if (teacherOptions.record != null) {
      throw new ConfigException(
          "--record: doctor writes nothing, not even a cassette; leave --record out");
    }
    GuardsynthConfig config = teacherOptions.apply(root.common.load());
    root.stop().watch();
    DoctorReport report =
        TeacherDoctor.run(
            config, new TeacherDoctor.Options(root.env, teacherOptions.retryDelay(), root.stop()));
    PrintWriter err = spec.commandLine().getErr();
    if (json) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(Secrets.redact(Json.write(report)));
      out.flush();
    } else if (!root.common.quiet()) {
      err.print(Secrets.redact(report.text()));
    }
    for (DoctorReport.Problem p : report.problems()) {
      err.println("guardsynth doctor: " + p.stage() + ": " + Secrets.redact(p.reason()));
    }
    err.flush();
    return report.ok() ? Main.OK : Main.FAILED;
  }
}
