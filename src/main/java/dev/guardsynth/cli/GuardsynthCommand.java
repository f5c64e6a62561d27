package dev.guardsynth.cli;

import dev.guardsynth.teacher.StopSignal;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the subcommands and, called alone, prints usage and exits 2. */
@Command(
    name = "guardsynth",
    mixinStandardHelpOptions = true,
    versionProvider = GuardsynthCommand.VersionProvider.class,
    description = "Build training data for small guardian (safety classifier) models.",
    subcommands = {
      InitCommand.class,
      TaxonomyCommand.class,
      PlanCommand.class,
      GenerateCommand.class,
      DedupCommand.class,
      FilterCommand.class,
      LabelCommand.class,
      ExportCommand.class,
      EvalCommand.class,
      RunCommand.class,
      StatsCommand.class,
      DoctorCommand.class,
      CompletionCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Example (offline, replays a recorded teacher):",
      "  ${sys:guardsynth.command:-guardsynth} run --config ${sys:guardsynth.home:-.}/examples/demo/guardsynth.yaml"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure while running",
      "2:bad usage, config or input",
      "3:stopped early by a budget or an interruption (resumable)"
    })
public final class GuardsynthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** -v, --quiet, -x and --config, inherited by every subcommand (which reads them here). */
  @Mixin CommonOptions common;

  // Set by Main's shutdown hook on Ctrl-C or SIGTERM; commands that honour it stop cleanly.
  private final StopSignal stop = new StopSignal();

  /** Where API keys are read from: the process environment, or a map given by tests. */
  final java.util.Map<String, String> env;

  public GuardsynthCommand() {
    this(System.getenv());
  }

  public GuardsynthCommand(java.util.Map<String, String> env) {
    this.env = java.util.Map.copyOf(env);
  }

  /** The signal that asks the running command to stop cleanly; one per command line. */
  StopSignal stop() {
    return stop;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.BAD_INPUT;
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "guardsynth "
            + dev.guardsynth.run.ToolVersion.get()
            + " (commit "
            + dev.guardsynth.run.ToolVersion.commit()
            + ")"
      };
    }
  }
}
