package dev.guardsynth.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.label.Disagreement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code guardsynth stats}: reads a run directory's files and checks that its funnel adds up, from
 * the items the teacher returned to the questions exported, with the reasons for every question
 * dropped on the way. Counts come from the files themselves, except what only run.json knows: the
 * teacher's whole-reply refusals and unparseable lines.
 */
public final class RunStats {
  private RunStats() {}

  private static final String FILTER_NOTE = "unique.jsonl → kept.jsonl";
  private static final String LABEL_NOTE = "kept.jsonl → labeled.jsonl";

  /**
   * What stats needs of the generate stage's counts in run.json (a run from before a count was
   * added reads it as 0).
   */
  private record GenerateCounts(
      long returned,
      long refusals,
      long unparseable,
      long exactDuplicates,
      Map<String, Long> refusalsByCategory,
      long truncated,
      long thinkBlocks,
      long attachedNotes) {
    static final GenerateCounts NONE = new GenerateCounts(0, 0, 0, 0, Map.of(), 0, 0, 0);

    GenerateCounts {
      refusalsByCategory = refusalsByCategory == null ? Map.of() : Map.copyOf(refusalsByCategory);
    }

    Map<String, Long> teacherFormat() {
      return Map.of("think_block", thinkBlocks, "attached_note", attachedNotes);
    }
  }

  /** What the label stage's counts in run.json say the teacher's format cost. */
  private record LabelFormatCounts(long thinkBlocks, long truncated, long unansweredChecks) {
    Map<String, Long> teacherFormat() {
      return Map.of(
          "think_block", thinkBlocks, "truncated", truncated, "unanswered_check", unansweredChecks);
    }
  }

