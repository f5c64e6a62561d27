package dev.guardsynth.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.taxonomy.Taxonomy;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

/**
 * The export stage: writes labeled questions as fine-tuning data into {@code
 * dataset/<task>/{train,validation,test}.jsonl} (or {@code .csv}), one folder per task so that each
 * task is a config of its own for the Hugging Face {@code datasets} loader, with {@code README.md}
 * (the dataset card), {@code questions.jsonl} (every question and its split), {@code stats.json}
 * and, last, {@code manifest.json} holding the sha256 of every other file. Splits are stratified by
 * label × category and keep near-duplicate clusters whole (see {@link Splitter}).
 *
 * <p>With {@code export.previous} the release extends an earlier one: every record of it is kept
 * byte for byte and in its split, and a new question near an earlier one joins that one's split, so
 * test questions stay test questions from release to release. Deterministic: the same questions,
 * previous release and seed give byte-identical files, whatever the input order. Not thread-safe.
 */
public final class DatasetExporter {
  /** Every question of the release with its split; what {@code --previous} reads. */
  static final String QUESTIONS_FILE = "questions.jsonl";

  // Rows are formatted one at a time, the header row too, so that a new release can append rows
  // to the previous release's file as it is.
  private static final CSVFormat CSV = CSVFormat.RFC4180;

  private static final List<String> FLAT_COLUMNS =
      List.of("id", "text", "label", "category", "language", "split");

  /**
   * @param name the dataset's name, shown on its card
   * @param detectSystem the system message of every detect record
   * @param respondSystem the system message of every respond record
   * @param dedup the dedup settings: questions whose shingles ({@code shingle}) reach Jaccard
   *     similarity {@code threshold} must share a split, as dedup would call them duplicates
   * @param languages the languages the run asks for (its rule sets'), which the card names when no
   *     question says its own
   * @param targets exported questions wanted per cell, for the card's table of cells; null for no
   *     such table
   * @param shortCells one line per cell the run left short of its target: what it got, why, and the
   *     losses per stage and reason (empty when every cell was filled, or outside a run)
   */
  public record Options(
      String name,
      String detectSystem,
      String respondSystem,
      DedupConfig dedup,
      List<String> languages,
      TargetsConfig targets,
      List<String> shortCells) {
    public Options {
      languages = List.copyOf(languages);
      shortCells = shortCells == null ? List.of() : List.copyOf(shortCells);
    }

    /** Options with a table of cells and no short cells. */
    public Options(
        String name,
        String detectSystem,
        String respondSystem,
        DedupConfig dedup,
        List<String> languages,
        TargetsConfig targets) {
      this(name, detectSystem, respondSystem, dedup, languages, targets, List.of());
    }

    /** Options without a table of cells on the card. */
    public Options(
        String name,
        String detectSystem,
        String respondSystem,
        DedupConfig dedup,
        List<String> languages) {
      this(name, detectSystem, respondSystem, dedup, languages, null, List.of());
    }
  }

  private final ExportConfig config;
  private final Taxonomy taxonomy;
  private final Options options;

  public DatasetExporter(ExportConfig config, Taxonomy taxonomy, Options options) {
    this.config = config;
    this.taxonomy = taxonomy;
    this.options = options;
  }

  /** The detect task's answer: JSON text with the label and the topic category. */
  public static String detectAnswer(Label label, String category) {
    ObjectNode answer = Json.MAPPER.createObjectNode();
    answer.put("label", label.json());
    answer.put("category", category);
    return answer.toString();
  }

  /** The detect task's answer for a candidate. */
  public static String detectAnswer(Candidate c) {
    return detectAnswer(c.label(), c.category());
  }

  /** The file of one task's split, relative to the dataset folder: {@code detect/train.jsonl}. */
  public static String recordFile(String task, Split split, ExportConfig.Format format) {
    return task + "/" + split.json() + (format == ExportConfig.Format.CSV ? ".csv" : ".jsonl");
  }

  /** The exported tasks by their names ({@code detect}, {@code respond}), in config order. */
  private List<String> taskNames() {
    return config.tasks().stream().map(ExportConfig.Task::toString).toList();
  }

