package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Options every command takes: the config file, verbosity and the stack trace switch. The root
 * command mixes them in once, inherited by every subcommand, so they go before or after the
 * subcommand alike ({@code guardsynth -x run} = {@code guardsynth run -x}); either way the value
 * lands here, on the root's instance, which subcommands reach through their parent.
 */
final class CommonOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "Config file (default: ./guardsynth.yaml if present, else built-in defaults).")
  Path config;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description =
          "Log guardsynth's debug detail to stderr; -vv adds the libraries' (HTTP client, TLS).")
  boolean[] verbose = new boolean[0];

  @Option(
      names = "--quiet",
      scope = ScopeType.INHERIT,
      description = "Log only warnings and errors.")
  boolean quiet;

  @Option(
      names = {"-x", "--stacktrace"},
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error.")
  boolean stacktrace;

  /** The shared options of the command line {@code spec} belongs to (they live on its root). */
  static CommonOptions of(CommandSpec spec) {
    return ((GuardsynthCommand) spec.root().userObject()).common;
  }

  /** Whether {@code --quiet} was given (and checked against {@code -v}). */
  boolean quiet() {
    checkVerbosity();
    return quiet;
  }

  /**
   * Sends logs to stderr at the verbosity the options ask for. (An inherited option cannot sit in
   * an exclusive argument group, so {@code -v} against {@code --quiet} is checked here.)
   */
  void configureLogging() {
    checkVerbosity();
    Main.configureLogging(verbose.length, quiet);
  }

  private void checkVerbosity() {
    if (quiet && verbose.length > 0) {
      throw new ParameterException(
          mixee.commandLine(),
          "Error: --verbose and --quiet are mutually exclusive (specify only one)");
    }
  }

  /** Sets up logging and loads the config; call first in every command. */
  GuardsynthConfig load() {
    configureLogging();
    Path file = configFile();
    return file != null ? ConfigLoader.load(file) : ConfigLoader.defaults(Installation.home());
  }

  /** The config file {@link #load} reads: {@code --config}, else ./guardsynth.yaml, else null. */
  Path configFile() {
    if (config != null) {
      return config;
    }
    Path local = Path.of("guardsynth.yaml");
    return Files.exists(local) ? local : null;
  }
}
