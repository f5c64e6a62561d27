package dev.guardsynth.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.AxisCoverage;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.taxonomy.Taxonomy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code dataset/README.md}: a Hugging Face dataset card. Its YAML front matter is built as data
 * and written by Jackson, never pieced together as text, so every value is quoted as YAML needs. It
 * lets the {@code datasets} library load the folder as it is: {@code configs} holds one config per
 * task ({@code load_dataset(folder, "detect")}), each mapping its splits to files; {@code license},
 * {@code language}, {@code task_categories} and {@code size_categories} use the Hub's vocabulary,
 * and none is ever empty, even for a release without questions. The body has the tables a reviewer
 * needs.
 */
final class DatasetCard {
  // Block style, quotes only where YAML needs them, and no "---" of its own: the card adds the
  // front matter's two fences around it.
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private DatasetCard() {}

  /**
   * @param ruleLanguages the languages the run asked for, named when no question gives its own
   * @param dataFiles the record files each task's config lists, in split order
   * @param judged whether every new question's label was checked by the judge
   */
  static String render(
      DatasetStats stats,
      Taxonomy taxonomy,
      ExportConfig config,
      List<String> ruleLanguages,
      Map<String, List<String>> dataFiles,
      boolean judged) {
    StringBuilder out = new StringBuilder();
    out.append("---\n").append(frontMatter(stats, config, ruleLanguages, dataFiles));
    out.append("---\n\n");
    out.append("# ").append(stats.name()).append("\n\n");
    out.append(
        "Training data for a small guard model, built with guardsynth: questions written by a"
            + " teacher model from a harm taxonomy, filtered, and ");
    out.append(
        judged
            ? "checked by the teacher as a judge.\n\n"
            : "labeled as they were generated (no judge).\n\n");
    out.append("- Tasks: ").append(describeTasks(stats.tasks())).append('\n');
    out.append("- Format: `").append(stats.format()).append("` ").append(describeFormat(stats));
    out.append('\n');
    out.append("- Questions: ").append(stats.questions()).append("; records: ");
    out.append(stats.records()).append('\n');
    out.append("- Files: `<task>/<split>.")
        .append(stats.format().equals("csv") ? "csv" : "jsonl")
        .append("`, one config per task (`load_dataset(folder, \"detect\")`); `questions.jsonl`")
        .append(" lists every question with its split\n");
    out.append("- License: ");
    out.append(
        config.license() == null
            ? "none chosen yet (`other`); set `export.license` to a Hub license id such as"
                + " `cc-by-4.0`"
            : "`" + config.license() + "`");
    out.append('\n');
    DatasetStats.Added added = stats.added();
    if (stats.previous() != null) {
      out.append("- Release: extends `").append(stats.previous().name()).append("` (");
      out.append(stats.previous().questions()).append(" questions, ");
      out.append(stats.previous().records());
      out.append(" records, kept unchanged and in their splits) and adds ");
    } else {
      out.append("- Release: a first release of ");
    }
    out.append(added.questions()).append(" questions (").append(added.records());
    out.append(" records)");
    if (added.alreadyReleased() + added.nearTwoSplits() > 0) {
      out.append("; ").append(added.alreadyReleased()).append(" questions were already released");
      out.append(" and ").append(added.nearTwoSplits());
      out.append(" left out as near-duplicates of earlier questions in two splits");
    }
    out.append('\n');
    out.append("- Splits are stratified by label × category (seed ").append(stats.seed());
    out.append("), and questions whose shingles (`").append(stats.nearDuplicates().shingle());
    out.append("`, as dedup cuts them) reach Jaccard similarity ");
    out.append(stats.nearDuplicates().threshold()).append(" always share a split (");
    out.append(stats.nearDuplicates().clusters()).append(" such clusters, ");
    out.append(stats.nearDuplicates().questionsInClusters()).append(" questions).\n\n");

    boolean controversial =
        stats.splits().values().stream().anyMatch(c -> c.controversial() != null);
    out.append("## Splits\n\n| split | questions | records | unsafe | safe |");
    out.append(controversial ? " controversial |\n" : "\n");
    out.append("|---|---:|---:|---:|---:|").append(controversial ? "---:|\n" : "\n");
    for (Split split : Split.values()) {
      DatasetStats.SplitCounts c = stats.splits().get(split.json());
      out.append("| ").append(split.json()).append(" | ").append(c.questions()).append(" | ");
      out.append(c.records()).append(" | ").append(c.unsafe()).append(" | ").append(c.safe());
      if (controversial) {
        out.append(" | ").append(c.controversial() == null ? 0 : c.controversial());
      }
      out.append(" |\n");
    }

    out.append("\n## Questions by category, label and split\n\n");
    out.append("| category | label | train | validation | test | total |\n");
    out.append("|---|---|---:|---:|---:|---:|\n");
    for (String category : categoryOrder(stats, taxonomy)) {
      Map<String, Map<String, Long>> byLabel = stats.categories().getOrDefault(category, Map.of());
      List<String> labels = new ArrayList<>();
      for (Label label : Label.values()) {
        labels.add(label.json());
      }
      if (byLabel.containsKey(DatasetExporter.CONTROVERSIAL)) {
        labels.add(DatasetExporter.CONTROVERSIAL);
      }
      for (String label : labels) {
        Map<String, Long> bySplit = byLabel.getOrDefault(label, Map.of());
        long total = 0;
        out.append("| ").append(category).append(" | ");
        out.append(label).append(" |");
        for (Split split : Split.values()) {
          long n = bySplit.getOrDefault(split.json(), 0L);
          total += n;
          out.append(' ').append(n).append(" |");
        }
        out.append(' ').append(total).append(" |\n");
      }
    }

    out.append(
        "\n## Languages\n\n| language | train | validation | test |\n|---|---:|---:|---:|\n");
    for (Map.Entry<String, Map<String, Long>> e : stats.languages().entrySet()) {
      out.append("| ").append(e.getKey()).append(" |");
      for (Split split : Split.values()) {
        out.append(' ').append(e.getValue().getOrDefault(split.json(), 0L)).append(" |");
      }
      out.append('\n');
    }
    out.append("\nEvery file in this folder is listed with its sha256 in `manifest.json`;");
    out.append(" `stats.json` holds the counts above.\n");
    return out.toString();
  }

