package dev.guardsynth.prompt;

import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import java.nio.file.Path;
import java.util.Map;

/** The system prompts a trained guard model is given, rendered from the {@code prompts} folder. */
public final class GuardPrompts {
  private GuardPrompts() {}

  /**
   * The detect task's system prompt ({@code prompts/detect.md}), listing the taxonomy's category
   * ids and names so the model's answer uses exactly those ids.
   */
  public static String detectSystem(Path promptsDir, Taxonomy taxonomy) {
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
    return PromptTemplate.read(promptsDir.resolve("detect.md"))
        .render(Map.of("categories", categories.toString().strip()));
  }
}
