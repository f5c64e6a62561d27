package dev.guardsynth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code label.judges}, {@code vote}, {@code on_split} and {@code conflict_threshold} as read. */
class JuryConfigTest {
  @TempDir Path dir;

  GuardsynthConfig load(String label) throws Exception {
    Path file = Files.writeString(dir.resolve("guardsynth.yaml"), "label:\n" + label);
    return ConfigLoader.load(file, Map.of());
  }

  @Test
  void judgesAreTeacherSectionsWithTheirOwnDefaults() throws Exception {
    LabelConfig label =
        load("  judges:\n"
                + "    - {base_url: 'http://127.0.0.1:8001/v1', model: a, api_key_env: ''}\n"
                + "    - {provider: replay, cassette: judge.jsonl}\n"
                + "  on_split: controversial\n")
            .label();
    assertTrue(label.hasJury());
    assertEquals(LabelConfig.Vote.MAJORITY, label.voteRule());
    assertEquals(LabelConfig.OnSplit.CONTROVERSIAL, label.splitRule());
    assertEquals("a", label.judges().get(0).model());
    assertEquals(dir.resolve("judge.jsonl").toString(), label.judges().get(1).cassette());
    assertEquals(0.95, label.conflictThreshold());
  }

  @Test
  void withoutJudgesTheLabelSectionWritesAsBefore() throws Exception {
    LabelConfig label = load("  judge: true\n").label();
    assertFalse(label.hasJury());
    assertNull(label.vote());
    String json = Json.write(label);
    assertFalse(
        json.contains("judges") || json.contains("vote") || json.contains("on_split"), json);
  }

  @Test
  void badJuryKeysNameTheKeyAndWhatIsAllowed() {
    ConfigException noJury = assertThrows(ConfigException.class, () -> load("  vote: majority\n"));
    assertTrue(noJury.getMessage().contains("label.vote: only a jury votes"), noJury.getMessage());
    ConfigException one =
        assertThrows(ConfigException.class, () -> load("  judges: [{model: a}]\n"));
    assertTrue(one.getMessage().contains("list 2 to 9 teachers"), one.getMessage());
    ConfigException vote =
        assertThrows(
            ConfigException.class,
            () -> load("  judges: [{model: a}, {model: b}]\n  vote: most\n"));
    assertTrue(vote.getMessage().contains("use one of majority, unanimous"), vote.getMessage());
    ConfigException threshold =
        assertThrows(ConfigException.class, () -> load("  conflict_threshold: 0.2\n"));
    assertTrue(
        threshold
            .getMessage()
            .contains("conflict_threshold: 0.2 is not allowed; use a number from 0.5 to 1.0"),
        threshold.getMessage());
  }
}
