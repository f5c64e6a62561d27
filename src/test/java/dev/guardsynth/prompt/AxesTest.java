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
    // At the share's own line (4), not at the end of the file, where the axis was read (#20).
    assertTrue(share.startsWith(dir.resolve("axes.yaml") + ":4:5: "), share);
  }

  @Test
  void unknownKeysAreLocatedAndListTheAllowedOnes() throws Exception {
    String e =
        error(
            "axes:\n  - id: persona\n    names: {en: Who}\n    values:\n"
                + "      - {id: teen, names: {en: a teenager}, instructions: Ask.}\n");
    assertTrue(e.contains("axes.yaml:5:"), e);
    assertTrue(
        e.contains("instructions: unknown key; allowed keys: id, instruction, languages, names"),
        e);
  }

  @Test
  void theBundledKoreanRegistersApplyToKoreanAndCodeSwitchingHasALinePerLanguage() {
    Axes axes = Axes.read(TestProject.ROOT.resolve("rules/axes.yaml"));
    Axes.Axis style = axes.axes().get(1);
    Map<String, Axes.AxisValue> values = new java.util.LinkedHashMap<>();
    style.values().forEach(v -> values.put(v.id(), v));
    assertEquals(List.of("ko"), values.get("polite_formal").languages());
    assertEquals(List.of("ko"), values.get("casual_banmal").languages());
    assertTrue(values.get("polite_formal").instruction("ko").contains("존댓말"));
    Axes.AxisValue codeSwitching = values.get("code_switching");
    assertTrue(codeSwitching.appliesTo("en") && codeSwitching.appliesTo("ko"));
    assertTrue(codeSwitching.instruction("en").contains("Korean words"));
    assertTrue(codeSwitching.instruction("ko").contains("English words"));
    assertTrue(codeSwitching.instruction("ja").contains("Korean words"), "others take en's");
    assertEquals(
        List.of(
            "direct",
            "indirect_hypothetical",
            "roleplay_fiction",
            "asking_for_a_friend",
            "chat_slang",
            "code_switching"),
        axes.forCell(Label.UNSAFE, "en").get(1).values().stream().map(Axes.AxisValue::id).toList());
    assertEquals(8, axes.forCell(Label.UNSAFE, "ko").get(1).values().size());
    assertThrows(
        IllegalArgumentException.class, () -> values.get("polite_formal").instruction("en"));
  }

  @Test
  void anAxisWithNoValueForALanguageIsLeftOutOfItsPrompts() throws Exception {
    Path file = dir.resolve("axes.yaml");
    Files.writeString(
        file,
        "axes:\n  - id: register\n    names: {en: Register}\n    values:\n"
            + "      - {id: jondaetmal, names: {en: polite}, languages: [ko], instruction: Polite.}\n"
            + "      - {id: banmal, names: {en: casual}, languages: [ko], instruction: Casual.}\n"
            + "  - id: persona\n    names: {en: Who}\n"
            + VALUES);
    Axes axes = Axes.read(file);
    assertEquals(
        List.of("register", "persona"),
        axes.forCell(Label.SAFE, "ko").stream().map(Axes.Axis::id).toList());
    assertEquals(
        List.of("persona"), axes.forCell(Label.SAFE, "en").stream().map(Axes.Axis::id).toList());
  }

  /** An axes file of one axis whose second value is {@code value}, a block of YAML lines. */
  private String valueError(String value) throws Exception {
    return error(
        "axes:\n"
            + "  - id: style\n"
            + "    names: {en: How}\n"
            + "    values:\n"
            + "      - id: direct\n"
            + "        names: {en: direct}\n"
            + "        instruction: Ask directly.\n"
            + value
            + "      - id: last\n"
            + "        names: {en: last}\n"
            + "        instruction: Ask last.\n");
  }

  @Test
  void languagesAreCheckedAndLocated() throws Exception {
    String unknown =
        valueError(
            "      - id: polite\n"
                + "        names: {en: polite}\n"
                + "        languages: [ko, kor]\n"
                + "        instruction: Polite.\n");
    assertTrue(
        unknown.contains(
            "axes.yaml:10:25: axis 'style', value 'polite': languages[1]: 'kor' is not a language"
                + " code; use ISO 639-1 codes"),
        unknown);
    String empty =
        valueError(
            "      - id: polite\n"
                + "        names: {en: polite}\n"
                + "        languages: []\n"
                + "        instruction: Polite.\n");
    assertTrue(
        empty.contains("axes.yaml:10:9: axis 'style', value 'polite': languages: [] names no"),
        empty);
    String twice =
        valueError(
            "      - id: polite\n"
                + "        names: {en: polite}\n"
                + "        languages: [ko, ko]\n"
                + "        instruction: Polite.\n");
    assertTrue(twice.contains("axes.yaml:10:25: "), twice);
    assertTrue(twice.contains("languages: 'ko' is listed twice"), twice);
  }

  @Test
  void anInstructionMapNeedsALineForEveryLanguageTheValueAppliesTo() throws Exception {
    String missing =
        valueError(
            "      - id: switching\n"
                + "        names: {en: code-switching}\n"
                + "        languages: [ko, en]\n"
                + "        instruction:\n"
                + "          ko: Mix in English words.\n");
    assertTrue(
        missing.contains(
            "axes.yaml:11:9: axis 'style', value 'switching': instruction.en is missing; the value"
                + " applies to ko, en, so give a line for each"),
        missing);
    String noFallback =
        valueError(
            "      - id: switching\n"
                + "        names: {en: code-switching}\n"
                + "        instruction: {ko: Mix in English words.}\n");
    assertTrue(
        noFallback.contains(
            "axes.yaml:10:9: axis 'style', value 'switching': instruction.en is missing; without"
                + " languages the value applies to every language"),
        noFallback);
    String extra =
        valueError(
            "      - id: polite\n"
                + "        names: {en: polite}\n"
                + "        languages: [ko]\n"
                + "        instruction:\n"
                + "          ko: Use 존댓말.\n"
                + "          en: Be polite.\n");
    assertTrue(
        extra.contains(
            "axes.yaml:13:11: axis 'style', value 'polite': instruction.en: the value does not"
                + " apply to 'en' (languages: [ko]); add it to languages or remove this line"),
        extra);
    String badKey =
        valueError(
            "      - id: polite\n"
                + "        names: {en: polite}\n"
                + "        instruction: {en: Be polite., Korean: Use 존댓말.}\n");
    assertTrue(
        badKey.contains("axes.yaml:10:39: axis 'style', value 'polite': instruction.Korean:"),
        badKey);
    assertTrue(badKey.contains("is not a language code"), badKey);
    String list =
        valueError(
            "      - id: polite\n"
                + "        names: {en: polite}\n"
                + "        instruction: [Be polite., Use 존댓말.]\n");
    assertTrue(
        list.contains(
            "instruction: a list is not allowed; give one line of text, or one line per language"),
        list);
    String blank =
        valueError(
            "      - id: polite\n"
                + "        names: {en: polite}\n"
                + "        languages: [ko]\n"
                + "        instruction: {ko: ''}\n");
    assertTrue(
        blank.contains("axes.yaml:11:23: axis 'style', value 'polite': instruction.ko is empty"),
        blank);
  }

  @Test
  void existingChecksPointAtTheirLineToo() throws Exception {
    String noInstruction =
        valueError("      - id: polite\n        names: {en: polite}\n        languages: [ko]\n");
    assertTrue(
        noInstruction.contains(
            "axes.yaml:8:9: axis 'style', value 'polite': instruction is missing"),
        noInstruction);
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
