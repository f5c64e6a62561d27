package dev.guardsynth.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.label.LabelResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps {@code run.json} ({@link RunRecord}): the resolved config (which never holds secrets) and
 * its hash, the tool version, and per stage its status, counts, timings and input fingerprint.
 * Rewritten atomically after every change, so it always describes the files beside it. Not
 * thread-safe.
 */
public final class RunLog {
  private final Path file;
  private final Clock clock;
  private RunRecord record; // as last saved: its header fields never change
  private StageStatus status = StageStatus.RUNNING;
  private Map<String, RunRecord.StageEntry> stages;
  private List<RunRecord.RoundEntry> rounds;
  private Integer roundsRun;
  private List<CellOutcome> cells;
  private Integer exported;
  private List<RunRecord.ShortCell> shortCells;
  private Boolean targetsMet;
  private LabelDecisions labels;
  private String stopReason;
  private String finishedAt;
  private RunUsage usage;
  private CostPerQuestion costPerQuestion;

  private RunLog(Path file, Clock clock, RunRecord record) {
    this.file = file;
    this.clock = clock;
    this.record = record;
    this.stages = record.stages();
    this.rounds = record.rounds();
  }

  /** Opens the run's log, keeping earlier stage entries so unchanged stages can be skipped. */
  public static RunLog open(Path file, GuardsynthConfig config, Clock clock) {
    Map<String, RunRecord.StageEntry> stages = Map.of();
    List<RunRecord.RoundEntry> rounds = List.of();
    if (Files.exists(file)) {
      try {
        RunRecord earlier = Json.LENIENT.readValue(file.toFile(), RunRecord.class);
        stages = earlier.stages();
        rounds = earlier.rounds();
      } catch (IOException e) {
        // An unreadable run.json only costs re-running stages; it holds no data of its own.
      }
    }
    // The config holds no keys, but a base_url may carry credentials: stored without them.
    JsonNode configNode = readTree(Secrets.redact(Json.write(config)));
    RunRecord record =
        new RunRecord(
            ToolVersion.get(),
            config.name(),
            Ids.sha256Hex(Json.write(configNode)),
            configNode,
            StageStatus.RUNNING,
            clock.instant().toString(),
            stages,
            rounds,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    return new RunLog(file, clock, record);
  }

  private static JsonNode readTree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("re-reading the config as JSON", e);
    }
  }

  /** The record as last saved (before the first save: as opened). */
  public RunRecord record() {
    return record;
  }

  /** The fingerprint recorded for a stage that completed, or null. */
  public String completedFingerprint(String stage) {
    RunRecord.StageEntry s = record.stage(stage);
    return s == null ? null : s.completedFingerprint();
  }

  /** Records a stage's outcome and counts, then saves. */
  public void stage(
      String stage, StageStatus status, String fingerprint, double seconds, Object counts) {
    Map<String, RunRecord.StageEntry> next = new LinkedHashMap<>(stages);
    next.put(stage, entry(status, fingerprint, seconds, counts));
    stages = next;
    save();
  }

  private static RunRecord.StageEntry entry(
      StageStatus status, String fingerprint, double seconds, Object counts) {
    return new RunRecord.StageEntry(
        status,
        fingerprint,
        Math.round(seconds * 1000) / 1000.0,
        counts == null ? null : Json.MAPPER.valueToTree(counts));
  }

  // --- Rounds: each round's stages, with the run's totals per stage folded from them. ---

  /** The fingerprint recorded for a stage of {@code round} that completed, or null. */
  public String roundFingerprint(int round, String stage) {
    if (round > rounds.size()) {
      return null;
    }
    RunRecord.StageEntry s = rounds.get(round - 1).stages().get(stage);
    return s == null ? null : s.completedFingerprint();
  }

  /**
   * Records a stage of {@code round}, then sets the run's entry for {@code stage} to its totals
   * over every round: the latest status, the seconds and every count summed. Saves.
   */
  public void roundStage(
      int round,
      String stage,
      StageStatus status,
      String fingerprint,
      double seconds,
      Object counts) {
    List<RunRecord.RoundEntry> next = roundsUpTo(round);
    next.set(
        round - 1,
        next.get(round - 1).withStage(stage, entry(status, fingerprint, seconds, counts)));
    rounds = next;
    double allSeconds = 0;
    JsonNode allCounts = null;
    for (RunRecord.RoundEntry each : rounds) {
      RunRecord.StageEntry one = each.stages().get(stage);
      if (one != null) {
        allSeconds += one.seconds();
        allCounts = sum(allCounts, one.counts());
      }
    }
    Map<String, RunRecord.StageEntry> totals = new LinkedHashMap<>(stages);
    totals.put(
        stage,
        new RunRecord.StageEntry(status, null, Math.round(allSeconds * 1000) / 1000.0, allCounts));
    stages = totals;
    save();
  }

  /** Sets the cells of {@code round}'s entry and saves. */
  public void roundCells(int round, Map<String, RunRecord.RoundCell> cells) {
    List<RunRecord.RoundEntry> next = roundsUpTo(round);
    next.set(round - 1, next.get(round - 1).withCells(cells));
    rounds = next;
    save();
  }

  /** Forgets rounds after {@code last}: a run that needs fewer rounds than an earlier one did. */
  public void keepRounds(int last) {
    List<RunRecord.RoundEntry> next = new ArrayList<>(rounds);
    while (next.size() > last) {
      next.remove(next.size() - 1);
    }
    rounds = next;
    save();
  }

  private List<RunRecord.RoundEntry> roundsUpTo(int round) {
    List<RunRecord.RoundEntry> next = new ArrayList<>(rounds);
    while (next.size() < round) {
      next.add(new RunRecord.RoundEntry(next.size() + 1, Map.of(), null));
    }
    return next;
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

  /** Records what the rounds delivered: their count, each cell's outcome and the short cells. */
  public void outcome(
      int roundsRun,
      List<CellOutcome> cells,
      int exported,
      List<RunRecord.ShortCell> shortCells,
      boolean targetsMet) {
    this.roundsRun = roundsRun;
    this.cells = List.copyOf(cells);
    this.exported = exported;
    this.shortCells = List.copyOf(shortCells);
    this.targetsMet = targetsMet;
    this.labels = LabelDecisions.of(labelTotals());
    save();
  }

  /** The label stage's counts over every round so far, or null before it ran. */
  LabelResult labelTotals() {
    RunRecord.StageEntry label = stages.get("label");
    return label == null ? null : label.counts(LabelResult.class);
  }

  /** Records what the teacher was paid, in total and per exported question, and saves. */
  public void usage(RunUsage usage, CostPerQuestion costPerQuestion) {
    this.usage = usage;
    if (costPerQuestion != null) {
      this.costPerQuestion = costPerQuestion;
    }
    save();
  }

  /** Ends the run with {@code status}; {@code stopReason} says why it stopped, or is null. */
  public void finish(StageStatus status, String stopReason) {
    this.status = status;
    if (stopReason != null) {
      this.stopReason = stopReason;
    }
    this.finishedAt = clock.instant().toString();
    save();
  }

  private void save() {
    record =
        new RunRecord(
            record.toolVersion(),
            record.name(),
            record.configHash(),
            record.config(),
            status,
            record.startedAt(),
            stages,
            rounds,
            roundsRun,
            cells,
            exported,
            shortCells,
            targetsMet,
            labels,
            stopReason,
            finishedAt,
            usage,
            costPerQuestion);
    try {
      AtomicFile.writeString(file, Json.writePretty(record));
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("writing " + file, e.getCause());
    }
  }
}