  /**
   * {@code card} with a section on the cells (a Markdown table) after its body; unchanged when
   * {@code cells} is null.
   */
  static String withTargets(String card, String cells) {
    if (cells == null) {
      return card;
    }
    return card
        + "\n## Cells: targets, rounds and axis coverage\n\n"
        + "Targets count exported questions per category × label × language. `rounds` is how many"
        + " generation rounds the cell's questions came from, `per round` how many each gave;"
        + " `run.json` and `guardsynth stats` add each round's yield (new questions per question"
        + " asked). Axis coverage counts the questions whose prompt had each axis value.\n\n"
        + cells;
  }

  /**
   * The card's table of cells, from the questions themselves (so an export by hand and one inside
   * {@code run} write the same card): per cell, target, exported, fill, rounds, questions per round
   * and axis coverage.
   */
  static String cells(List<Labeled> questions, TargetsConfig targets) {
    Map<Cell, List<Labeled>> byCell = new TreeMap<>();
    questions.forEach(q -> byCell.computeIfAbsent(Cell.of(q), c -> new ArrayList<>()).add(q));
    AxisCoverage coverage = AxisCoverage.of(questions);
    StringBuilder out = new StringBuilder();
    out.append("| cell | target | exported | fill | rounds | per round | axis coverage |\n");
    out.append("|---|---:|---:|---:|---:|---|---|\n");
    for (Map.Entry<Cell, List<Labeled>> e : byCell.entrySet()) {
      int target = e.getKey().label() == Label.UNSAFE ? targets.unsafe() : targets.safe();
      Map<Integer, Long> perRound = new TreeMap<>();
      for (Labeled q : e.getValue()) {
        perRound.merge(q.source() == null ? 1 : q.source().round(), 1L, Long::sum);
      }
      List<String> rounds = new ArrayList<>();
      perRound.forEach((r, n) -> rounds.add("r" + r + " " + n));
      List<String> axes = new ArrayList<>();
      coverage
          .cells()
          .getOrDefault(e.getKey(), Map.of())
          .forEach((axis, values) -> {
            List<String> v = new ArrayList<>();
            values.forEach((value, n) -> v.add(value + " " + n));
            axes.add(axis + ": " + String.join(", ", v));
          });
      int exported = e.getValue().size();
      out.append(
          String.format(
              Locale.ROOT,
              "| `%s` | %d | %d | %s | %d | %s | %s |%n",
              e.getKey().id(),
              target,
              exported,
              target == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * exported / target),
              perRound.size(),
              String.join(", ", rounds),
              String.join("; ", axes)));
    }
    return out.toString();
  }

  /**
   * The card's list of cells a run left short of their targets, with the losses that explain why;
   * empty when there are none.
   */
  /** The card's section on how labels were decided; empty without notes. */
  static String labelNotes(List<String> lines) {
    if (lines.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("\n## Labels\n\n");
    lines.forEach(l -> out.append("- ").append(l).append('\n'));
    return out.toString();
  }

  static String shortCells(List<String> lines) {
    if (lines.isEmpty()) {
      return "";
    }
    StringBuilder out =
        new StringBuilder(
            "\n### Short cells\n\nCells the run left short of `targets.min_fill`: what each got,"
                + " why it got no more, and the questions it lost per stage and reason, largest"
                + " first.\n\n");
    lines.forEach(l -> out.append("- ").append(l).append('\n'));
    return out.toString();
  }

  /** The YAML header: what the Hub and the {@code datasets} loader read. */
  static String frontMatter(
      DatasetStats stats,
      ExportConfig config,
      List<String> ruleLanguages,
      Map<String, List<String>> dataFiles) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("pretty_name", stats.name());
    header.put("license", config.cardLicense());
    header.put("language", languages(stats, ruleLanguages));
    header.put("annotations_creators", List.of("machine-generated"));
    header.put("language_creators", List.of("machine-generated"));
    header.put("source_datasets", List.of("original"));
    List<String> categories = new ArrayList<>();
    for (String task : stats.tasks()) {
      categories.add(task.equals("detect") ? "text-classification" : "text-generation");
    }
    header.put("task_categories", categories);
    header.put("size_categories", List.of(sizeCategory(stats.records())));
    header.put("tags", List.of("safety", "guardrails", "synthetic"));
    List<Map<String, Object>> configs = new ArrayList<>();
    for (Map.Entry<String, List<String>> task : dataFiles.entrySet()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("config_name", task.getKey());
      if (configs.isEmpty()) {
        c.put("default", true); // load_dataset(folder) without a config name loads this one
      }
      List<Map<String, String>> files = new ArrayList<>();
      for (String file : task.getValue()) {
        String split = file.substring(file.indexOf('/') + 1, file.lastIndexOf('.'));
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("split", split);
        entry.put("path", file);
        files.add(entry);
      }
      c.put("data_files", files);
      configs.add(c);
    }
    header.put("configs", configs);
    try {
      return YAML.writeValueAsString(header);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the dataset card's header", e);
    }
  }

  /** The questions' languages, or the run's when no question gives one. */
  private static List<String> languages(DatasetStats stats, List<String> ruleLanguages) {
    List<String> found =
        stats.languages().keySet().stream().filter(l -> !l.equals("unknown")).sorted().toList();
    List<String> languages =
        found.isEmpty() ? ruleLanguages.stream().distinct().sorted().toList() : found;
    if (languages.isEmpty()) {
      throw new InputException(
          "the dataset card needs a language, but no question has one and no rule set (rules in"
              + " the config) could be read; give the config's rule sets, or questions with their"
              + " language");
    }
    return languages;
  }

  /** The Hub's size bucket for {@code n} rows. */
  static String sizeCategory(long n) {
    String[] names = {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M"};
    long limit = 1_000;
    for (String name : names) {
      if (n < limit) {
        return name;
      }
      limit *= 10;
    }
    return "100M<n<1B";
  }

  private static List<String> categoryOrder(DatasetStats stats, Taxonomy taxonomy) {
    List<String> order = new ArrayList<>(taxonomy.ids());
    for (String category : stats.categories().keySet()) {
      if (!order.contains(category)) {
        order.add(category);
      }
    }
    return order;
  }

  private static String describeTasks(List<String> tasks) {
    List<String> parts = new ArrayList<>();
    for (String task : tasks) {
      parts.add(
          task.equals("detect")
              ? "`detect` (the answer is JSON: `{\"label\": \"unsafe\"|\"safe\", \"category\": \"<id>\"}`)"
              : "`respond` (the answer is a safeguard response in the question's language)");
    }
    return String.join("; ", parts);
  }

  private static String describeFormat(DatasetStats stats) {
    return switch (stats.format()) {
      case "chat" ->
          "(one JSON object a line: `id, task, split, label, category, language, messages`; one"
              + " record per task per question)";
      case "flat" ->
          "(one JSON object a line: `id, text, label, category, language, split`"
              + (stats.tasks().contains("respond") ? ", and `response` for respond" : "")
              + "; one per task per question)";
      case "openai" ->
          "(OpenAI's chat fine-tuning format: one JSON object a line holding only `messages`; one"
              + " record per task per question)";
      default ->
          "(RFC 4180 CSV with a header row: `id, text, label, category, language, split`"
              + (stats.tasks().contains("respond") ? ", and `response` for respond" : "")
              + "; one row per task per question)";
    };
  }
}
