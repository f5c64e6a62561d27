package dev.guardsynth.prompt;

import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The system prompts a trained guard model is given, rendered from the {@code prompts} folder. */
public final class GuardPrompts {
  private GuardPrompts() {}

  /**
   * The detect task's system prompt ({@code prompts/detect.md}), listing the taxonomy's category
   * ids and names so the model's answer uses exactly those ids.
   */
  public static String detectSystem(Path promptsDir, Taxonomy taxonomy) {
    return PromptTemplate.read(promptsDir.resolve("detect.md"))
        .require(
            List.of(
                PromptTemplate.Needed.of(
                    "categories",
                    "the trained guard answers with the id of a category listed there, and"
                        + " without it the detect records' answers name ids it never saw")))
        .render(Map.of("categories", categoryList(taxonomy)));
  }

  /** The respond task's system prompt ({@code prompts/safeguard.md}). */
  public static String respondSystem(Path promptsDir) {
    return PromptTemplate.read(promptsDir.resolve("safeguard.md")).render(Map.of());
  }

  /** One line per category: {@code - id: English name — description}. */
  static String categoryList(Taxonomy taxonomy) {
    StringBuilder categories = new StringBuilder();
    for (Category c : taxonomy.categories()) {
      categories
          .append("- ")
          .append(c.id())
          .append(": ")
          .append(c.name("en"))
          .append(" — ")
          .append(c.description())
          .append('\n');
    }
    return categories.toString().strip();
  }
}
