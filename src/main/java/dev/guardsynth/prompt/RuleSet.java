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
 * @param checks the rules the label stage's judge checks, each a yes/no question in the same judge
 *     request; a "yes" rejects the question with reason {@code rule:<id>}
 */
public record RuleSet(
    String id,
    String language,
    String languageName,
    List<String> unsafe,
    List<String> safe,
    List<Check> checks) {
  public RuleSet {
    unsafe = unsafe == null ? List.of() : List.copyOf(unsafe);
    safe = safe == null ? List.of() : List.copyOf(safe);
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  /** A rule set without judge checks. */
  public RuleSet(
      String id, String language, String languageName, List<String> unsafe, List<String> safe) {
    this(id, language, languageName, unsafe, safe, null);
  }

  /**
   * A rule the judge checks.
   *
   * @param id short snake_case id; a violation is rejected with reason {@code rule:<id>}
   * @param judgeCheck a yes/no question about the question, asked so that "yes" means the rule is
   *     broken ("Does the question name a real celebrity?")
   */
  public record Check(String id, String judgeCheck) {}

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
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < rules.checks().size(); i++) {
      Check c = rules.checks().get(i);
      String where = file + ": checks[" + i + "]";
      if (c == null || c.id() == null || !c.id().matches("[a-z][a-z0-9_]{0,39}")) {
        throw new ConfigException(
            where
                + ".id: '"
                + (c == null ? null : c.id())
                + "' is not allowed; use a short snake_case id such as no_celebrity");
      }
      if (!ids.add(c.id())) {
        throw new ConfigException(
            where + ".id: '" + c.id() + "' is used twice; give each check its own id");
      }
      if (c.judgeCheck() == null || c.judgeCheck().isBlank()) {
        throw new ConfigException(
            where
                + ".judge_check is missing; write the yes/no question the judge answers, so that"
                + " yes means the rule is broken");
      }
    }
    return rules;
  }
}
