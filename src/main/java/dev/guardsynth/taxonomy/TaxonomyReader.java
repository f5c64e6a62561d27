package dev.guardsynth.taxonomy;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and validates {@code taxonomy.yaml}. */
public final class TaxonomyReader {
  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  private static final int MAX_SUBTOPICS = 12;

  private TaxonomyReader() {}

  /**
   * Reads {@code file}. Errors name the file, the category and the rule broken: ids must be unique
   * snake_case, groups must be declared, each category needs an English name and a description.
   */
  public static Taxonomy read(Path file) {
    Taxonomy taxonomy =
        ConfigLoader.read(
            file,
            Taxonomy.class,
            Map.of(),
            "a taxonomy holds 'groups' and a list of 'categories', each with id, group, names and"
                + " description; see rules/taxonomy.yaml");
    if (taxonomy.categories().isEmpty()) {
      throw new ConfigException(
          file + ": categories: the list is empty; add at least one category");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < taxonomy.categories().size(); i++) {
      Category c = taxonomy.categories().get(i);
      String where = file + ": categories[" + i + "]";
      if (c.id() == null || !SNAKE_CASE.matcher(c.id()).matches()) {
        throw new ConfigException(
            where
                + ".id: '"
                + c.id()
                + "' is not allowed; use snake_case such as privacy_violation");
      }
      where = file + ": category '" + c.id() + "'";
      if (!seen.add(c.id())) {
        throw new ConfigException(where + ": the id is used twice; ids must be unique");
      }
      if (c.group() == null || !taxonomy.groups().containsKey(c.group())) {
        throw new ConfigException(
            where
                + ": group '"
                + c.group()
                + "' is not declared; use one of "
                + String.join(", ", taxonomy.groups().keySet().stream().sorted().toList())
                + " or add it under 'groups'");
      }
      if (!c.names().containsKey("en")) {
        throw new ConfigException(where + ": names.en is missing; give an English name");
      }
      if (c.description() == null || c.description().isBlank()) {
        throw new ConfigException(where + ": description is missing; give one line");
      }
      checkSubtopics(where, c);
    }
    return taxonomy;
  }

  /**
   * A category may leave subtopics out (its prompts then cover the whole category), but a list with
   * one entry splits nothing, and past {@value #MAX_SUBTOPICS} a cell's prompts spread too thin for
   * every subtopic to meet every persona and style.
   */
  private static void checkSubtopics(String where, Category c) {
    int n = c.subtopics().size();
    if (n == 1 || n > MAX_SUBTOPICS) {
      throw new ConfigException(
          where
              + ": subtopics: "
              + n
              + " given; list from 2 to "
              + MAX_SUBTOPICS
              + " (4 to 8 works best), or leave the key out");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Subtopic s = c.subtopics().get(i);
      if (s.id() == null || !SNAKE_CASE.matcher(s.id()).matches()) {
        throw new ConfigException(
            where
                + ": subtopics["
                + i
                + "].id: '"
                + s.id()
                + "' is not allowed; use snake_case such as account_hacking");
      }
      if (!seen.add(s.id())) {
        throw new ConfigException(
            where + ": subtopic '" + s.id() + "' is listed twice; subtopic ids must be unique");
      }
      if (s.names().getOrDefault("en", "").isBlank()) {
        throw new ConfigException(
            where + ": subtopic '" + s.id() + "': names.en is missing; give an English name");
      }
    }
  }
}
