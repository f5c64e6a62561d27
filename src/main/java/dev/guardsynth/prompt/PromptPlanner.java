package dev.guardsynth.prompt;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.prompt.Axes.Axis;
import dev.guardsynth.prompt.Axes.AxisValue;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Subtopic;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Expands categories × labels × rule sets into generation prompts. Each cell (category × label ×
 * language) asks for its questions in calls of {@code per_call}, and each call of a cell differs in
 * content: its subtopic and axis values (persona, style, length, hard negative, adversarial tactic)
 * come from a balanced, pair-covering design ({@link AxisDesign}), and it shows a rotating few of
 * the questions the cell already has as examples to move away from.
 *
 * <p>Seeded by {@code export.seed}: the same config gives the same prompts in the same order. The
 * planner remembers what each round drew, so round 2 continues the design where round 1 stopped and
 * never repeats a prompt; {@link #continueFrom} does the same for questions made by an earlier
 * process. Not thread-safe.
 */
public final class PromptPlanner {
  /** Accepted questions shown per prompt, after the taxonomy's seeds. */
  static final int ACCEPTED_EXAMPLES = 3;

  private final Taxonomy taxonomy;
  private final List<RuleSet> ruleSets;
  private final Map<Label, PromptTemplate> templates;
  private final PromptTemplate system;
  private final TargetsConfig targets;
  private final Axes axes;
  private final long seed;
  private final Map<Cell, RuleSet> cells = new LinkedHashMap<>();
  private final Map<Cell, CellDesign> designs = new HashMap<>();

  /** One cell's design and which of its rows each round took. */
  private record CellDesign(AxisDesign design, TreeMap<Integer, List<Draw>> rounds) {}

  /** A drawn row: its position in the cell's design (the prompt's sample) and its values. */
  private record Draw(int sample, Map<String, String> values) {}

  private PromptPlanner(
      Taxonomy taxonomy,
      List<RuleSet> ruleSets,
      Map<Label, PromptTemplate> templates,
      PromptTemplate system,
      TargetsConfig targets,
      Axes axes,
      long seed) {
    this.taxonomy = taxonomy;
    this.ruleSets = ruleSets;
    this.templates = templates;
    this.system = system;
    this.targets = targets;
    this.axes = axes;
    this.seed = seed;
    Map<String, RuleSet> languages = new HashMap<>();
    for (RuleSet rules : ruleSets) {
      RuleSet other = languages.putIfAbsent(rules.language(), rules);
      if (other != null) {
        throw new ConfigException(
            "rules: rule sets '"
                + other.id()
                + "' and '"
                + rules.id()
                + "' are both in language '"
                + rules.language()
                + "'; targets count questions per language, so keep one rule set per language");
      }
      for (Category category : taxonomy.categories()) {
        for (Label label : Label.values()) {
          Cell cell = new Cell(category.id(), label, rules.language());
          if (target(label) > 0) {
            cells.put(cell, rules);
          }
        }
      }
    }
  }

  /** What a generation template ({@code unsafe.md}, {@code safe.md}) cannot work without. */
  private static final List<PromptTemplate.Needed> GENERATION_NEEDS =
      List.of(
          PromptTemplate.Needed.of(
              "count",
              "each prompt asks the teacher for its number of questions (targets.per_call) there,"
                  + " and without it the teacher writes as many as it likes"),
          new PromptTemplate.Needed(
              List.of("category_names", "category", "category_en", "category_id", "description"),
              "it names the category the questions are about, and without it every cell asks for"
                  + " the same questions"),
          PromptTemplate.Needed.of(
              "rules",
              "it gives the rule set's rules (the language to write in among them), and without"
                  + " them the filter drops what comes back in another language"));

  /**
   * Reads the taxonomy, axes, rule sets and templates the config names; all errors surface here.
   */
  public static PromptPlanner open(GuardsynthConfig config) {
    Path prompts = Path.of(config.prompts());
    Map<Label, PromptTemplate> templates = new LinkedHashMap<>();
    templates.put(
        Label.UNSAFE, PromptTemplate.read(prompts.resolve("unsafe.md")).require(GENERATION_NEEDS));
    templates.put(
        Label.SAFE, PromptTemplate.read(prompts.resolve("safe.md")).require(GENERATION_NEEDS));
    return new PromptPlanner(
        TaxonomyReader.read(Path.of(config.taxonomy())),
        config.rules().stream().map(r -> RuleSet.read(Path.of(r))).toList(),
        templates,
        PromptTemplate.read(prompts.resolve("system.md")),
        config.targets(),
        Axes.of(config),
        config.export().seed());
  }

  public Taxonomy taxonomy() {
    return taxonomy;
  }

  /** The axes prompts vary along, besides each category's subtopics. */
  public Axes axes() {
    return axes;
  }

  /** Every cell the targets cover, in plan order: rule set, then category, then label. */
  public List<Cell> cells() {
    return List.copyOf(cells.keySet());
  }

  /** Exported questions wanted for the cell. */
  public int target(Cell cell) {
    return target(cell.label());
  }

  private int target(Label label) {
    return label == Label.UNSAFE ? targets.unsafe() : targets.safe();
  }

  /** Questions asked per request. */
  public int perCall() {
    return targets.perCall();
  }

  /** Round 1 for the full targets, with no accepted examples. */
  public List<PromptSpec> plan() {
    Map<Cell, Integer> questions = new LinkedHashMap<>();
    for (Cell cell : cells.keySet()) {
      questions.put(cell, target(cell));
    }
    return plan(questions, Map.of(), 1);
  }

  /**
   * Prompts asking for about {@code questions.get(cell)} questions per cell (whole calls of {@code
   * per_call}, the last asking for the remainder), for round {@code round} (1-based), showing the
   * seeds then a rotating few of {@code accepted.get(cell)} as examples to move away from. Every
   * prompt is distinct in content from every other prompt of any round while the axes have
   * combinations left. Asking again for a round already planned returns the same prompts (more when
   * more questions are asked). A round planned without its predecessors (a fresh process) starts as
   * far into the design as full-target rounds would have gone.
   *
   * @throws IllegalArgumentException for a cell the targets do not cover, or round below 1
   */
  public List<PromptSpec> plan(
      Map<Cell, Integer> questions, Map<Cell, List<String>> accepted, int round) {
    if (round < 1) {
      throw new IllegalArgumentException("round " + round + " is not allowed; rounds count from 1");
    }
    for (Cell cell : questions.keySet()) {
      if (!cells.containsKey(cell)) {
        throw new IllegalArgumentException(
            "cell " + cell + " is not covered by the targets; plan one of " + cells.keySet());
      }
    }
    List<PromptSpec> out = new ArrayList<>();
    for (Map.Entry<Cell, RuleSet> entry : cells.entrySet()) {
      Cell cell = entry.getKey();
      int wanted = questions.getOrDefault(cell, 0);
      if (wanted <= 0) {
        continue;
      }
      int calls = (wanted + perCall() - 1) / perCall();
      List<Draw> draws = draws(cell, round, calls);
      List<String> examples = accepted.getOrDefault(cell, List.of());
      for (int i = 0; i < calls; i++) {
        int count = Math.min(perCall(), wanted - i * perCall());
        out.add(prompt(entry.getValue(), cell, count, round, draws.get(i), examples));
      }
    }
    return out;
  }

  /**
   * The next round after {@code existing} (questions an earlier run or script kept, such as its
   * {@code labeled.jsonl}): only each cell's deficit ({@link #deficit}), with the cell's existing
   * questions as the examples to move away from, continuing the axis design ({@link
   * #continueFrom}), numbered one past the highest round in {@code existing}. For {@code plan
   * --existing}; cells already at their target get no prompts.
   */
  public List<PromptSpec> planAfter(List<Labeled> existing) {
    continueFrom(existing);
    Map<Cell, List<String>> accepted = new HashMap<>();
    int lastRound = 0;
    for (Labeled q : existing) {
      if (q.language() != null) {
        accepted.computeIfAbsent(Cell.of(q), c -> new ArrayList<>()).add(q.text());
      }
      if (q.source() != null) {
        lastRound = Math.max(lastRound, q.source().round());
      }
    }
    return plan(deficit(existing), accepted, lastRound + 1);
  }

  /**
   * Takes questions an earlier process already made into account: the axis values of their prompts
   * (each prompt once) count towards each cell's balance and are not drawn again.
   */
  public void continueFrom(List<Labeled> existing) {
    Set<String> prompts = new HashSet<>();
    for (Labeled q : existing) {
      if (q.language() == null || q.source() == null || q.source().axes().isEmpty()) {
        continue; // made before axes existed, or without a language: nothing to continue
      }
      Cell cell = Cell.of(q);
      if (cells.containsKey(cell) && prompts.add(cell + " " + q.source().promptId())) {
        design(cell).design().record(q.source().axes());
      }
    }
  }

  /**
   * Questions wanted per cell beyond what {@code existing} holds (target minus questions of the
   * cell, never below 0), and the existing texts per cell, for planning the next round by hand.
   */
  public Map<Cell, Integer> deficit(List<Labeled> existing) {
    Map<Cell, Integer> have = new HashMap<>();
    for (Labeled q : existing) {
      if (q.language() != null) {
        have.merge(Cell.of(q), 1, Integer::sum);
      }
    }
    Map<Cell, Integer> out = new LinkedHashMap<>();
    for (Cell cell : cells.keySet()) {
      out.put(cell, Math.max(0, target(cell) - have.getOrDefault(cell, 0)));
    }
    return out;
  }

  private CellDesign design(Cell cell) {
    return designs.computeIfAbsent(
        cell,
        c -> {
          long cellSeed =
              Long.parseUnsignedLong(Ids.sha256Hex(seed + ":" + c.id()).substring(0, 15), 16);
          return new CellDesign(new AxisDesign(dims(c), cellSeed), new TreeMap<>());
        });
  }

  /**
   * The cell's axes: its category's subtopics first, then the axes for its label with the values
   * that apply to its language (an axis with none is left out), so each cell balances its own.
   */
  private List<AxisDesign.Dim> dims(Cell cell) {
    List<AxisDesign.Dim> dims = new ArrayList<>();
    Category category = taxonomy.find(cell.category()).orElseThrow();
    if (!category.subtopics().isEmpty()) {
      dims.add(
          AxisDesign.Dim.of(
              Axes.SUBTOPIC, category.subtopics().stream().map(Subtopic::id).toList()));
    }
    for (Axis axis : axes.forCell(cell.label(), cell.language())) {
      List<String> ids = axis.values().stream().map(AxisValue::id).toList();
      dims.add(
          axis.share() == null
              ? AxisDesign.Dim.of(axis.id(), ids)
              : AxisDesign.Dim.shared(axis.id(), ids, axis.share()));
    }
    return dims;
  }

  /** The rows of {@code round}: those drawn for it before, then new ones as needed. */
  private List<Draw> draws(Cell cell, int round, int calls) {
    CellDesign cd = design(cell);
    List<Draw> draws = cd.rounds().computeIfAbsent(round, r -> new ArrayList<>());
    if (draws.isEmpty() && round > 1 && cd.design().rows() == 0) {
      // Earlier rounds ran in another process that left nothing to continue from: skip as far as
      // full-target rounds would have drawn, so this round's prompts do not repeat theirs.
      int skip = (round - 1) * ((target(cell) + perCall() - 1) / perCall());
      while (cd.design().rows() < skip) {
        cd.design().next();
      }
    }
    while (draws.size() < calls) {
      int sample = cd.design().rows();
      draws.add(new Draw(sample, cd.design().next()));
    }
    return draws;
  }

  private PromptSpec prompt(
      RuleSet rules, Cell cell, int count, int round, Draw draw, List<String> accepted) {
    Category category = taxonomy.find(cell.category()).orElseThrow();
    Label label = cell.label();
    String language = rules.language();
    List<String> ruleLines = label == Label.UNSAFE ? rules.unsafe() : rules.safe();
    List<String> seeds =
        label == Label.UNSAFE ? category.examples(language) : category.safeExamples(language);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("count", Integer.toString(count));
    values.put("category", category.name(language));
    values.put("category_en", category.name("en"));
    // English first, as the prompts are in English; the local name only where it differs, so an
    // English prompt does not read "Crime advice (Crime advice)".
    values.put(
        "category_names",
        category.name("en").equals(category.name(language))
            ? category.name("en")
            : category.name("en") + " (" + category.name(language) + ")");
    values.put("category_id", category.id());
    values.put("group", taxonomy.groupName(category.group(), "en"));
    values.put("description", category.description());
    values.put("language", rules.languageName());
    values.put("rules", numbered(ruleLines));
    values.put("examples", bullets(examples(seeds, accepted, cell, draw.sample())));
    String subtopicId = draw.values().get(Axes.SUBTOPIC);
    values.put(
        Axes.SUBTOPIC,
        subtopicId == null
            ? both(category.name(language), category.name("en"))
            : category.subtopics().stream()
                .filter(s -> s.id().equals(subtopicId))
                .map(s -> both(s.name(language), s.name("en")))
                .findFirst()
                .orElseThrow());
    List<String> lines = new ArrayList<>();
    for (Axis axis : axes.forLabel(label)) {
      values.put(axis.id(), ""); // for templates that place an axis on its own; left out: empty
    }
    for (Axis axis : axes.forCell(label, language)) {
      String valueId = draw.values().get(axis.id());
      for (AxisValue v : axis.values()) {
        if (v.id().equals(valueId)) {
          String line =
              "- "
                  + axis.name("en")
                  + ": "
                  + both(v.name(language), v.name("en"))
                  + ". "
                  + v.instruction(language);
          lines.add(line);
          values.put(axis.id(), line);
        }
      }
    }
    values.put("axes", lines.isEmpty() ? "- (any asker, any style)" : String.join("\n", lines));
    List<ChatMessage> messages =
        List.of(
            ChatMessage.system(system.render(values)),
            ChatMessage.user(templates.get(label).render(values)));
    String id = Ids.sha256Hex(Json.write(messages) + "\n" + draw.sample()).substring(0, 16);
    return new PromptSpec(
        id,
        category.id(),
        category.group(),
        label,
        language,
        label.json(),
        rules.id(),
        count,
        draw.sample(),
        round,
        draw.values(),
        messages);
  }

  /**
   * The taxonomy's seeds, then up to {@link #ACCEPTED_EXAMPLES} accepted questions picked by a
   * seeded draw per prompt, so consecutive prompts show different ones.
   */
  private List<String> examples(List<String> seeds, List<String> accepted, Cell cell, int sample) {
    Set<String> out = new LinkedHashSet<>(seeds);
    List<String> pool = accepted.stream().filter(a -> !out.contains(a)).distinct().toList();
    if (!pool.isEmpty()) {
      Random pick =
          new Random(
              Long.parseUnsignedLong(
                  Ids.sha256Hex(seed + ":" + cell.id() + ":" + sample).substring(0, 15), 16));
      List<String> shuffled = new ArrayList<>(pool);
      java.util.Collections.shuffle(shuffled, pick);
      out.addAll(shuffled.subList(0, Math.min(ACCEPTED_EXAMPLES, shuffled.size())));
    }
    return List.copyOf(out);
  }

  /** A name in the prompt's language with the English one after it, or just the English one. */
  private static String both(String local, String english) {
    return local.equals(english) ? english : local + " (" + english + ")";
  }

  private static String bullets(List<String> lines) {
    return lines.isEmpty()
        ? "(none)"
        : String.join("\n", lines.stream().map(e -> "- " + e).toList());
  }

  private static String numbered(List<String> lines) {
    return String.join(
        "\n",
        IntStream.range(0, lines.size()).mapToObj(i -> (i + 1) + ". " + lines.get(i)).toList());
  }
}
