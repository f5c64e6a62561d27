package dev.guardsynth.taxonomy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaxonomyReaderTest {
  @TempDir Path dir;

  @Test
  void theSeedTaxonomyHasTenCategoriesInThreeGroups() {
    Taxonomy t = TaxonomyReader.read(TestProject.ROOT.resolve("rules/taxonomy.yaml"));
    assertEquals(
        List.of(
            "crime_advice",
            "privacy_violation",
            "copyright_infringement",
            "discrimination_hate",
            "insult_offensiveness",
            "sexual_content_minors",
            "self_harm_suicide",
            "uncertain_prediction",
            "sensitive_biased_topic",
            "malicious_personification"),
        t.ids());
    assertEquals(3, t.groups().size());
    for (Category c : t.categories()) {
      assertFalse(c.name("ko").equals(c.name("en")), c.id() + " needs a Korean name");
      assertFalse(c.examples("ko").isEmpty(), c.id());
      assertFalse(c.examples("en").isEmpty(), c.id());
      assertTrue(
          c.subtopics().size() >= 4 && c.subtopics().size() <= 8,
          c.id() + " has " + c.subtopics().size() + " subtopics");
      for (Subtopic s : c.subtopics()) {
        assertFalse(s.name("ko").equals(s.name("en")), c.id() + "/" + s.id() + " needs ko");
      }
    }
  }

  private static final String ONE_CATEGORY =
      "groups: {legal: {en: Legal}}\ncategories:\n"
          + "  - id: crime_advice\n    group: legal\n    names: {en: Crime advice}\n"
          + "    description: d\n    subtopics:\n";

  @Test
  void subtopicIdsMustBeSnakeCaseAndUnique() throws Exception {
    ConfigException bad =
        read(
            ONE_CATEGORY
                + "      - {id: theft, names: {en: Theft}}\n"
                + "      - {id: Account-Hacking, names: {en: Hacking}}\n");
    assertTrue(
        bad.getMessage()
            .contains(
                "category 'crime_advice': subtopics[1].id: 'Account-Hacking' is not allowed;"
                    + " use snake_case"),
        bad.getMessage());
    ConfigException twice =
        read(
            ONE_CATEGORY
                + "      - {id: theft, names: {en: Theft}}\n"
                + "      - {id: theft, names: {en: Stealing}}\n");
    assertTrue(twice.getMessage().contains("subtopic 'theft' is listed twice"), twice.getMessage());
  }

  @Test
  void subtopicsNeedAnEnglishNameAndAtLeastTwoEntries() throws Exception {
    ConfigException noName =
        read(
            ONE_CATEGORY
                + "      - {id: theft, names: {ko: 절도}}\n"
                + "      - {id: fraud, names: {en: Fraud}}\n");
    assertTrue(
        noName.getMessage().contains("subtopic 'theft': names.en is missing"), noName.getMessage());
    ConfigException one = read(ONE_CATEGORY + "      - {id: theft, names: {en: Theft}}\n");
    assertTrue(
        one.getMessage().contains("subtopics: 1 given; list from 2 to 12"), one.getMessage());
  }

  @Test
  void anUnknownSubtopicKeyIsLocated() throws Exception {
    ConfigException e =
        read(ONE_CATEGORY + "      - {id: theft, names: {en: Theft}, descripton: x}\n");
    assertTrue(e.getMessage().contains("taxonomy.yaml:8:41: "), e.getMessage());
    assertTrue(
        e.getMessage().contains("descripton: unknown key; allowed keys: id, names"),
        e.getMessage());
  }

  private ConfigException read(String yaml) throws Exception {
    Path file = dir.resolve("taxonomy.yaml");
    Files.writeString(file, yaml);
    return assertThrows(ConfigException.class, () -> TaxonomyReader.read(file));
  }

  @Test
  void duplicateIdsAreRejected() throws Exception {
    ConfigException e =
        read(
            "groups: {legal: {en: Legal}}\ncategories:\n"
                + "  - {id: a, group: legal, names: {en: A}, description: d}\n"
                + "  - {id: a, group: legal, names: {en: B}, description: d}\n");
    assertTrue(e.getMessage().contains("category 'a': the id is used twice"), e.getMessage());
  }

  @Test
  void undeclaredGroupsAreRejected() throws Exception {
    ConfigException e =
        read(
            "groups: {legal: {en: Legal}}\ncategories:\n  - {id: a, group: ethics, names: {en: A}, description: d}\n");
    assertTrue(
        e.getMessage().contains("group 'ethics' is not declared; use one of legal"),
        e.getMessage());
  }

  @Test
  void idsMustBeSnakeCase() throws Exception {
    ConfigException e =
        read(
            "groups: {legal: {en: Legal}}\ncategories:\n  - {id: Crime-Advice, group: legal, names: {en: A}, description: d}\n");
    assertTrue(
        e.getMessage().contains("categories[0].id: 'Crime-Advice' is not allowed; use snake_case"),
        e.getMessage());
  }

  @Test
  void unknownKeysListTheAllowedOnes() throws Exception {
    ConfigException e =
        read("groups: {legal: {en: Legal}}\ncategories:\n  - id: a\n    min_exmples: 3\n");
    assertTrue(e.getMessage().contains(":4:"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "min_exmples: unknown key; allowed keys: description, examples, group, id, names, safe_examples, subtopics"),
        e.getMessage());
  }
}