  /** Reads {@code root}; one that holds no run.json is an {@link InputException}. */
  public static RunReport read(Path root) {
    RunDirectory dir = new RunDirectory(root);
    if (!Files.isRegularFile(dir.runJson())) {
      throw new InputException(
          root + ": not a run directory (no run.json); pass output/<run-name> of a guardsynth run");
    }
    RunRecord runJson = RunRecord.read(dir.runJson());
    List<String> problems = new ArrayList<>();
    Funnel funnel = new Funnel(problems);

    List<Candidate> candidates = Pipeline.readAll(dir.candidates(), Candidate.class);
    Map<String, Candidate> byId = new HashMap<>();
    candidates.forEach(c -> byId.put(c.id(), c));
    RunRecord.StageEntry generateEntry = runJson.stage("generate");
    GenerateCounts generate =
        generateEntry == null ? null : generateEntry.counts(GenerateCounts.class);
    if (generate == null) {
      generate = GenerateCounts.NONE;
    }
    long returned = generate.returned();
    Map<String, Long> generateDrops = new LinkedHashMap<>();
    generateDrops.put("refused_reply", generate.refusals());
    generateDrops.put("unparseable_line", generate.unparseable());
    generateDrops.put("truncated_item", generate.truncated());
    generateDrops.put("exact_duplicate", generate.exactDuplicates());
    funnel.step(
        "generate",
        returned,
        candidates.size(),
        generateDrops,
        generateEntry != null,
        "items the teacher returned → candidates.jsonl",
        generate.teacherFormat());

    List<Candidate> unique = Pipeline.readAll(dir.unique(), Candidate.class);
    boolean deduped = Files.exists(dir.unique());
    // Counted, not parsed: the dedup stage owns that record's shape.
    Map<String, Long> near = Map.of("near_duplicate", count(dir.duplicates()));
    funnel.step(
        "dedup",
        candidates.size(),
        unique.size(),
        near,
        deduped,
        "candidates.jsonl → unique.jsonl",
        Map.of());

    // Each stage writes its own rejections, so a reason never has to say which stage gave it.
    List<Rejected> filterRejected = Pipeline.readAll(dir.rejected(), Rejected.class);
    List<Rejected> labelRejected = Pipeline.readAll(dir.labelRejected(), Rejected.class);
    List<Candidate> kept = Pipeline.readAll(dir.kept(), Candidate.class);
    boolean filtered = Files.exists(dir.kept());
    Map<String, Long> filterDrops = byReason(filterRejected);
    funnel.step("filter", unique.size(), kept.size(), filterDrops, filtered, FILTER_NOTE, Map.of());
    List<Labeled> labeled = Pipeline.readAll(dir.labeled(), Labeled.class);
    boolean labeledRan = Files.exists(dir.labeled());
    Map<String, Long> labelDrops = byReason(labelRejected);
    RunRecord.StageEntry labelEntry = runJson.stage("label");
    LabelFormatCounts labelFormat =
        labelEntry == null ? null : labelEntry.counts(LabelFormatCounts.class);
    funnel.step(
        "label",
        kept.size(),
        labeled.size(),
        labelDrops,
        labeledRan,
        LABEL_NOTE,
        labelFormat == null ? Map.of() : labelFormat.teacherFormat());

    // Counts adding up is not enough: each question that goes in must come out or have a reason.
    Set<String> keptIds = ids(kept.stream().map(Candidate::id).toList());
    if (filtered) {
      accountFor(
          "filter",
          unique.stream().map(Candidate::id).toList(),
          keptIds,
          rejectedIds("filter", dir.rejected(), filterRejected, problems),
          problems);
    }
    if (labeledRan) {
      accountFor(
          "label",
          List.copyOf(keptIds),
          ids(labeled.stream().map(Labeled::id).toList()),
          rejectedIds("label", dir.labelRejected(), labelRejected, problems),
          problems);
    }
    List<Rejected> rejected = new ArrayList<>(filterRejected);
    rejected.addAll(labelRejected);

    Path datasetStats = dir.dataset().resolve("stats.json");
    if (Files.exists(datasetStats)) {
      long exported;
      Map<String, Long> notAdded = new TreeMap<>();
      try {
        JsonNode stats = Json.MAPPER.readTree(datasetStats.toFile());
        // With a previous release, the dataset also holds its questions; this run added the rest.
        JsonNode added = stats.path("added");
        exported =
            added.isMissingNode()
                ? stats.path("questions").asLong()
                : added.path("questions").asLong();
        for (String reason : List.of("already_released", "near_two_splits")) {
          if (added.path(reason).asLong() > 0) {
            notAdded.put(reason, added.path(reason).asLong());
          }
        }
      } catch (IOException e) {
        throw new InputException(datasetStats + ": not valid JSON (" + e.getMessage() + ")", e);
      }
      funnel.step(
          "export",
          labeled.size(),
          exported,
          notAdded,
          true,
          "labeled.jsonl → dataset/ (questions)",
          Map.of());
    } else {
      funnel.step(
          "export", labeled.size(), 0, Map.of(), false, "not run: no dataset/stats.json", Map.of());
    }

    boolean judged =
        (runJson.config() == null || runJson.config().path("label").path("judge").asBoolean(true))
            && labeledRan;
    List<Disagreement> disagreements = Pipeline.readAll(dir.disagreements(), Disagreement.class);
    List<RunReport.CategoryRow> rows =
        categories(candidates, kept, labeled, rejected, byId, disagreements, generate, judged);
    return new RunReport(
        String.valueOf(root.toAbsolutePath().normalize().getFileName()),
        funnel.steps,
        rows,
        problems.isEmpty(),
        problems,
        runJson.cellsOrEmpty(),
        runJson.costPerQuestion());
  }

  private static Map<String, Long> byReason(List<Rejected> rejected) {
    Map<String, Long> out = new TreeMap<>();
    rejected.forEach(r -> out.merge(r.reason(), 1L, Long::sum));
    return out;
  }

  /** The ids of {@code rejected}; an id given more than one reason is a problem. */
  private static Set<String> rejectedIds(
      String stage, Path file, List<Rejected> rejected, List<String> problems) {
    Set<String> ids = new HashSet<>();
    Set<String> repeated = new TreeSet<>();
    for (Rejected r : rejected) {
      if (!ids.add(r.id())) {
        repeated.add(r.id());
      }
    }
    if (!repeated.isEmpty()) {
      problems.add(
          stage
              + ": "
              + file.getFileName()
              + " gives more than one reason for "
              + repeated.size()
              + " question(s), such as "
              + repeated.iterator().next());
    }
    return ids;
  }

