package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.run.Pipeline;
import dev.guardsynth.teacher.TeacherException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code guardsynth run}: runs every stage into {@code output/<run-name>/}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run every stage, from plan to export, into output/<run-name>/; re-running resumes.",
    footer = {
      "",
      "Example (offline):",
      "  scripts/guardsynth run --config examples/demo/guardsynth.yaml"
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin TeacherOptions teacherOptions;

  @Option(
      names = "--run-name",
      paramLabel = "NAME",
      description = "Run folder name under output/ (default: the config's name).")
  String runName;

  @Option(names = "--json", description = "Print run.json's content on stdout when done.")
  boolean json;

  @Override
  public Integer call() throws TeacherException, InterruptedException {
    GuardsynthConfig config = teacherOptions.apply(common.load());
    if (runName != null) {
      config = config.withName(runName);
    }
    Pipeline pipeline =
        new Pipeline(
            config,
            new Pipeline.Options(
                teacherOptions.record, System.getenv(), Duration.ofMillis(500), Clock.systemUTC()));
    Map<String, Object> summary = pipeline.run();
    if (json) {
      spec.commandLine().getOut().println(Json.write(summary));
      spec.commandLine().getOut().flush();
    }
    spec.commandLine().getErr().println("run complete: " + pipeline.directory().root());
    spec.commandLine().getErr().flush();
    return Main.OK;
  }
}
