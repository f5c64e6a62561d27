package dev.guardsynth.taxonomy;

import java.util.List;
import java.util.Map;

/**
 * One harm category of the taxonomy. Immutable.
 *
 * @param id stable snake_case id, written into every record
 * @param group the group id (legal, ethical, etc)
 * @param names display names by language code ({@code en}, {@code ko}, ...)
 * @param description one line saying what the category covers
 * @param subtopics narrower themes the planner spreads prompts over, in file order; may be empty
 * @param examples mild example harmful questions by language code
 * @param safeExamples harmless questions on the same topic (hard negatives) by language code
 */
public record Category(
    String id,
    String group,
    Map<String, String> names,
    String description,
    List<Subtopic> subtopics,
    Map<String, List<String>> examples,
    Map<String, List<String>> safeExamples) {
  public Category {
    names = names == null ? Map.of() : Map.copyOf(names);
    subtopics = subtopics == null ? List.of() : List.copyOf(subtopics);
    examples = examples == null ? Map.of() : copyLists(examples);
    safeExamples = safeExamples == null ? Map.of() : copyLists(safeExamples);
  }

  private static Map<String, List<String>> copyLists(Map<String, List<String>> m) {
    return m.entrySet().stream()
        .collect(
            java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey,
                e -> e.getValue() == null ? List.of() : List.copyOf(e.getValue())));
  }

  /** The name in {@code language}, else English, else the id. */
  public String name(String language) {
    return names.getOrDefault(language, names.getOrDefault("en", id));
  }

  /** Example harmful questions in {@code language}, else English ones. */
  public List<String> examples(String language) {
    return examples.getOrDefault(language, examples.getOrDefault("en", List.of()));
  }

  /** Example harmless questions in {@code language}, else English ones. */
  public List<String> safeExamples(String language) {
    return safeExamples.getOrDefault(language, safeExamples.getOrDefault("en", List.of()));
  }
}
