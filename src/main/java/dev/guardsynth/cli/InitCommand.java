package dev.guardsynth.cli;

import dev.guardsynth.data.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code guardsynth init}: writes a starter config, with the taxonomy, rules and prompts it names
 * copied beside it (files already there are kept). Copies rather than absolute paths into the
 * checkout: the config then runs wherever it is written, from an installed jar too, and the copies
 * are the user's to edit.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Write a starter guardsynth.yaml, with the taxonomy, rules and prompts beside it.",
    footer = {"", "Example:", "  guardsynth init my-project/guardsynth.yaml"})
final class InitCommand implements Callable<Integer> {
  /** Where the build puts the project's rules/ and prompts/ on the classpath. */
  private static final String DEFAULTS = "/dev/guardsynth/defaults";

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      defaultValue = "guardsynth.yaml",
      paramLabel = "FILE",
      description = "Where to write it (default: ${DEFAULT-VALUE}).")
  Path file;

  @Option(names = "--force", description = "Overwrite an existing config file.")
  boolean force;

  @Override
  public Integer call() {
    if (Files.exists(file) && !force) {
      spec.commandLine()
          .getErr()
          .println("guardsynth init: " + file + " already exists; pass --force to overwrite it");
      return Main.BAD_INPUT;
    }
    Path dir = file.toAbsolutePath().getParent();
    List<String> copied = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String folder : List.of("rules", "prompts")) {
      copyDefaults(folder, dir, copied, kept);
    }
    try (InputStream in = InitCommand.class.getResourceAsStream("/dev/guardsynth/starter.yaml")) {
      AtomicFile.writeBytes(file, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
    var err = spec.commandLine().getErr();
    err.println("wrote " + file);
    if (!copied.isEmpty()) {
      err.println(
          "copied the bundled taxonomy, rules and prompts beside it ("
              + copied.size()
              + " files under "
              + dir.resolve("rules")
              + " and "
              + dir.resolve("prompts")
              + "); edit them there");
    }
    if (!kept.isEmpty()) {
      err.println("kept " + kept.size() + " files already there: " + String.join(", ", kept));
    }
    err.println(
        "edit the teacher section, then: "
            + Installation.command()
            + " run --config "
            + Main.shellWord(file.toString()));
    return Main.OK;
  }

  /** Copies the bundled {@code folder} into {@code dir/folder}, keeping files that exist. */
  private static void copyDefaults(
      String folder, Path dir, List<String> copied, List<String> kept) {
    URL url = InitCommand.class.getResource(DEFAULTS + "/" + folder);
    if (url == null) {
      throw new IllegalStateException(
          "the bundled " + folder + "/ is missing from the build; rebuild with scripts/build");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          copyTree(jar.provider().getPath(uri), dir.resolve(folder), folder, copied, kept);
        }
      } else {
        copyTree(Path.of(uri), dir.resolve(folder), folder, copied, kept);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copying the bundled " + folder + "/ into " + dir, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the bundled " + folder + "/ has no usable location", e);
    }
  }

  private static void copyTree(
      Path from, Path to, String folder, List<String> copied, List<String> kept)
      throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.filter(Files::isRegularFile).sorted().toList()) {
        String relative = from.relativize(source).toString();
        Path target = to.resolve(relative);
        if (Files.exists(target)) {
          kept.add(folder + "/" + relative);
        } else {
          AtomicFile.writeBytes(target, Files.readAllBytes(source));
          copied.add(folder + "/" + relative);
        }
      }
    }
  }
}
