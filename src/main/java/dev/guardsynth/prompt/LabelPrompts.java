package dev.guardsynth.prompt;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.Taxonomy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The label stage's requests to the teacher: the judge's ({@code prompts/judge.md}, which lists the
 * taxonomy and the rule set's checks) and the safeguard response writer's ({@code
 * prompts/respond.md}). Laid out for providers' prompt caches (OpenAI caches a long shared prefix
 * on its own; vLLM has prefix caching): the system message is the static part, byte-identical for
 * every request of a stage (per rule set, for the judge), and the user message, last, holds only
 * the questions of the request, as a JSON list with an id each. The same questions always make the
 * same request. Immutable and thread-safe.
 */
public record LabelPrompts(
    Taxonomy taxonomy,
    Map<String, String> judgeSystems, // by language: each rule set's own checks
    Map<String, RuleSet> ruleSets, // by language
    String judgeNoRules,
    String respondSystem) {

  /** Reads both templates and the config's rule sets; a bad one is a {@code ConfigException}. */
  public static LabelPrompts read(GuardsynthConfig config, Taxonomy taxonomy) {
    List<RuleSet> ruleSets = new ArrayList<>();
    for (String file : config.rules()) {
      ruleSets.add(RuleSet.read(Path.of(file)));
    }
    return read(Path.of(config.prompts()), taxonomy, ruleSets);
  }

  /**
   * @param ruleSets the run's rule sets; a question is judged against the first one of its
   *     language, and against no checks when none has its language
   */
  public static LabelPrompts read(Path promptsDir, Taxonomy taxonomy, List<RuleSet> ruleSets) {
    PromptTemplate judge =
        PromptTemplate.read(promptsDir.resolve("judge.md"))
            .require(
                List.of(
                    PromptTemplate.Needed.of(
                        "categories", "the judge answers with the id of a category listed there"),
                    PromptTemplate.Needed.of(
                        "checks",
                        "the judge answers the rule set's checks listed there, which reject a"
                            + " question that breaks a rule (reason rule:<id>)"),
                    PromptTemplate.Needed.of(
                        "check_shape",
                        "it shows the judge the JSON object its checks are answered in, which"
                            + " the reply parser reads; without it every verdict can come back"
                            + " unreadable")));
    String categories = GuardPrompts.categoryList(taxonomy);
    Map<String, String> judgeSystems = new LinkedHashMap<>();
    Map<String, RuleSet> byLanguage = new LinkedHashMap<>();
    for (RuleSet rules : ruleSets) {
      if (byLanguage.putIfAbsent(rules.language(), rules) == null) {
        judgeSystems.put(rules.language(), renderJudge(judge, categories, rules.checks()));
      }
    }
    // The category list is left out of the respond prompt: each question carries its category's
    // name, which is all a writer needs, and the prompt stays short, as it is sent per batch.
    String respond = PromptTemplate.read(promptsDir.resolve("respond.md")).render(Map.of());
    return new LabelPrompts(
        taxonomy, judgeSystems, byLanguage, renderJudge(judge, categories, List.of()), respond);
  }

  private static String renderJudge(
      PromptTemplate judge, String categories, List<RuleSet.Check> checks) {
    StringBuilder list = new StringBuilder();
    StringJoiner shape = new StringJoiner(", ", "{", "}");
    for (RuleSet.Check c : checks) {
      list.append("- ").append(c.id()).append(": ").append(c.judgeCheck().strip()).append('\n');
      shape.add("\"" + c.id() + "\": true or false");
    }
    return judge.render(
        Map.of(
            "categories",
            categories,
            "checks",
            checks.isEmpty() ? "(none)" : list.toString().strip(),
            "check_shape",
            shape.toString()));
  }

  /** A hash of every rendered system prompt, so a prompt or rule change re-runs the stage. */
  public String fingerprint() {
    return Ids.sha256Hex(String.join("\n", judgeSystems.values()) + "\n" + respondSystem);
  }

  /** The checks questions in {@code language} are judged against; empty when no rule set has it. */
  public List<RuleSet.Check> checks(String language) {
    RuleSet rules = ruleSets.get(language);
    return rules == null ? List.of() : rules.checks();
  }

  /** One question of a judge request. */
  public record JudgeItem(String id, String question) {}

  /** One question of a respond request; {@code language} is an ISO 639-1 code. */
  public record RespondItem(
      String id, String question, Label label, String category, String language) {}

  /**
   * A judge request about {@code items}, all in {@code language}: the system message is the same
   * for every request in that language.
   */
  public List<ChatMessage> judge(String language, List<JudgeItem> items) {
    List<Map<String, String>> list = new ArrayList<>();
    for (JudgeItem i : items) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("id", i.id());
      m.put("question", i.question());
      list.add(m);
    }
    return List.of(
        ChatMessage.system(judgeSystems.getOrDefault(language, judgeNoRules)),
        ChatMessage.user(Json.write(list)));
  }

  /** A respond request about {@code items}; the system message is the same for every request. */
  public List<ChatMessage> respond(List<RespondItem> items) {
    List<Map<String, String>> list = new ArrayList<>();
    for (RespondItem i : items) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("id", i.id());
      m.put("label", i.label().json());
      m.put("category", taxonomy.find(i.category()).map(c -> c.name("en")).orElse(i.category()));
      m.put("language", languageName(i.language()));
      m.put("question", i.question());
      list.add(m);
    }
    return List.of(ChatMessage.system(respondSystem), ChatMessage.user(Json.write(list)));
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
