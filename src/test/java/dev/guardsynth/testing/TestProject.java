package dev.guardsynth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Writes configs into a temp folder that point at the project's real rules and prompts. */
public final class TestProject {
  /** The project root (surefire runs tests there). */
  public static final Path ROOT = Path.of("").toAbsolutePath();

  private TestProject() {}

  /** A YAML list of the bundled rule set files with these ids. */
  public static String rules(String... ids) {
    return Arrays.stream(ids)
        .map(id -> ROOT.resolve("rules/" + id + ".yaml").toString())
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * Writes {@code dir/guardsynth.yaml}: the bundled taxonomy and prompts, output under {@code
   * dir/output}, then {@code extra} YAML (which may override any of those keys).
   */
  public static Path writeConfig(Path dir, String extra) throws IOException {
    StringBuilder yaml = new StringBuilder();
    if (!extra.contains("taxonomy:")) {
      yaml.append("taxonomy: ").append(ROOT.resolve("rules/taxonomy.yaml")).append('\n');
    }
    if (!extra.contains("prompts:")) {
      yaml.append("prompts: ").append(ROOT.resolve("prompts")).append('\n');
    }
    if (!extra.contains("output:")) {
      yaml.append("output: ").append(dir.resolve("output")).append('\n');
    }
    yaml.append(extra);
    Path file = dir.resolve("guardsynth.yaml");
    Files.writeString(file, yaml.toString());
    return file;
  }
}
