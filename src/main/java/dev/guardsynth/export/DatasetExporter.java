package dev.guardsynth.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The export stage: writes labeled questions as fine-tuning records into {@code
 * dataset/{train,validation,test}.jsonl} and a {@code manifest.json} with the sha256 of each file.
 * Deterministic: the same questions and seed give byte-identical files.
 */
public final class DatasetExporter {
  private final ExportConfig config;
  private final String detectSystemPrompt;

  /**
   * @param detectSystemPrompt the system message of every detect record
   */
  public DatasetExporter(ExportConfig config, String detectSystemPrompt) {
    this.config = config;
    this.detectSystemPrompt = detectSystemPrompt;
  }

  /** The detect task's answer: JSON text with the label and the topic category. */
  public static String detectAnswer(Candidate c) {
    ObjectNode answer = Json.MAPPER.createObjectNode();
    answer.put("label", c.label().json());
    answer.put("category", c.category());
    return answer.toString();
  }

  /** Writes the dataset folder; existing split files are replaced only when all are written. */
  public ExportResult write(List<Candidate> questions, Path datasetDir) {
    Map<String, Split> splits = Splitter.assign(questions, config.splits(), config.seed());
    Map<Split, JsonlWriter> writers = new EnumMap<>(Split.class);
    try {
      for (Split split : Split.values()) {
        writers.put(split, JsonlWriter.create(datasetDir.resolve(split.json() + ".jsonl")));
      }
      for (Candidate c : questions) {
        Split split = splits.get(c.id());
        writers.get(split).write(detectRecord(c, split));
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Map.Entry<Split, JsonlWriter> e : writers.entrySet()) {
        e.getValue().commit();
        counts.put(e.getKey().json(), e.getValue().count());
      }
      writeManifest(datasetDir);
      return new ExportResult(counts, questions.size());
    } finally {
      writers.values().forEach(JsonlWriter::close);
    }
  }

  private ChatRecord detectRecord(Candidate c, Split split) {
    return new ChatRecord(
        c.id(),
        "detect",
        split.json(),
        c.label(),
        c.category(),
        c.language(),
        List.of(
            ChatMessage.system(detectSystemPrompt),
            ChatMessage.user(c.text()),
            ChatMessage.assistant(detectAnswer(c))));
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
