package dev.guardsynth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("guardsynth.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void unknownKeyNamesFileLineKeyAndAllowedKeys() throws Exception {
    Path file = write("name: x\nteacher:\n  model: m\n  concurency: 4\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().startsWith(file + ":4:"), e.getMessage());
    assertTrue(e.getMessage().contains("teacher.concurency: unknown key"), e.getMessage());
    assertTrue(e.getMessage().contains("allowed keys: api_key_env, base_url"), e.getMessage());
    assertTrue(e.getMessage().contains("concurrency"), e.getMessage());
  }

  @Test
  void badValueNamesKeyAndAllowedRange() throws Exception {
    Path file = write("teacher:\n  concurrency: -4\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("teacher.concurrency: -4 is not allowed; use a whole number from 1 to 256"),
        e.getMessage());
  }

  /**
   * A range error names the line of the value itself, not where Jackson finished reading its
   * section (the next section's line, or the end of the file); #20.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "targets.unsafe: -5 before another section|"
            + "name: x\\ntargets:\\n  unsafe: -5\\n  safe: 10\\nteacher:\\n  model: m\\n|3:3|"
            + "targets.unsafe: -5 is not allowed",
        "the last key of the last section|"
            + "name: x\\nteacher:\\n  model: m\\n  concurrency: 0\\n\\n# end\\n|4:3|"
            + "teacher.concurrency: 0 is not allowed",
        "a flow mapping|"
            + "name: x\\ntargets: {unsafe: 4, safe: 4, min_fill: 1.5}\\nteacher: {model: m}\\n|2:31|"
            + "targets.min_fill: 1.5 is not allowed",
        "targets that ask for nothing|"
            + "name: x\\ntargets:\\n  unsafe: 0\\n  safe: 0\\nexport:\\n  seed: 1\\n|3:3|"
            + "targets.unsafe: 0 and safe: 0 ask for no question at all"
      })
  void aValueOutOfRangeIsReportedAtItsOwnLine(
      String name, String yaml, String lineCol, String message) throws Exception {
    Path file = write(yaml.replace("\\n", "\n"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().startsWith(file + ":" + lineCol + ": " + message), e.getMessage());
  }

  @Test
  void badEnumValueListsTheChoices() throws Exception {
    Path file = write("teacher:\n  provider: openia\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(
        e.getMessage()
            .contains(
                "teacher.provider: 'openia' is not allowed; use one of openai, anthropic, ollama, replay"),
        e.getMessage());
  }

  @Test
  void wrongTypeIsLocated() throws Exception {
    Path file = write("targets:\n  unsafe: lots\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().startsWith(file + ":2:"), e.getMessage());
    assertTrue(e.getMessage().contains("targets.unsafe"), e.getMessage());
  }

  @Test
  void splitsMustAddUpToOne() throws Exception {
    Path file = write("export:\n  splits: {train: 0.8, validation: 0.3, test: 0.1}\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().contains("does not add up to 1"), e.getMessage());
  }

  @Test
  void expandsEnvironmentVariablesAndResolvesPathsAgainstTheConfigFolder() throws Exception {
    Path file = write("# ${NOT_SET} in a comment is fine\nname: ${RUN}\ntaxonomy: rules/t.yaml\n");
    GuardsynthConfig config = ConfigLoader.load(file, Map.of("RUN", "nightly"));
    assertEquals("nightly", config.name());
    assertEquals(dir.resolve("rules/t.yaml").toString(), config.taxonomy());
    assertEquals(4, config.teacher().concurrency());
  }

  @Test
  void anUnsetVariableIsAnErrorNamingIt() throws Exception {
    Path file = write("name: ${RUN_NAME}\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertEquals(
        file + ":1:7: environment variable RUN_NAME is not set; set it or remove the reference",
        e.getMessage());
  }

  @Test
  void aMissingFileSaysSo() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of()));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }
}
