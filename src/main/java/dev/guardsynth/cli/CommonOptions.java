package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Options every command takes: the config file, verbosity and the stack trace switch. */
final class CommonOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Config file (default: ./guardsynth.yaml if present, else built-in defaults).")
  Path config;

  @ArgGroup(exclusive = true)
  Verbosity verbosity = new Verbosity();

  static final class Verbosity {
    @Option(
        names = {"-v", "--verbose"},
        description =
            "Log guardsynth's debug detail to stderr; -vv adds the libraries' (HTTP client, TLS).")
    boolean[] verbose = new boolean[0];

    @Option(names = "--quiet", description = "Log only warnings and errors.")
    boolean quiet;
  }

  @Option(
      names = {"-x", "--stacktrace"},
      description = "Print the stack trace of an error.")
  boolean stacktrace;

  /** Sends logs to stderr at the verbosity the options ask for. */
  void configureLogging() {
    Main.configureLogging(verbosity.verbose.length, verbosity.quiet);
  }

  /** Sets up logging and loads the config; call first in every command. */
  GuardsynthConfig load() {
    configureLogging();
    Path file = configFile();
    return file != null ? ConfigLoader.load(file) : ConfigLoader.defaults(Path.of(""));
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
