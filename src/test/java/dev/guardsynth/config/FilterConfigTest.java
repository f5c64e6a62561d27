package dev.guardsynth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterConfigTest {
  @TempDir Path dir;

  @Test
  void inlineFiltersResolvePathsAgainstTheConfigsFolder() throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("guardsynth.yaml"),
            """
            filters:
              min_chars: 4
              celebrities: lists/names.txt
              personal_data: mask
              rules:
                - {name: brands, lexicon: lists/brands.txt}
            label: {on_disagree: relabel, respond: false}
            """);
    GuardsynthConfig loaded = ConfigLoader.load(config, Map.of());
    FilterConfig f = loaded.filters();
    assertNull(f.file());
    assertEquals(4, f.minChars());
    assertEquals(300, f.maxChars());
    assertEquals(dir.resolve("lists/names.txt").toString(), f.celebrities());
    assertEquals(dir.resolve("lists/brands.txt").toString(), f.rules().get(0).lexicon());
    assertEquals("mask", f.personalData());
    assertEquals(List.of("malicious_personification"), f.aiTargetExempt());
    assertEquals(LabelConfig.OnDisagree.RELABEL, loaded.label().onDisagree());
    assertTrue(loaded.label().judge());
    assertEquals(false, loaded.label().respond());
  }

  @Test
  void aFiltersFileIsReadWithItsPathsRelativeToItself() throws IOException {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        dir.resolve("rules/filters.yaml"), "max_chars: 120\ncelebrities: names.txt\n");
    Path config =
        Files.writeString(dir.resolve("guardsynth.yaml"), "filters: rules/filters.yaml\n");
    FilterConfig f = ConfigLoader.load(config, Map.of()).filters();
    assertEquals(120, f.maxChars());
    assertEquals(dir.resolve("rules/names.txt").toString(), f.celebrities());
    assertEquals(dir.resolve("rules/filters.yaml").toAbsolutePath().toString(), f.file());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          'filters: {personal_data: maybe}'                    | filters.personal_data: 'maybe' is not allowed; use one of reject, mask, off
          'filters: {min_chars: 50, max_chars: 10}'            | filters.max_chars: 10 is not allowed; use a whole number from 50 to 1000000
          'filters: {min_char: 3}'                             | filters.min_char: unknown key; allowed keys:
          'filters: {rules: [{name: x, pattern: \"(\"}]}'      | rule 'x': pattern is not a valid Java regular expression
          'filters: {rules: [{name: x, words: [a], pattern: b}]}' | rule 'x': give exactly one of pattern, words or lexicon
          'filters: {rules: [{name: celebrity, words: [a]}]}'  | rules[0].name: 'celebrity' is already taken
          'label: {on_disagree: ignore}'                      | label.on_disagree: 'ignore' is not allowed; use one of reject, relabel
          'export: {format: parquet}'                         | export.format: 'parquet' is not allowed; use one of chat, flat, csv
          'export: {tasks: [detect, explain]}'                | export.tasks[1]: 'explain' is not allowed; use one of detect, respond
          'teacher: {base_url: [{url: "http://a/v1", concurrency: 0}]}' | teacher.base_url[0].concurrency: 0 is not allowed; use a whole number from 1 to 256
          'teacher: {base_url: ["http://a/v1", {concurrency: 2}]}' | teacher.base_url[1].url: missing; give each endpoint a base URL
          """)
  void badValuesNameTheFileTheKeyAndWhatIsAllowed(String yaml, String message) throws IOException {
    Path config = Files.writeString(dir.resolve("bad.yaml"), yaml + "\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(config, Map.of()));
    assertTrue(e.getMessage().startsWith(config.toString() + ":"), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void aFiltersFileThatNamesAnotherFileIsAnError() throws IOException {
    Files.writeString(dir.resolve("inner.yaml"), "min_chars: 3\n");
    Path outer = Files.writeString(dir.resolve("outer.yaml"), "file: inner.yaml\n");
    Path config = Files.writeString(dir.resolve("guardsynth.yaml"), "filters: outer.yaml\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(config, Map.of()));
    assertTrue(e.getMessage().startsWith(outer.toString()), e.getMessage());
  }
}
