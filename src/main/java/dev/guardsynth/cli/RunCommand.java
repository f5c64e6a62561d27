package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.run.Pipeline;
import dev.guardsynth.run.RunRecord;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.StoppedException;
import dev.guardsynth.teacher.TeacherException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
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
      "  ${sys:guardsynth.command:-guardsynth} run --config ${sys:guardsynth.home:-.}/examples/demo/guardsynth.yaml"
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand GuardsynthCommand root;
  @Mixin TeacherOptions teacherOptions;

  @Option(
      names = "--run-name",
      paramLabel = "NAME",
      description = "Run folder name under output/ (default: the config's name).")
  String runName;

  @Option(
      names = "--json",
      description = "Print run.json's content (or, with --dry-run, the plan) on stdout.")
  boolean json;

  @Option(
      names = "--dry-run",
      description =
          "Show the plan without calling the teacher: prompts per stage, requests not yet in the"
              + " journal, estimated tokens and cost against the budget.")
  boolean dryRun;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description = "Teacher mode: sync, or batch for the OpenAI Batch API (default: from config).")
  String mode;

  @Option(
      names = "--previous",
      paramLabel = "DIR",
      description =
          "Dataset folder of the previous release to extend, such as output/<last-run>/dataset"
              + " (default: export.previous in the config); see docs/refresh.md.")
  java.nio.file.Path previous;

  @Override
  public Integer call() throws TeacherException, InterruptedException {
    GuardsynthConfig config = teacherOptions.apply(root.common.load());
    if (runName != null) {
      try {
        config = config.withName(runName);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--run-" + e.getMessage()); // the message starts "name: "
      }
    }
    if (previous != null) {
      String dataset = previous.toAbsolutePath().toString();
      config = config.toBuilder().export(config.export().withPrevious(dataset)).build();
    }
    if (mode != null) {
      try {
        config = config.withTeacher(config.teacher().withMode(mode));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--" + e.getMessage());
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    StopSignal stop = root.stop();
    ProgressDisplay progress =
        root.common.quiet() ? null : new ProgressDisplay(err, StderrTerminal.detect(root.env));
    Pipeline pipeline =
        new Pipeline(
            config,
            new Pipeline.Options(
                teacherOptions.record,
                root.env,
                teacherOptions.retryDelay(),
                Clock.systemUTC(),
                stop,
                progress,
                null));
    if (dryRun) {
      return DryRunReport.print(pipeline.dryRun(), json, spec.commandLine().getOut(), err);
    }
    stop.watch();
    RunRecord summary;
    try {
      summary = pipeline.run();
    } catch (StoppedException e) {
      if (progress != null) {
        progress.finish();
      }
      err.println("guardsynth run: " + e.getMessage());
      err.println("resume with: " + resumeCommand(config.name()));
      err.flush();
      return Main.STOPPED;
    } finally {
      if (progress != null) {
        progress.finish();
      }
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(summary));
      spec.commandLine().getOut().flush();
    }
    if (summary.stopReason() != null) {
      // Stopped by the budget: the dataset holds the completed rounds; a higher budget resumes.
      err.println("guardsynth run: " + summary.stopReason());
      err.println(shortCells(summary, config.targets().minFill()));
      err.println("dataset of what the run got: " + pipeline.directory().dataset());
      err.println("raise the budget, then resume with: " + resumeCommand(config.name()));
      err.flush();
      return Main.STOPPED;
    }
    if (!Boolean.TRUE.equals(summary.targetsMet())) {
      err.println(shortCells(summary, config.targets().minFill()));
      err.println("dataset of what the run got: " + pipeline.directory().dataset());
      err.flush();
      return Main.FAILED;
    }
    err.println("run complete: " + pipeline.directory().root());
    err.flush();
    return Main.OK;
  }

  /**
   * Why the run missed its targets, for stderr: the cells short of {@code targets.min_fill}, by id,
   * with what they got and why they got no more.
   */
  static String shortCells(RunRecord summary, double minFill) {
    List<RunRecord.ShortCell> cells =
        summary.shortCells() == null ? List.of() : summary.shortCells();
    StringBuilder out = new StringBuilder("guardsynth run: ");
    if (cells.isEmpty()) {
      return out.append("exported nothing (exported: ")
          .append(summary.exported())
          .append(")")
          .toString();
    }
    out.append(cells.size())
        .append(" cell(s) short of targets.min_fill ")
        .append(minFill)
        .append(":");
    for (RunRecord.ShortCell c : cells) {
      out.append("\n  ").append(c.describe());
    }
    return out.toString();
  }

  /** This command line again, naming the run folder, so the resumed run finds its journal. */
  private String resumeCommand(String name) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    boolean named =
        parsed.originalArgs().stream()
            .anyMatch(a -> a.equals("--run-name") || a.startsWith("--run-name="));
    return Main.resumeCommand(parsed, named ? List.of() : List.of("--run-name", name));
  }
}
