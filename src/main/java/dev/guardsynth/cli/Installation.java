package dev.guardsynth.cli;

import java.nio.file.Path;

/**
 * Where guardsynth runs from, as its launcher tells it: {@code bin/guardsynth} of an installation
 * and {@code scripts/guardsynth} of a checkout both set {@code guardsynth.home} (the folder holding
 * the bundled {@code rules/}, {@code prompts/} and {@code examples/}) and {@code
 * guardsynth.command} (what the user types to run it again from where they are: {@code guardsynth}
 * when that is on PATH, else the launcher's path as invoked). Started otherwise (tests, plain
 * {@code java}), home is the working folder and the command is {@code guardsynth}.
 */
final class Installation {
  static final String HOME_PROPERTY = "guardsynth.home";
  static final String COMMAND_PROPERTY = "guardsynth.command";

  private Installation() {}

  /** The folder of the bundled taxonomy, rules, prompts and demo. */
  static Path home() {
    String home = System.getProperty(HOME_PROPERTY);
    return home == null || home.isBlank() ? Path.of("") : Path.of(home);
  }

  /** The command that runs guardsynth from the working folder, quoted for a POSIX shell. */
  static String command() {
    String command = System.getProperty(COMMAND_PROPERTY);
    return command == null || command.isBlank() ? "guardsynth" : Main.shellWord(command);
  }
}
