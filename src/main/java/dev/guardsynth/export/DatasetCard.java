package dev.guardsynth.export;

import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Source;
import dev.guardsynth.taxonomy.Taxonomy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code dataset/README.md}: a Hugging Face dataset card. Its YAML header lets the {@code datasets}
 * library load the folder as it is ({@code load_dataset("json", ...)} or from the Hub): {@code
 * configs} maps each split to its file; {@code language}, {@code task_categories} and {@code
 * size_categories} use the Hub's vocabulary. The body has the tables a reviewer needs.
 */
final class DatasetCard {
  private DatasetCard() {}

  /**
   * @param splitFiles the split files written, in split order (empty splits have none)
   * @param judged whether every question's label was checked by the judge
   */
  static String render(
      DatasetStats stats, Taxonomy taxonomy, List<String> splitFiles, boolean judged) {
    StringBuilder out = new StringBuilder();
    out.append("---\n");
    out.append("pretty_name: ").append(Json.write(stats.name())).append('\n');
    out.append("language:\n");
    for (String language : stats.languages().keySet().stream().sorted().toList()) {
      out.append("- ").append(language).append('\n');
    }
    out.append("task_categories:\n- text-classification\n");
    if (stats.tasks().contains("respond")) {
      out.append("- text-generation\n");
    }
    out.append("size_categories:\n- ").append(sizeCategory(stats.records())).append('\n');
    out.append("tags:\n- safety\n- guardrails\n- synthetic\n");
    out.append("configs:\n- config_name: default\n  data_files:\n");
    for (String file : splitFiles) {
      out.append("  - split: ").append(file.substring(0, file.indexOf('.'))).append('\n');
      out.append("    path: ").append(file).append('\n');
    }
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
    out.append("- Splits are stratified by label × category (seed ").append(stats.seed());
    out.append("), and questions whose character 3-gram Jaccard similarity reaches ");
    out.append(stats.nearDuplicates().threshold()).append(" always share a split (");
    out.append(stats.nearDuplicates().clusters()).append(" such clusters, ");
    out.append(stats.nearDuplicates().questionsInClusters()).append(" questions).\n\n");

    out.append(
        "## Splits\n\n| split | questions | records | unsafe | safe |\n|---|---:|---:|---:|---:|\n");
    for (Split split : Split.values()) {
      DatasetStats.SplitCounts c = stats.splits().get(split.json());
      out.append("| ").append(split.json()).append(" | ").append(c.questions()).append(" | ");
      out.append(c.records()).append(" | ").append(c.unsafe()).append(" | ").append(c.safe());
      out.append(" |\n");
    }

    out.append("\n## Questions by category, label and split\n\n");
    out.append("| category | label | train | validation | test | total |\n");
    out.append("|---|---|---:|---:|---:|---:|\n");
    for (String category : categoryOrder(stats, taxonomy)) {
      Map<String, Map<String, Long>> byLabel = stats.categories().getOrDefault(category, Map.of());
      for (Label label : Label.values()) {
        Map<String, Long> bySplit = byLabel.getOrDefault(label.json(), Map.of());
        long total = 0;
        out.append("| ").append(category).append(" | ");
        out.append(label.json()).append(" |");
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
    StringBuilder out = new StringBuilder();
    out.append("| cell | target | exported | fill | rounds | per round | axis coverage |\n");
    out.append("|---|---:|---:|---:|---:|---|---|\n");
    for (Map.Entry<Cell, List<Labeled>> e : byCell.entrySet()) {
      int target = e.getKey().label() == Label.UNSAFE ? targets.unsafe() : targets.safe();
      Map<Integer, Long> perRound = new TreeMap<>();
      Map<String, Map<String, Long>> coverage = new TreeMap<>();
      for (Labeled q : e.getValue()) {
        Source source = q.source();
        perRound.merge(source == null ? 1 : source.round(), 1L, Long::sum);
        if (source != null) {
          source
              .axes()
              .forEach((axis, value) ->
                  coverage.computeIfAbsent(axis, a -> new TreeMap<>()).merge(value, 1L, Long::sum));
        }
      }
      List<String> rounds = new ArrayList<>();
      perRound.forEach((r, n) -> rounds.add("r" + r + " " + n));
      List<String> axes = new ArrayList<>();
      coverage.forEach((axis, values) -> {
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
              + (stats.tasks().contains("respond") ? ", `response`" : "")
              + "; one per question)";
      default ->
          "(RFC 4180 CSV with a header row: `id, text, label, category, language, split`"
              + (stats.tasks().contains("respond") ? ", `response`" : "")
              + "; one row per question)";
    };
  }
}
