package dev.guardsynth.taxonomy;

import java.util.Map;

/**
 * A narrower theme inside a category ({@code crime_advice} → {@code account_hacking}). The planner
 * spreads each cell's prompts evenly over a category's subtopics, and the id travels into every
 * record as the {@code subtopic} axis. Immutable.
 *
 * @param id snake_case id, unique within its category
 * @param names display names by language code; {@code en} is required
 */
public record Subtopic(String id, Map<String, String> names) {
  public Subtopic {
    names = names == null ? Map.of() : Map.copyOf(names);
  }

  /** The name in {@code language}, else English, else the id. */
  public String name(String language) {
    return names.getOrDefault(language, names.getOrDefault("en", id));
  }
}
