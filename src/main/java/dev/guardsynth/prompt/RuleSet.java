package dev.guardsynth.prompt;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A language and the rules that generation prompts in it carry, one list per label. Read from
 * {@code rules/<id>.yaml}. Immutable.
 *
 * @param id short id, written into prompt records ({@code ko}, {@code en})
 * @param language ISO 639-1 code of the questions ({@code ko})
 * @param languageName the language's English name, used inside prompts
 */
public record RuleSet(
    String id, String language, String languageName, List<String> unsafe, List<String> safe) {
  public RuleSet {
    unsafe = unsafe == null ? List.of() : List.copyOf(unsafe);
    safe = safe == null ? List.of() : List.copyOf(safe);
  }

  /**
   * The languages of the rule set files {@code files} that exist, in order, each once. For stages
   * that only name languages (the dataset card, when no question gives its own) and run without the
   * rule sets, such as {@code export} with a config made for another folder.
   */
  public static List<String> languages(List<String> files) {
    return files.stream()
        .map(Path::of)
        .filter(java.nio.file.Files::isRegularFile)
        .map(f -> read(f).language())
        .distinct()
        .toList();
  }

  /** Reads and checks a rule set file. */
  public static RuleSet read(Path file) {
    RuleSet rules = ConfigLoader.read(file, RuleSet.class, Map.of());
    if (rules.id() == null || !rules.id().matches("[a-z][a-z0-9_-]*")) {
      throw new ConfigException(
          file + ": id: '" + rules.id() + "' is not allowed; use a short lower-case id such as ko");
    }
    if (rules.language() == null || !rules.language().matches("[a-z]{2,3}")) {
      throw new ConfigException(
          file
              + ": language: '"
              + rules.language()
              + "' is not allowed; use an ISO 639-1 code such as ko or en");
    }
    if (rules.languageName() == null || rules.languageName().isBlank()) {
      throw new ConfigException(
          file + ": language_name is missing; give the language's English name, such as Korean");
    }
    return rules;
  }
}