  /**
   * Writes the dataset folder as a whole: the files go into a fresh folder beside {@code
   * datasetDir} that then replaces it (see {@link DatasetFolder}), so a kill at any moment leaves
   * the previous dataset or this one, never a mix. Bad input (no questions while {@code datasetDir}
   * holds a dataset, a repeated id, a category outside the taxonomy, no response at all when the
   * respond task is on, a previous release that is incomplete, changed or of another format) is an
   * {@link InputException} before anything is written. With a previous release, an input without
   * new questions still makes a release: the previous one's records.
   */
  public ExportResult write(List<Labeled> questions, Path datasetDir) {
    DatasetFolder folder = DatasetFolder.of(datasetDir);
    folder.recover();
    long existing = folder.questions();
    if (questions.isEmpty() && existing != 0 && config.previous() == null) {
      throw new InputException(
          "no questions to export; "
              + datasetDir
              + " holds a dataset"
              + (existing > 0 ? " of " + existing + " questions" : "")
              + ", left as it was: an empty export never replaces one. Check the"
              + " input file (or delete the folder to export an empty dataset on purpose)");
    }
    check(questions);
    ExportResult[] result = new ExportResult[1];
    folder.replace(staging -> result[0] = writeFiles(questions, staging));
    return result[0];
  }

  /**
   * Checks the previous release {@code config} names, if any, as an export would before writing: it
   * is a complete, unchanged dataset folder of the same format, tasks and categories. A run calls
   * this before its first paid request; a bad one is an {@link InputException}.
   */
  public static void checkPrevious(ExportConfig config, Taxonomy taxonomy) {
    if (config.previous() != null) {
      PreviousRelease.read(Path.of(config.previous()), config, taxonomy, recordFiles(config));
    }
  }

  /** Every record file the release writes: each task's split files. */
  private static List<String> recordFiles(ExportConfig config) {
    List<String> recordFiles = new ArrayList<>();
    for (ExportConfig.Task task : config.tasks()) {
      for (Split split : Split.values()) {
        recordFiles.add(recordFile(task.toString(), split, config.format()));
      }
    }
    return recordFiles;
  }

  private ExportResult writeFiles(List<Labeled> input, Path datasetDir) {
    List<String> recordFiles = recordFiles(config);
    PreviousRelease previous =
        config.previous() == null
            ? null
            : PreviousRelease.read(Path.of(config.previous()), config, taxonomy, recordFiles);
    List<DatasetQuestion> earlier = previous == null ? List.of() : previous.questions();
    Set<String> released = new HashSet<>();
    for (DatasetQuestion q : earlier) {
      released.add(q.id());
      released.add(Ids.normalize(q.text()));
    }
    List<Labeled> fresh =
        input.stream()
            .filter(q -> !released.contains(q.id()) && !released.contains(Ids.normalize(q.text())))
            .toList();
    checkResponses(fresh);

    List<String> texts = new ArrayList<>();
    earlier.forEach(q -> texts.add(q.text()));
    fresh.forEach(q -> texts.add(q.text()));
    int[] cluster = NearDuplicates.clusters(texts, options.dedup());
    // A new question linking earlier questions of two splits has no split without a near twin
    // across splits; it is left out (and counted) rather than let one test question leak.
    Map<Integer, Set<String>> pinnedSplits = new HashMap<>();
    for (int i = 0; i < earlier.size(); i++) {
      pinnedSplits.computeIfAbsent(cluster[i], k -> new HashSet<>()).add(earlier.get(i).split());
    }
    List<Splitter.Item> items = new ArrayList<>();
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < earlier.size(); i++) {
      DatasetQuestion q = earlier.get(i);
      items.add(new Splitter.Item(q.id(), q.stratum(), Split.parse(q.split())));
      kept.add(i);
    }
    List<Labeled> added = new ArrayList<>();
    for (int i = 0; i < fresh.size(); i++) {
      int c = cluster[earlier.size() + i];
      if (pinnedSplits.getOrDefault(c, Set.of()).size() < 2) {
        Labeled q = fresh.get(i);
        items.add(new Splitter.Item(q.id(), Splitter.stratum(q), null));
        kept.add(earlier.size() + i);
        added.add(q);
      }
    }
    int[] keptCluster = kept.stream().mapToInt(i -> cluster[i]).toArray();
    Map<String, Split> splits =
        Splitter.assignItems(items, keptCluster, config.splits(), config.seed());
    added.sort(Comparator.comparing((Labeled q) -> Ids.sha256Hex(config.seed() + ":" + q.id())));

