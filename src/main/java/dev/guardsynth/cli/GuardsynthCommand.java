package dev.guardsynth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
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
      ExportCommand.class,
      RunCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Example (offline, replays a recorded teacher):",
      "  scripts/guardsynth run --config examples/demo/guardsynth.yaml"
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

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.BAD_INPUT;
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"guardsynth " + dev.guardsynth.run.ToolVersion.get()};
    }
  }
}
