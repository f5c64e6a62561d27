package dev.guardsynth.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What the filter stage rejects. In {@code guardsynth.yaml} the {@code filters} key holds either
 * these keys inline or the path of a file that does ({@code filters: rules/filters.yaml}); file
 * paths inside are relative to the file that names them. Immutable; docs/dataset.md documents every
 * key.
 *
 * @param file the filters file these settings came from, or null when inline
 * @param minChars fewest characters (code points, surrounding space excluded) a question may have
 * @param maxChars most characters a question may have
 * @param language whether a question must be in its rule set's language
 * @param refusal whether to reject refusals the teacher left among its questions
 * @param metaText whether to reject the teacher's remarks ("Here are 10 questions:")
 * @param celebrities a lexicon file of names, one per line, or null for no celebrity check
 * @param aiTarget whether to reject questions addressed to the AI assistant itself
 * @param aiTargetExempt categories whose questions address the AI by design
 * @param personalData {@code reject}, {@code mask} or {@code off}
 * @param rules the user's own rules; a match rejects with reason {@code rule:<name>}
 */
public record FilterConfig(
    String file,
    Integer minChars,
    Integer maxChars,
    Boolean language,
    Boolean refusal,
    Boolean metaText,
    String celebrities,
    Boolean aiTarget,
    List<String> aiTargetExempt,
    String personalData,
    List<UserRule> rules) {
  public static final List<String> PERSONAL_DATA = List.of("reject", "mask", "off");

  // Names the built-in rules take in reasons; a user rule may not reuse them.
  private static final Set<String> BUILT_IN_RULES = Set.of("celebrity", "ai_target");

  public FilterConfig {
    minChars = Check.intRange("min_chars", minChars, 6, 1, 100_000);
    maxChars = Check.intRange("max_chars", maxChars, 300, minChars, 1_000_000);
    language = language == null || language;
    refusal = refusal == null || refusal;
    metaText = metaText == null || metaText;
    aiTarget = aiTarget == null || aiTarget;
    aiTargetExempt =
        aiTargetExempt == null ? List.of("malicious_personification") : List.copyOf(aiTargetExempt);
    personalData = Check.oneOf("personal_data", personalData, "reject", PERSONAL_DATA);
    rules = rules == null ? List.of() : List.copyOf(rules);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      String name = rules.get(i).name();
      if (BUILT_IN_RULES.contains(name) || !names.add(name)) {
        throw new IllegalArgumentException(
            "rules["
                + i
                + "].name: '"
                + name
                + "' is already taken (names must be unique and not celebrity or ai_target);"
                + " choose another name");
      }
    }
  }

  /**
   * {@code filters: path/to/filters.yaml}: a reference that {@link ConfigLoader} replaces with the
   * file's settings.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static FilterConfig ofFile(String file) {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException(
          "the file name is empty; give a filters file or the filter keys inline");
    }
    return new FilterConfig(file, null, null, null, null, null, null, null, null, null, null);
  }

  static FilterConfig defaults() {
    return new FilterConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** These settings with file paths resolved against {@code base}, noting where they came from. */
  FilterConfig resolved(Path base, String from) {
    Function<String, String> resolve =
        p -> p == null ? null : base.resolve(p).normalize().toString();
    List<UserRule> resolvedRules = new ArrayList<>();
    for (UserRule r : rules) {
      resolvedRules.add(new UserRule(r.name(), r.pattern(), r.words(), resolve.apply(r.lexicon())));
    }
    return new FilterConfig(
        from,
        minChars,
        maxChars,
        language,
        refusal,
        metaText,
        resolve.apply(celebrities),
        aiTarget,
        aiTargetExempt,
        personalData,
        resolvedRules);
  }

  /**
   * A rule of the user's: exactly one of a regular expression ({@code pattern}, found anywhere in
   * the question), a list of {@code words}, or a {@code lexicon} file of words, one per line.
   */
  public record UserRule(String name, String pattern, List<String> words, String lexicon) {
    public UserRule {
      if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
        throw new IllegalArgumentException(
            "name: '" + name + "' is not allowed; use lower-case letters, digits, '_' or '-'");
      }
      words = words == null ? null : List.copyOf(words);
      int given = (pattern == null ? 0 : 1) + (words == null ? 0 : 1) + (lexicon == null ? 0 : 1);
      if (given != 1) {
        throw new IllegalArgumentException(
            "rule '" + name + "': give exactly one of pattern, words or lexicon");
      }
      if (pattern != null) {
        try {
          Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "rule '"
                  + name
                  + "': pattern is not a valid Java regular expression: "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex());
        }
      }
    }
  }
}