    List<String> axisKeys =
        previous == null || config.format() != ExportConfig.Format.CSV
            ? axisKeys(added)
            : previousAxisKeys(previous.files().get(recordFiles.get(0)));
    Map<String, Long> records = new LinkedHashMap<>();
    long addedRecords = 0;
    for (Split split : Split.values()) {
      List<Labeled> inSplit = added.stream().filter(q -> splits.get(q.id()) == split).toList();
      long written = previous == null ? 0 : previous.recordsPerSplit().get(split.json());
      for (String task : taskNames()) {
        String name = recordFile(task, split, config.format());
        // A question kept without a response (label.on_bad_response: detect_only) has no respond
        // record: its detect record is all it gives.
        List<Labeled> forTask =
            task.equals("respond")
                ? inSplit.stream().filter(DatasetExporter::hasResponse).toList()
                : inSplit;
        long n =
            writeRecords(
                task,
                split,
                forTask,
                previous == null ? "" : previous.files().get(name),
                axisKeys,
                datasetDir.resolve(name));
        written += n;
        addedRecords += n;
      }
      records.put(split.json(), written);
    }
    List<DatasetQuestion> all = new ArrayList<>(earlier);
    for (Labeled q : added) {
      all.add(
          new DatasetQuestion(
              q.id(), splits.get(q.id()).json(), q.label(), q.category(), q.language(), q.text()));
    }
    JsonlWriter.writeAll(datasetDir.resolve(QUESTIONS_FILE), all);
    DatasetStats stats =
        stats(
            all,
            keptCluster,
            records,
            previous == null
                ? null
                : new DatasetStats.Previous(previous.name(), earlier.size(), previous.records()),
            new DatasetStats.Added(
                added.size(),
                addedRecords,
                input.size() - fresh.size(),
                fresh.size() - added.size()));
    AtomicFile.writeString(datasetDir.resolve("stats.json"), Json.writePretty(stats));
    AtomicFile.writeString(
        datasetDir.resolve("README.md"),
        DatasetCard.withTargets(
            DatasetCard.render(
                stats,
                taxonomy,
                config,
                options.languages(),
                cardFiles(records, recordFiles),
                input.stream().allMatch(q -> q.judge() != null)),
            options.targets() == null
                ? null
                : DatasetCard.cells(input, options.targets())
                    + DatasetCard.shortCells(options.shortCells())));
    writeManifest(datasetDir, previous == null ? null : previous.manifestSha256(), stats);
    return new ExportResult(records, all.size(), stats);
  }

  /**
   * The files each task's config lists: those of splits with records, or, for an empty release,
   * every split's file (they exist, empty), so no config is ever without data files.
   */
  private Map<String, List<String>> cardFiles(Map<String, Long> records, List<String> recordFiles) {
    Map<String, List<String>> files = new LinkedHashMap<>();
    for (String task : taskNames()) {
      List<String> listed = new ArrayList<>();
      for (Split split : Split.values()) {
        if (records.get(split.json()) > 0) {
          listed.add(recordFile(task, split, config.format()));
        }
      }
      if (listed.isEmpty()) {
        recordFiles.stream().filter(f -> f.startsWith(task + "/")).forEach(listed::add);
      }
      files.put(task, listed);
    }
    return files;
  }

  private void check(List<Labeled> questions) {
    Set<String> ids = new HashSet<>();
    for (Labeled q : questions) {
      if (!ids.add(q.id())) {
        throw new InputException(
            "question "
                + q.id()
                + " appears twice in the input; each question may be exported once, so remove"
                + " the repeat (labeled.jsonl never holds one)");
      }
      if (taxonomy.find(q.category()).isEmpty()) {
        throw new InputException(
            "question "
                + q.id()
                + ": category '"
                + q.category()
                + "' is not in the taxonomy; use one of "
                + String.join(", ", taxonomy.ids()));
      }
    }
  }

  /**
   * A question without a response goes to the detect task alone (the label stage keeps it so with
   * {@code label.on_bad_response: detect_only}); but when no question has one, the input is not the
   * label stage's output with responses on, and the respond task would come out empty.
   */
  private void checkResponses(List<Labeled> questions) {
    if (!config.tasks().contains(ExportConfig.Task.RESPOND)
        || questions.stream().anyMatch(DatasetExporter::hasResponse)) {
      return;
    }
    if (!questions.isEmpty()) {
      throw new InputException(
          "question "
              + questions.get(0).id()
              + " has no safeguard response, nor has any other question, but export.tasks"
              + " includes respond; export the label stage's output (labeled.jsonl) with"
              + " label.respond on, or drop respond from export.tasks (as when every response"
              + " failed its checks under label.on_bad_response: detect_only)");
    }
  }

  private static boolean hasResponse(Labeled q) {
    return q.response() != null && !q.response().isBlank();
  }

  /**
   * Writes one task's split file: the previous release's content as it was, then a record of each
   * new question. Returns the records added.
   */
  private long writeRecords(
      String task,
      Split split,
      List<Labeled> questions,
      String previous,
      List<String> axisKeys,
      Path file) {
    StringBuilder text = new StringBuilder(previous);
    if (config.format() == ExportConfig.Format.CSV) {
      if (previous.isEmpty()) {
        text.append(CSV.format(csvColumns(task, axisKeys).toArray()));
        text.append(CSV.getRecordSeparator());
      }
      for (Labeled q : questions) {
        text.append(CSV.format(csvRow(q, task, split, axisKeys).toArray()));
        text.append(CSV.getRecordSeparator());
      }
    } else {
      for (Labeled q : questions) {
        text.append(Json.write(record(q, task, split))).append('\n');
      }
    }
    AtomicFile.writeString(file, text.toString());
    return questions.size();
  }

  /** The JSON record of one question for one task, in the configured format. */
  private Object record(Labeled q, String task, Split split) {
    return switch (config.format()) {
      case CHAT ->
          new ChatRecord(
              q.id(),
              task,
              split.json(),
              q.label(),
              q.category(),
              q.language(),
              axes(q),
              messages(q, task));
      case OPENAI -> new OpenAiRecord(messages(q, task));
      case FLAT, CSV ->
          new FlatRecord(
              q.id(),
              q.text(),
              q.label(),
              q.category(),
              q.language(),
              split.json(),
              axes(q),
              task.equals("respond") ? q.response() : null);
    };
  }

  /** The question's axis values; empty for questions made before axes existed. */
  private static Map<String, String> axes(Labeled q) {
    return q.source() == null ? Map.of() : q.source().axes();
  }

  /** Every axis any question has, in name order: the CSV's axis columns, alike in every file. */
  private static List<String> axisKeys(List<Labeled> questions) {
    Set<String> keys = new TreeSet<>();
    for (Labeled q : questions) {
      keys.addAll(axes(q).keySet());
    }
    return List.copyOf(keys);
  }

  /** The axis columns of a previous release's CSV file, whose header new rows must follow. */
  private static List<String> previousAxisKeys(String csv) {
    try (CSVParser parser =
        CSVFormat.RFC4180.builder().setHeader().get().parse(new StringReader(csv))) {
      List<String> keys = new ArrayList<>(parser.getHeaderNames());
      keys.removeAll(FLAT_COLUMNS);
      keys.remove("response");
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the previous release's CSV header", e);
    }
  }

  private List<ChatMessage> messages(Labeled q, String task) {
    boolean detect = task.equals("detect");
    return List.of(
        ChatMessage.system(detect ? options.detectSystem() : options.respondSystem()),
        ChatMessage.user(q.text()),
        ChatMessage.assistant(detect ? detectAnswer(q.label(), q.category()) : q.response()));
  }

  /** One line of the flat format; {@code response} only in the respond task's files. */
  record FlatRecord(
      String id,
      String text,
      Label label,
      String category,
      String language,
      String split,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> axes,
      String response) {}

  /** One line of OpenAI's chat fine-tuning format: the messages and nothing else. */
  record OpenAiRecord(List<ChatMessage> messages) {}

  private static List<String> csvColumns(String task, List<String> axisKeys) {
    List<String> columns = new ArrayList<>(FLAT_COLUMNS);
    columns.addAll(axisKeys);
    if (task.equals("respond")) {
      columns.add("response");
    }
    return columns;
  }

  private static List<String> csvRow(Labeled q, String task, Split split, List<String> axisKeys) {
    List<String> row =
        new ArrayList<>(
            List.of(
                q.id(),
                q.text(),
                q.label().json(),
                q.category(),
                q.language() == null ? "" : q.language(),
                split.json()));
    for (String key : axisKeys) {
      row.add(axes(q).getOrDefault(key, ""));
    }
    if (task.equals("respond")) {
      row.add(q.response());
    }
    return row;
  }

  private DatasetStats stats(
      List<DatasetQuestion> questions,
      int[] cluster,
      Map<String, Long> records,
      DatasetStats.Previous previous,
      DatasetStats.Added added) {
    Map<String, long[]> perSplit = new LinkedHashMap<>(); // questions, unsafe, safe
    for (Split split : Split.values()) {
      perSplit.put(split.json(), new long[3]);
    }
    Map<String, Map<String, Map<String, Long>>> categories = new TreeMap<>();
    Map<String, Map<String, Long>> languages = new TreeMap<>();
    Map<String, Long> strata = new TreeMap<>();
    Map<String, Long> placed = new TreeMap<>();
    for (DatasetQuestion q : questions) {
      String split = q.split();
      long[] c = perSplit.get(split);
      c[0]++;
      c[q.label() == Label.UNSAFE ? 1 : 2]++;
      categories
          .computeIfAbsent(q.category(), k -> new TreeMap<>())
          .computeIfAbsent(q.label().json(), k -> new TreeMap<>())
          .merge(split, 1L, Long::sum);
      languages
          .computeIfAbsent(q.language() == null ? "unknown" : q.language(), k -> new TreeMap<>())
          .merge(split, 1L, Long::sum);
      strata.merge(q.stratum(), 1L, Long::sum);
      placed.merge(q.stratum() + "/" + split, 1L, Long::sum);
    }
    Map<String, DatasetStats.SplitCounts> splitCounts = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : perSplit.entrySet()) {
      long[] c = e.getValue();
      splitCounts.put(
          e.getKey(), new DatasetStats.SplitCounts(c[0], records.get(e.getKey()), c[1], c[2]));
    }
    double[] ratios = {
      config.splits().train(), config.splits().validation(), config.splits().test()
    };
    double maxDeviation = 0;
    for (Map.Entry<String, Long> stratum : strata.entrySet()) {
      for (Split split : Split.values()) {
        long n = placed.getOrDefault(stratum.getKey() + "/" + split.json(), 0L);
        double target = stratum.getValue() * ratios[split.ordinal()];
        maxDeviation = Math.max(maxDeviation, Math.abs(n - target));
      }
    }
    Map<Integer, Long> sizes = new TreeMap<>();
    for (int c : cluster) {
      sizes.merge(c, 1L, Long::sum);
    }
    long clusters = sizes.values().stream().filter(s -> s > 1).count();
    long inClusters = sizes.values().stream().filter(s -> s > 1).mapToLong(Long::longValue).sum();
    long largest = sizes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    return new DatasetStats(
        options.name(),
        config.seed(),
        config.format().toString(),
        config.tasks().stream().map(ExportConfig.Task::toString).toList(),
        questions.size(),
        records.values().stream().mapToLong(Long::longValue).sum(),
        splitCounts,
        categories,
        languages,
        new DatasetStats.NearDuplicateCounts(
            options.dedup().threshold(), options.dedup().shingle(), clusters, inClusters, largest),
        Math.round(maxDeviation * 1000) / 1000.0,
        previous,
        added);
  }

  /**
   * {@code manifest.json}: sha256 and size of every other file in the folder, by its path there;
   * the previous release by name and manifest hash, which pins every byte it held; and what this
   * release added.
   */
  static void writeManifest(Path dir) {
    writeManifest(dir, null, null);
  }

  /** The manifest of a release, with {@code stats}' previous release and additions when given. */
  static void writeManifest(Path dir, String previousManifestSha256, DatasetStats stats) {
    Map<String, Object> files = new TreeMap<>();
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted().toList()) {
        String name = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (Files.isRegularFile(p)
            && !name.equals("manifest.json")
            && !p.getFileName().toString().startsWith(".")) {
          byte[] bytes = Files.readAllBytes(p);
          files.put(name, Map.of("sha256", Ids.sha256Hex(bytes), "bytes", bytes.length));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("hashing files in " + dir, e);
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("files", files);
    if (stats != null && stats.previous() != null) {
      manifest.put(
          "previous",
          Map.of(
              "name", stats.previous().name(),
              "manifest_sha256", previousManifestSha256,
              "questions", stats.previous().questions(),
              "records", stats.previous().records()));
    }
    if (stats != null) {
      manifest.put(
          "added",
          Map.of("questions", stats.added().questions(), "records", stats.added().records()));
    }
    AtomicFile.writeString(dir.resolve("manifest.json"), Json.writePretty(manifest));
  }
}
