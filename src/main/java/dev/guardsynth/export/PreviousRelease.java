package dev.guardsynth.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.taxonomy.Taxonomy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The release a new export extends ({@code --previous}): its questions with their splits, and the
 * exact bytes of each of its record files, which the new release starts with unchanged. Read only
 * after checking every file against the release's {@code manifest.json}, so an edited or partly
 * copied release is refused instead of silently carried on. Immutable.
 *
 * @param name the previous release's name (its {@code stats.json} name)
 * @param manifestSha256 the sha256 of its {@code manifest.json}, which pins every byte of it
 * @param questions its questions, in file order
 * @param files the content of each record file by its path in the folder ({@code
 *     detect/train.jsonl})
 * @param recordsPerSplit its records per split, as its {@code stats.json} counts them
 */
record PreviousRelease(
    String name,
    String manifestSha256,
    List<DatasetQuestion> questions,
    Map<String, String> files,
    Map<String, Long> recordsPerSplit) {

  long records() {
    return recordsPerSplit.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Reads the dataset folder {@code dir}. It must have been written with the same format and tasks
   * as {@code config}, since its records are carried over as they are.
   *
   * @param taxonomy the taxonomy of the new release, which must have every category of this one
   * @param recordFiles the record files the new release writes, each of which the previous release
   *     must have too
   */
  static PreviousRelease read(
      Path dir, ExportConfig config, Taxonomy taxonomy, List<String> recordFiles) {
    Path manifestFile = dir.resolve("manifest.json");
    if (!Files.isRegularFile(manifestFile)) {
      throw new InputException(dir + ": " + notADataset(dir));
    }
    JsonNode manifest = readJson(manifestFile);
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.path("files").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Path file = dir.resolve(entry.getKey());
      if (!Files.isRegularFile(file)
          || !Ids.sha256File(file).equals(entry.getValue().path("sha256").asText())) {
        throw new InputException(
            file
                + ": missing or changed since the release was written (its sha256 is not the one"
                + " in manifest.json); restore the release as it was written, since a new release"
                + " carries its records over unchanged");
      }
    }
    JsonNode stats = readJson(dir.resolve("stats.json"));
    String format = stats.path("format").asText();
    List<String> tasks = new ArrayList<>();
    stats.path("tasks").forEach(t -> tasks.add(t.asText()));
    List<String> exported = config.tasks().stream().map(ExportConfig.Task::toString).toList();
    if (!format.equals(config.format().toString()) || !tasks.equals(exported)) {
      throw new InputException(
          dir
              + ": the previous release has format "
              + format
              + " and tasks "
              + String.join(",", tasks)
              + ", this export "
              + config.format()
              + " and "
              + String.join(",", exported)
              + "; export with the previous release's format and tasks (export.format,"
              + " export.tasks), since its records are kept as they are");
    }
    Path questionsFile = dir.resolve(DatasetExporter.QUESTIONS_FILE);
    if (!manifest.path("files").has(DatasetExporter.QUESTIONS_FILE)) {
      throw new InputException(
          dir
              + ": no "
              + DatasetExporter.QUESTIONS_FILE
              + " in manifest.json; the release was written by an older guardsynth, so export it"
              + " again with this one before extending it");
    }
    List<DatasetQuestion> questions;
    try (JsonlReader<DatasetQuestion> in = JsonlReader.open(questionsFile, DatasetQuestion.class)) {
      questions = in.stream().toList();
    }
    checkCategories(dir, questions, taxonomy);
    Map<String, String> files = new java.util.LinkedHashMap<>();
    for (String name : recordFiles) {
      if (!manifest.path("files").has(name)) {
        throw new InputException(
            dir.resolve(name) + ": missing from the previous release (not in its manifest.json)");
      }
      try {
        files.put(name, Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new InputException(dir.resolve(name) + ": cannot read: " + e.getMessage(), e);
      }
    }
    Map<String, Long> records = new java.util.LinkedHashMap<>();
    for (Split split : Split.values()) {
      records.put(split.json(), stats.path("splits").path(split.json()).path("records").asLong());
    }
    return new PreviousRelease(
        stats.path("name").asText(), Ids.sha256File(manifestFile), questions, files, records);
  }

  private static final String GIVE_DATASET =
      "; give --previous (export.previous) the dataset folder of the previous release, such as"
          + " output/<run>/dataset";

  /** Why {@code dir}, which has no {@code manifest.json}, is not a dataset folder, and the fix. */
  private static String notADataset(Path dir) {
    if (!Files.exists(dir)) {
      return "no such folder" + GIVE_DATASET;
    }
    if (!Files.isDirectory(dir)) {
      return "a file, not a dataset folder" + GIVE_DATASET;
    }
    if (Files.isRegularFile(dir.resolve("dataset").resolve("manifest.json"))) {
      return "a run folder, not a dataset folder; give --previous (export.previous) its dataset"
          + " folder, "
          + dir.resolve("dataset");
    }
    if (Files.isRegularFile(dir.resolve("run.json"))) {
      return "a run folder without a complete dataset, not a dataset folder" + GIVE_DATASET;
    }
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isEmpty()) {
        return "an empty folder, not a dataset folder" + GIVE_DATASET;
      }
    } catch (IOException e) {
      throw new InputException(dir + ": cannot read the folder: " + e.getMessage(), e);
    }
    return "not a complete guardsynth dataset folder (no manifest.json)" + GIVE_DATASET;
  }

  /**
   * Fails when the release holds questions of a category the taxonomy lacks: its records would be
   * carried over under that id, and the new release would mix the old id with the new one (a
   * renamed category counted twice, a removed one kept).
   */
  private static void checkCategories(
      Path dir, List<DatasetQuestion> questions, Taxonomy taxonomy) {
    Map<String, Long> unknown = new TreeMap<>();
    Set<String> released = new HashSet<>();
    for (DatasetQuestion q : questions) {
      released.add(q.category());
      if (taxonomy.find(q.category()).isEmpty()) {
        unknown.merge(q.category(), 1L, Long::sum);
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    List<String> onlyInTaxonomy =
        taxonomy.ids().stream().filter(id -> !released.contains(id)).toList();
    throw new InputException(
        dir
            + ": the previous release has categories the taxonomy does not: "
            + unknown.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + " questions)")
                .collect(Collectors.joining(", "))
            + (onlyInTaxonomy.isEmpty()
                ? ""
                : "; the taxonomy has "
                    + String.join(", ", onlyInTaxonomy)
                    + ", which the release does not")
            + ". A release carries the previous one's records over as they are, so both must use"
            + " the same category ids: put the release's ids back in the taxonomy (a renamed"
            + " category keeps its id), or start a new release without --previous");
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new InputException(file + ": not readable JSON (" + e.getMessage() + ")", e);
    }
  }
}
