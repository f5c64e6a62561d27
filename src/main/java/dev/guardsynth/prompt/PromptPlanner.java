package dev.guardsynth.prompt;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Expands categories × labels × rule sets into generation prompts whose counts add up to the
 * config's targets: for a target T and N questions per call, ceil(T/N) calls, the last one asking
 * for the remainder. Deterministic: the same inputs give the same prompts in the same order.
 */
public final class PromptPlanner {
  private final Taxonomy taxonomy;
  private final List<RuleSet> ruleSets;
  private final Map<Label, PromptTemplate> templates;
  private final PromptTemplate system;
  private final TargetsConfig targets;

  private PromptPlanner(
      Taxonomy taxonomy,
      List<RuleSet> ruleSets,
      Map<Label, PromptTemplate> templates,
      PromptTemplate system,
      TargetsConfig targets) {
    this.taxonomy = taxonomy;
    this.ruleSets = ruleSets;
    this.templates = templates;
    this.system = system;
    this.targets = targets;
  }

  /** Reads the taxonomy, rule sets and templates the config names; all errors surface here. */
  public static PromptPlanner open(GuardsynthConfig config) {
    Path prompts = Path.of(config.prompts());
    Map<Label, PromptTemplate> templates = new LinkedHashMap<>();
    templates.put(Label.UNSAFE, PromptTemplate.read(prompts.resolve("unsafe.md")));
    templates.put(Label.SAFE, PromptTemplate.read(prompts.resolve("safe.md")));
    return new PromptPlanner(
        TaxonomyReader.read(Path.of(config.taxonomy())),
        config.rules().stream().map(r -> RuleSet.read(Path.of(r))).toList(),
        templates,
        PromptTemplate.read(prompts.resolve("system.md")),
        config.targets());
  }

  public Taxonomy taxonomy() {
    return taxonomy;
  }

  /** All prompts, by rule set, then category, then label (unsafe first), then sample. */
  public List<PromptSpec> plan() {
    List<PromptSpec> out = new ArrayList<>();
    for (RuleSet rules : ruleSets) {
      for (Category category : taxonomy.categories()) {
        for (Label label : Label.values()) {
          int target = label == Label.UNSAFE ? targets.unsafe() : targets.safe();
          int calls = (target + targets.perCall() - 1) / targets.perCall();
          for (int sample = 0; sample < calls; sample++) {
            int count = Math.min(targets.perCall(), target - sample * targets.perCall());
            out.add(prompt(rules, category, label, count, sample));
          }
        }
      }
    }
    return out;
  }

  private PromptSpec prompt(RuleSet rules, Category category, Label label, int count, int sample) {
    List<String> ruleLines = label == Label.UNSAFE ? rules.unsafe() : rules.safe();
    List<String> examples =
        label == Label.UNSAFE
            ? category.examples(rules.language())
            : category.safeExamples(rules.language());
    Map<String, String> values = new LinkedHashMap<>();
    values.put("count", Integer.toString(count));
    values.put("category", category.name(rules.language()));
    values.put("category_en", category.name("en"));
    values.put("category_id", category.id());
    values.put("group", taxonomy.groupName(category.group(), "en"));
    values.put("description", category.description());
    values.put("language", rules.languageName());
    values.put("rules", numbered(ruleLines));
    values.put(
        "examples",
        examples.isEmpty()
            ? "(none)"
            : String.join("\n", examples.stream().map(e -> "- " + e).toList()));
    List<ChatMessage> messages =
        List.of(
            ChatMessage.system(system.render(values)),
            ChatMessage.user(templates.get(label).render(values)));
    String id = Ids.sha256Hex(Json.write(messages) + "\n" + sample).substring(0, 16);
    return new PromptSpec(
        id,
        category.id(),
        category.group(),
        label,
        rules.language(),
        label.json(),
        rules.id(),
        count,
        sample,
        messages);
  }

  private static String numbered(List<String> lines) {
    return String.join(
        "\n",
        IntStream.range(0, lines.size()).mapToObj(i -> (i + 1) + ". " + lines.get(i)).toList());
  }
}
