package dev.guardsynth.prompt;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The label stage's requests to the teacher: the judge's ({@code prompts/judge.md}, which lists the
 * taxonomy) and the safeguard response writer's ({@code prompts/respond.md}, told the question's
 * label, topic and language). The question itself is always the user message, alone, so the same
 * question always makes the same request. Immutable and thread-safe.
 */
public final class LabelPrompts {
  private final Taxonomy taxonomy;
  private final String judgeSystem;
  private final PromptTemplate respond;

  private LabelPrompts(Taxonomy taxonomy, String judgeSystem, PromptTemplate respond) {
    this.taxonomy = taxonomy;
    this.judgeSystem = judgeSystem;
    this.respond = respond;
  }

  /** Reads both templates; a missing one or an unknown placeholder is a {@code ConfigException}. */
  public static LabelPrompts read(Path promptsDir, Taxonomy taxonomy) {
    String judge =
        PromptTemplate.read(promptsDir.resolve("judge.md"))
            .render(Map.of("categories", GuardPrompts.categoryList(taxonomy)));
    LabelPrompts prompts =
        new LabelPrompts(taxonomy, judge, PromptTemplate.read(promptsDir.resolve("respond.md")));
    // Render once now, so a bad placeholder fails before the first paid request.
    prompts.respond("?", Label.SAFE, taxonomy.categories().get(0).id(), "en");
    return prompts;
  }

  /** A hash of both templates as rendered, so a prompt change re-runs the stage. */
  public String fingerprint() {
    return Ids.sha256Hex(judgeSystem + "\n" + respond.text());
  }

  public List<ChatMessage> judge(String question) {
    return List.of(ChatMessage.system(judgeSystem), ChatMessage.user(question));
  }

  /**
   * @param category the question's category id
   * @param language the question's ISO 639-1 code; the reply is asked for in that language
   */
  public List<ChatMessage> respond(String question, Label label, String category, String language) {
    Category c =
        taxonomy
            .find(category)
            .orElseThrow(() ->
                new IllegalArgumentException("category '" + category + "' is not in the taxonomy"));
    Map<String, String> values = new LinkedHashMap<>();
    values.put("label", label.json());
    values.put("category", c.name(language));
    values.put("category_en", c.name("en"));
    values.put("category_id", c.id());
    values.put("description", c.description());
    values.put("language", languageName(language));
    return List.of(ChatMessage.system(respond.render(values)), ChatMessage.user(question));
  }

  /** The English name of a language code ({@code ko} → Korean), or the code itself. */
  static String languageName(String code) {
    if (code == null || code.isBlank()) {
      return "the language of the question";
    }
    String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH);
    return name.isEmpty() ? code : name;
  }
}
