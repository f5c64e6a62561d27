package dev.guardsynth.cli;

import dev.guardsynth.data.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code guardsynth init}: writes a starter config. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Write a starter guardsynth.yaml.",
    footer = {"", "Example:", "  guardsynth init guardsynth.yaml"})
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      defaultValue = "guardsynth.yaml",
      paramLabel = "FILE",
      description = "Where to write it (default: ${DEFAULT-VALUE}).")
  Path file;

  @Option(names = "--force", description = "Overwrite an existing file.")
  boolean force;

  @Override
  public Integer call() {
    if (Files.exists(file) && !force) {
      spec.commandLine()
          .getErr()
          .println("guardsynth init: " + file + " already exists; pass --force to overwrite it");
      return Main.BAD_INPUT;
    }
    try (InputStream in = InitCommand.class.getResourceAsStream("/dev/guardsynth/starter.yaml")) {
      AtomicFile.writeBytes(file, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
    spec.commandLine()
        .getErr()
        .println(
            "wrote " + file + "; edit the teacher section, then: guardsynth run --config " + file);
    return Main.OK;
  }
}
