package dev.guardsynth.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * {@code run.json}: the resolved config (which never holds secrets) and its hash, the tool version,
 * and per stage its status, counts, timings and input fingerprint. Rewritten atomically after every
 * stage, so it always describes the files beside it. Not thread-safe.
 */
public final class RunLog {
  private final Path file;
  private final Clock clock;
  private final ObjectNode root;

  private RunLog(Path file, Clock clock, ObjectNode root) {
    this.file = file;
    this.clock = clock;
    this.root = root;
  }

  /** Opens the run's log, keeping earlier stage entries so unchanged stages can be skipped. */
  public static RunLog open(Path file, GuardsynthConfig config, Clock clock) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    if (Files.exists(file)) {
      try {
        JsonNode earlier = Json.MAPPER.readTree(file.toFile());
        if (earlier instanceof ObjectNode o && o.has("stages")) {
          root.set("stages", o.get("stages"));
          if (o.get("rounds") instanceof ArrayNode rounds) {
            root.set("rounds", rounds);
          }
        }
      } catch (IOException e) {
        // An unreadable run.json only costs re-running stages; it holds no data of its own.
        root.remove("stages");
      }
    }
    // The config holds no keys, but a base_url may carry credentials: stored without them.
    JsonNode configNode = readTree(Secrets.redact(Json.write(config)));
    root.put("tool_version", ToolVersion.get());
    root.put("name", config.name());
    root.put("config_hash", Ids.sha256Hex(Json.write(configNode)));
    root.set("config", configNode);
    root.put("status", "running");
    root.put("started_at", clock.instant().toString());
    if (!root.has("stages")) {
      root.putObject("stages");
    }
    return new RunLog(file, clock, root);
  }

  private static JsonNode readTree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("re-reading the config as JSON", e);
    }
  }

  public String configHash() {
    return root.get("config_hash").asText();
  }

  /** The fingerprint recorded for a stage that completed, or null. */
  public String completedFingerprint(String stage) {
    return fingerprintIfComplete(root.path("stages").path(stage));
  }

  /** Records a stage's outcome and counts, then saves. */
  public void stage(
      String stage, String status, String fingerprint, double seconds, Object counts) {
    record(
        ((ObjectNode) root.get("stages")).putObject(stage), status, fingerprint, seconds, counts);
    save();
  }

  /** One stage entry of run.json, at the top level or in a round. */
  private static void record(
      ObjectNode s, String status, String fingerprint, double seconds, Object counts) {
    s.put("status", status);
    if (fingerprint != null) {
      s.put("fingerprint", fingerprint);
    }
    s.put("seconds", Math.round(seconds * 1000) / 1000.0);
    if (counts != null) {
      s.set("counts", Json.MAPPER.valueToTree(counts));
    }
  }

  /** A stage entry's fingerprint when it completed, else null. */
  private static String fingerprintIfComplete(JsonNode s) {
    return "complete".equals(s.path("status").asText()) ? s.path("fingerprint").asText(null) : null;
  }

  // --- Rounds: each round's stages, with the run's totals per stage folded from them. ---

  /** The fingerprint recorded for a stage of {@code round} that completed, or null. */
  public String roundFingerprint(int round, String stage) {
    return fingerprintIfComplete(roundNode(round).path("stages").path(stage));
  }

  /**
   * Records a stage of {@code round}, then sets the run's entry for {@code stage} to its totals
   * over every round: the latest status, the seconds and every count summed. Saves.
   */
  public void roundStage(
      int round, String stage, String status, String fingerprint, double seconds, Object counts) {
    ObjectNode r = roundNode(round);
    record(r.with("stages").putObject(stage), status, fingerprint, seconds, counts);
    ObjectNode total = ((ObjectNode) root.get("stages")).putObject(stage);
    total.put("status", status);
    double allSeconds = 0;
    JsonNode allCounts = null;
    for (JsonNode each : root.withArray("rounds")) {
      JsonNode one = each.path("stages").path(stage);
      if (!one.isMissingNode()) {
        allSeconds += one.path("seconds").asDouble();
        allCounts = sum(allCounts, one.get("counts"));
      }
    }
    total.put("seconds", Math.round(allSeconds * 1000) / 1000.0);
    if (allCounts != null) {
      total.set("counts", allCounts);
    }
    save();
  }

  /** Sets a field of {@code round}'s entry (such as its cells) and saves. */
  public void putRound(int round, String key, Object value) {
    roundNode(round).set(key, Json.MAPPER.valueToTree(value));
    save();
  }

  /** Forgets rounds after {@code last}: a run that needs fewer rounds than an earlier one did. */
  public void keepRounds(int last) {
    ArrayNode rounds = root.withArray("rounds");
    while (rounds.size() > last) {
      rounds.remove(rounds.size() - 1);
    }
    save();
  }

  private ObjectNode roundNode(int round) {
    ArrayNode rounds = root.withArray("rounds");
    while (rounds.size() < round) {
      int next = rounds.size() + 1; // counted before the new entry is added
      rounds.addObject().put("round", next);
    }
    return (ObjectNode) rounds.get(round - 1);
  }

  /** Numbers add up, objects add up field by field; anything else is taken from {@code b}. */
  private static JsonNode sum(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return b == null ? a : b.deepCopy();
    }
    if (a.isIntegralNumber() && b.isIntegralNumber()) {
      return Json.MAPPER.getNodeFactory().numberNode(a.asLong() + b.asLong());
    }
    if (a.isNumber() && b.isNumber()) {
      return Json.MAPPER.getNodeFactory().numberNode(a.asDouble() + b.asDouble());
    }
    if (a instanceof ObjectNode ao && b instanceof ObjectNode bo) {
      ObjectNode out = ao.deepCopy();
      bo.fields().forEachRemaining(e -> out.set(e.getKey(), sum(ao.get(e.getKey()), e.getValue())));
      return out;
    }
    return b.deepCopy();
  }

  /** Sets a top-level field (such as {@code usage}) and saves. */
  public void put(String key, Object value) {
    root.set(key, Json.MAPPER.valueToTree(value));
    save();
  }

  public void finish(String status) {
    root.put("status", status);
    root.put("finished_at", clock.instant().toString());
    save();
  }

  public JsonNode stageNode(String stage) {
    return root.path("stages").path(stage);
  }

  public Map<String, Object> asMap() {
    return Json.MAPPER.convertValue(root, Map.class);
  }

  private void save() {
    try {
      AtomicFile.writeString(file, Json.writePretty(root));
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("writing " + file, e.getCause());
    }
  }
}