  /** Checks that every id in {@code in} is in exactly one of {@code out} and {@code dropped}. */
  private static void accountFor(
      String stage, List<String> in, Set<String> out, Set<String> dropped, List<String> problems) {
    long missing = 0;
    long both = 0;
    String example = null;
    for (String id : in) {
      boolean o = out.contains(id);
      boolean d = dropped.contains(id);
      if (!o && !d) {
        missing++;
        example = example == null ? id : example;
      } else if (o && d) {
        both++;
        example = example == null ? id : example;
      }
    }
    if (missing > 0) {
      problems.add(
          stage
              + ": "
              + missing
              + " question(s) neither passed nor were rejected, such as "
              + example);
    }
    if (both > 0) {
      problems.add(
          stage + ": " + both + " question(s) both passed and were rejected, such as " + example);
    }
  }

  private static Set<String> ids(List<String> ids) {
    return new HashSet<>(ids);
  }

  /** The funnel's steps in order; a step that does not add up is a problem. */
  private static final class Funnel {
    final List<RunReport.Step> steps = new ArrayList<>();
    private final List<String> problems;

    Funnel(List<String> problems) {
      this.problems = problems;
    }

    void step(
        String stage,
        long in,
        long out,
        Map<String, Long> dropped,
        boolean ran,
        String note,
        Map<String, Long> teacherFormat) {
      long sum = dropped.values().stream().mapToLong(Long::longValue).sum();
      boolean addsUp = !ran || in - sum == out;
      if (!addsUp) {
        problems.add(
            String.format(
                Locale.ROOT,
                "%s: %d in - %d dropped = %d, but %d went on",
                stage,
                in,
                sum,
                in - sum,
                out));
      }
      steps.add(
          new RunReport.Step(
              stage, in, out, Map.copyOf(dropped), ran, addsUp, note, teacherFormat));
    }
  }

  private static List<RunReport.CategoryRow> categories(
      List<Candidate> candidates,
      List<Candidate> kept,
      List<Labeled> labeled,
      List<Rejected> rejected,
      Map<String, Candidate> byId,
      List<Disagreement> disagreements,
      GenerateCounts generate,
      boolean judged) {
    Set<String> names = new TreeSet<>();
    Map<String, Map<String, Long>> candidateCounts = new HashMap<>();
    for (Candidate c : candidates) {
      names.add(c.category());
      candidateCounts
          .computeIfAbsent(c.category(), k -> new TreeMap<>())
          .merge(c.label().json(), 1L, Long::sum);
    }
    Map<String, Map<String, Long>> labeledCounts = new HashMap<>();
    for (Labeled q : labeled) {
      names.add(q.category());
      labeledCounts
          .computeIfAbsent(q.category(), k -> new TreeMap<>())
          .merge(q.label().json(), 1L, Long::sum);
    }
    Map<String, Long> refusedReplies = new HashMap<>();
    generate
        .refusalsByCategory()
        .forEach((category, n) -> {
          names.add(category);
          refusedReplies.put(category, n);
        });
    Map<String, Long> refusalLines = new HashMap<>();
    Map<String, Long> unparseable = new HashMap<>();
    for (Rejected r : rejected) {
      Candidate c = byId.get(r.id());
      String category = c == null ? "(unknown)" : c.category();
      if (r.reason().equals("refusal")) {
        refusalLines.merge(category, 1L, Long::sum);
      } else if (r.reason().equals("judge_unparseable")) {
        unparseable.merge(category, 1L, Long::sum);
      }
    }
    Map<String, Long> keptCounts = new HashMap<>();
    kept.forEach(c -> keptCounts.merge(c.category(), 1L, Long::sum));
    Map<String, Long> disagreed = new HashMap<>();
    disagreements.forEach(d -> disagreed.merge(d.category(), 1L, Long::sum));
    List<RunReport.CategoryRow> rows = new ArrayList<>();
    for (String name : names) {
      RunReport.Judge judge = null;
      if (judged) {
        long n = keptCounts.getOrDefault(name, 0L);
        long d = disagreed.getOrDefault(name, 0L);
        long u = unparseable.getOrDefault(name, 0L);
        judge = new RunReport.Judge(n, n - d - u, d, u);
      }
      rows.add(
          new RunReport.CategoryRow(
              name,
              candidateCounts.getOrDefault(name, Map.of()),
              labeledCounts.getOrDefault(name, Map.of()),
              refusedReplies.getOrDefault(name, 0L),
              refusalLines.getOrDefault(name, 0L),
              judge));
    }
    return rows;
  }

  private static long count(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
