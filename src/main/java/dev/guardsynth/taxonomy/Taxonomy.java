package dev.guardsynth.taxonomy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The harm taxonomy: groups and their categories, in file order. Ids are unique snake_case and
 * every category's group exists (checked by {@link TaxonomyReader}). Immutable.
 *
 * @param groups group display names by group id, then language code
 */
public record Taxonomy(Map<String, Map<String, String>> groups, List<Category> categories) {
  public Taxonomy {
    groups = groups == null ? Map.of() : Map.copyOf(groups);
    categories = categories == null ? List.of() : List.copyOf(categories);
  }

  public Optional<Category> find(String id) {
    return categories.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  public List<String> ids() {
    return categories.stream().map(Category::id).toList();
  }

  /** The group's name in {@code language}, else English, else its id. */
  public String groupName(String group, String language) {
    Map<String, String> names = groups.getOrDefault(group, Map.of());
    return names.getOrDefault(language, names.getOrDefault("en", group));
  }
}
