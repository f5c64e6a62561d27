package dev.guardsynth.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.ExportConfig;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The export stage: writes labeled questions as fine-tuning data into {@code
 * dataset/{train,validation,test}.jsonl} (or {@code .csv}), with {@code README.md} (a Hugging Face
 * dataset card), {@code stats.json} and, last, {@code manifest.json} holding the sha256 of every
 * other file. Splits are stratified by label × category and keep near-duplicate clusters whole (see
 * {@link Splitter}). Deterministic: the same questions and seed give byte-identical files, whatever
 * the input order. Not thread-safe.
 */
public final class DatasetExporter {
  private static final List<String> FLAT_COLUMNS =
      List.of("id", "text", "label", "category", "language", "split");

  /**
   * @param name the dataset's name, shown on its card
   * @param detectSystem the system message of every detect record
   * @param respondSystem the system message of every respond record
   * @param nearDuplicateThreshold Jaccard similarity at which two questions must share a split
   */
  public record Options(
      String name, String detectSystem, String respondSystem, double nearDuplicateThreshold) {}

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

  /**
   * Writes the dataset folder as a whole: the files go into a fresh folder beside {@code
   * datasetDir} that then replaces it (see {@link DatasetFolder}), so a kill at any moment leaves
   * the previous dataset or this one, never a mix. Bad input (no questions while {@code datasetDir}
   * holds a dataset, a repeated id, a category outside the taxonomy, a missing response when the
   * respond task is on) is an {@link InputException} before anything is written.
   */
  public ExportResult write(List<Labeled> questions, Path datasetDir) {
    DatasetFolder folder = DatasetFolder.of(datasetDir);
    folder.recover();
    long existing = folder.questions();
    if (questions.isEmpty() && existing != 0) {
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

  private ExportResult writeFiles(List<Labeled> questions, Path datasetDir) {
    int[] cluster =
        NearDuplicates.clusters(
            questions.stream().map(Labeled::text).toList(), options.nearDuplicateThreshold());
    Map<String, Split> splits = Splitter.assign(questions, cluster, config.splits(), config.seed());
    List<Labeled> ordered = new ArrayList<>(questions);
    ordered.sort(Comparator.comparing((Labeled q) -> Ids.sha256Hex(config.seed() + ":" + q.id())));
    Map<Split, List<Labeled>> bySplit = new EnumMap<>(Split.class);
    for (Split split : Split.values()) {
      bySplit.put(split, new ArrayList<>());
    }
    for (Labeled q : ordered) {
      bySplit.get(splits.get(q.id())).add(q);
    }

    String extension = config.format() == ExportConfig.Format.CSV ? ".csv" : ".jsonl";
    Map<String, Long> records = new LinkedHashMap<>();
    List<String> files = new ArrayList<>();
    for (Split split : Split.values()) {
      Path file = datasetDir.resolve(split.json() + extension);
      long written =
          switch (config.format()) {
            case CHAT -> writeChat(bySplit.get(split), split, file);
            case FLAT -> writeFlat(bySplit.get(split), split, file);
            case CSV -> writeCsv(bySplit.get(split), split, file, axisKeys(questions));
          };
      records.put(split.json(), written);
      if (written > 0) {
        files.add(file.getFileName().toString());
      }
    }
    DatasetStats stats = stats(questions, splits, cluster, records);
    AtomicFile.writeString(datasetDir.resolve("stats.json"), Json.writePretty(stats));
    AtomicFile.writeString(
        datasetDir.resolve("README.md"),
        DatasetCard.render(
            stats, taxonomy, files, questions.stream().allMatch(q -> q.judge() != null)));
    writeManifest(datasetDir);
    return new ExportResult(records, questions.size(), stats);
  }

  private void check(List<Labeled> questions) {
    Set<String> ids = new HashSet<>();
    boolean respond = config.tasks().contains(ExportConfig.Task.RESPOND);
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
      if (respond && (q.response() == null || q.response().isBlank())) {
        throw new InputException(
            "question "
                + q.id()
                + " has no safeguard response, but export.tasks includes respond; export the"
                + " label stage's output (labeled.jsonl) with label.respond on, or drop respond"
                + " from export.tasks");
      }
    }
  }

  private long writeChat(List<Labeled> questions, Split split, Path file) {
    try (JsonlWriter out = JsonlWriter.create(file)) {
      for (Labeled q : questions) {
        for (ExportConfig.Task task : config.tasks()) {
          out.write(chatRecord(q, task, split));
        }
      }
      out.commit();
      return out.count();
    }
  }

  private ChatRecord chatRecord(Labeled q, ExportConfig.Task task, Split split) {
    boolean detect = task == ExportConfig.Task.DETECT;
    return new ChatRecord(
        q.id(),
        task.toString(),
        split.json(),
        q.label(),
        q.category(),
        q.language(),
        axes(q),
        List.of(
            ChatMessage.system(detect ? options.detectSystem() : options.respondSystem()),
            ChatMessage.user(q.text()),
            ChatMessage.assistant(detect ? detectAnswer(q.label(), q.category()) : q.response())));
  }

  /** The question's axis values; empty for questions made before axes existed. */
  private static Map<String, String> axes(Labeled q) {
    return q.source() == null ? Map.of() : q.source().axes();
  }

  /** One line of the flat format; {@code response} only with the respond task. */
  record FlatRecord(
      String id,
      String text,
      Label label,
      String category,
      String language,
      String split,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> axes,
      String response) {}

  private long writeFlat(List<Labeled> questions, Split split, Path file) {
    boolean respond = config.tasks().contains(ExportConfig.Task.RESPOND);
    try (JsonlWriter out = JsonlWriter.create(file)) {
      for (Labeled q : questions) {
        out.write(
            new FlatRecord(
                q.id(),
                q.text(),
                q.label(),
                q.category(),
                q.language(),
                split.json(),
                axes(q),
                respond ? q.response() : null));
      }
      out.commit();
      return out.count();
    }
  }

  /** Every axis any question has, in name order: the CSV's axis columns, alike in every split. */
  private static List<String> axisKeys(List<Labeled> questions) {
    Set<String> keys = new TreeSet<>();
    for (Labeled q : questions) {
      keys.addAll(axes(q).keySet());
    }
    return List.copyOf(keys);
  }

  private long writeCsv(List<Labeled> questions, Split split, Path file, List<String> axisKeys) {
    boolean respond = config.tasks().contains(ExportConfig.Task.RESPOND);
    List<String> columns = new ArrayList<>(FLAT_COLUMNS);
    columns.addAll(axisKeys);
    if (respond) {
      columns.add("response");
    }
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader(columns.toArray(String[]::new)).get();
    StringBuilder text = new StringBuilder();
    try (CSVPrinter printer = new CSVPrinter(text, format)) {
      for (Labeled q : questions) {
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
        if (respond) {
          row.add(q.response());
        }
        printer.printRecord(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
    AtomicFile.writeString(file, text.toString());
    return questions.size();
  }

  private DatasetStats stats(
      List<Labeled> questions,
      Map<String, Split> splits,
      int[] cluster,
      Map<String, Long> records) {
    Map<String, long[]> perSplit = new LinkedHashMap<>(); // questions, unsafe, safe
    for (Split split : Split.values()) {
      perSplit.put(split.json(), new long[3]);
    }
    Map<String, Map<String, Map<String, Long>>> categories = new TreeMap<>();
    Map<String, Map<String, Long>> languages = new TreeMap<>();
    Map<String, Long> strata = new TreeMap<>();
    Map<String, Long> placed = new TreeMap<>();
    for (Labeled q : questions) {
      String split = splits.get(q.id()).json();
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
      strata.merge(Splitter.stratum(q), 1L, Long::sum);
      placed.merge(Splitter.stratum(q) + "/" + split, 1L, Long::sum);
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
            options.nearDuplicateThreshold(), clusters, inClusters, largest),
        Math.round(maxDeviation * 1000) / 1000.0);
  }

  /** {@code manifest.json}: sha256 and size of every other file in the folder, by name. */
  static void writeManifest(Path dir) {
    Map<String, Object> files = new TreeMap<>();
    try (var paths = Files.list(dir)) {
      for (Path p : paths.sorted().toList()) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && !name.equals("manifest.json") && !name.startsWith(".")) {
          byte[] bytes = Files.readAllBytes(p);
          files.put(name, Map.of("sha256", Ids.sha256Hex(bytes), "bytes", bytes.length));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("hashing files in " + dir, e);
    }
    AtomicFile.writeString(dir.resolve("manifest.json"), Json.writePretty(Map.of("files", files)));
  }
}
