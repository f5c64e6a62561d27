package dev.guardsynth.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.data.Label;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AxesTest {
  @TempDir Path dir;

  @Test
  void theBundledAxesCoverWhoAsksHowAndHardNegativesAndAShareOfJailbreaks() {
    Axes axes = Axes.read(TestProject.ROOT.resolve("rules/axes.yaml"));
    assertEquals(
        List.of("persona", "style", "length", "hard_negative", "adversarial"),
        axes.axes().stream().map(Axes.Axis::id).toList());
    assertEquals(
        List.of("persona", "style", "length", "adversarial"),
        axes.forLabel(Label.UNSAFE).stream().map(Axes.Axis::id).toList());
    Axes.Axis adversarial = axes.axes().get(4);
    assertEquals(0.2, adversarial.share());
    assertEquals(
        List.of(
            "roleplay",
            "hypothetical",
            "fiction",
            "payload_splitting",
            "refusal_suppression",
            "translation"),
        adversarial.values().stream().map(Axes.AxisValue::id).toList());
    for (Axes.Axis axis : axes.axes()) {
      for (Axes.AxisValue v : axis.values()) {
        assertTrue(!v.name("ko").equals(v.name("en")), axis.id() + "/" + v.id() + " needs ko");
      }
    }
  }

  private String error(String yaml) throws Exception {
    Path file = dir.resolve("axes.yaml");
    Files.writeString(file, yaml);
    return assertThrows(ConfigException.class, () -> Axes.read(file)).getMessage();
  }

  private static final String VALUES =
      "    values:\n"
          + "      - {id: teen, names: {en: a teenager}, instruction: Ask as a teenager.}\n"
          + "      - {id: parent, names: {en: a parent}, instruction: Ask as a parent.}\n";

  @Test
  void axisIdsAreCheckedAndSubtopicIsReserved() throws Exception {
    String reserved = error("axes:\n  - id: subtopic\n    names: {en: Who}\n" + VALUES);
    assertTrue(reserved.contains("axis 'subtopic': the id is reserved"), reserved);
    String twice =
        error(
            "axes:\n  - id: persona\n    names: {en: Who}\n"
                + VALUES
                + "  - id: persona\n    names: {en: Who}\n"
                + VALUES);
    assertTrue(twice.contains("axis 'persona': the id is used twice"), twice);
    String bad = error("axes:\n  - id: Persona\n    names: {en: Who}\n" + VALUES);
    assertTrue(bad.contains("axes[0].id: 'Persona' is not allowed; use snake_case"), bad);
  }

  @Test
  void valuesNeedIdsNamesAndOneLineInstructions() throws Exception {
    String one =
        error(
            "axes:\n  - id: persona\n    names: {en: Who}\n    values:\n"
                + "      - {id: teen, names: {en: a teenager}, instruction: Ask.}\n");
    assertTrue(one.contains("axis 'persona': values: 1 given; list at least 2"), one);
    String noInstruction =
        error(
            "axes:\n  - id: persona\n    names: {en: Who}\n    values:\n"
                + "      - {id: teen, names: {en: a teenager}}\n"
                + "      - {id: parent, names: {en: a parent}, instruction: Ask.}\n");
    assertTrue(
        noInstruction.contains("axis 'persona', value 'teen': instruction is missing"),
        noInstruction);
    String noName =
        error(
            "axes:\n  - id: persona\n    names: {en: Who}\n    values:\n"
                + "      - {id: teen, names: {ko: 십대}, instruction: Ask.}\n"
                + "      - {id: parent, names: {en: a parent}, instruction: Ask.}\n");
    assertTrue(noName.contains("value 'teen': names.en is missing"), noName);
  }

  @Test
  void aSharedAxisKeepsNoneForItselfAndItsShareInRange() throws Exception {
    String none =
        error(
            "axes:\n  - id: adversarial\n    names: {en: Wrapping}\n    share: 0.2\n    values:\n"
                + "      - {id: none, names: {en: none}, instruction: Nothing.}\n");
    assertTrue(none.contains("value 'none': 'none' is what prompts outside the share get"), none);
    String share =
        error(
            "axes:\n  - id: adversarial\n    names: {en: Wrapping}\n    share: 1.5\n    values:\n"
                + "      - {id: roleplay, names: {en: role-play}, instruction: Role-play.}\n");
    assertTrue(
        share.contains("axes[0].share: 1.5 is not allowed; use a number above 0 and at most 1"),
        share);
  }

  @Test
  void unknownKeysAreLocatedAndListTheAllowedOnes() throws Exception {
    String e =
        error(
            "axes:\n  - id: persona\n    names: {en: Who}\n    values:\n"
                + "      - {id: teen, names: {en: a teenager}, instructions: Ask.}\n");
    assertTrue(e.contains("axes.yaml:5:"), e);
    assertTrue(e.contains("instructions: unknown key; allowed keys: id, instruction, names"), e);
  }

  @Test
  void withoutAnAxesKeyTheFileBesideTheTaxonomyIsUsedIfThereIsOne() throws Exception {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.copy(TestProject.ROOT.resolve("rules/taxonomy.yaml"), rules.resolve("taxonomy.yaml"));
    Path config = dir.resolve("g.yaml");
    Files.writeString(config, "taxonomy: rules/taxonomy.yaml\n");
    assertEquals(List.of(), Axes.of(ConfigLoader.load(config, Map.of())).axes());
    Files.writeString(
        rules.resolve("axes.yaml"), "axes:\n  - id: persona\n    names: {en: Who}\n" + VALUES);
    assertEquals(1, Axes.of(ConfigLoader.load(config, Map.of())).axes().size());
    Files.writeString(config, "taxonomy: rules/taxonomy.yaml\naxes: rules/other.yaml\n");
    String missing =
        assertThrows(ConfigException.class, () -> Axes.of(ConfigLoader.load(config, Map.of())))
            .getMessage();
    assertTrue(missing.contains("other.yaml: no such file"), missing);
  }
}
