package dev.guardsynth.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code run.json} as data: what {@link RunLog} writes and {@code stats}, {@code run} and the tests
 * read, through one Jackson mapping ({@link Json#MAPPER}). The JSON keys are the released ones; the
 * components' order is the file's order. Immutable.
 *
 * @param config the resolved config, secrets redacted (kept as JSON: it is shown, never read back)
 * @param stages per stage, its latest entry; in a run in rounds, the totals over the rounds
 * @param rounds each round's stages and cells; empty before the first round
 * @param roundsRun how many rounds ran; null until the rounds are over
 * @param cells each cell's outcome; empty until the rounds are over
 * @param exported questions kept within targets; null until the rounds are over
 * @param shortCells the cells short of {@code targets.min_fill}, and why
 * @param labels how the labels were decided over the rounds (conflicts, contrast pairs, a jury's
 *     agreement); null until the rounds are over
 * @param stopReason why the run stopped (Ctrl-C or the budget), or null
 */
public record RunRecord(
    String toolVersion,
    String name,
    String configHash,
    JsonNode config,
    StageStatus status,
    String startedAt,
    @JsonSerialize(using = InOrder.class) Map<String, StageEntry> stages,
    List<RoundEntry> rounds,
    Integer roundsRun,
    List<CellOutcome> cells,
    Integer exported,
    List<ShortCell> shortCells,
    Boolean targetsMet,
    LabelDecisions labels,
    String stopReason,
    String finishedAt,
    RunUsage usage,
    CostPerQuestion costPerQuestion) {
  public RunRecord {
    stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages == null ? Map.of() : stages));
    rounds = rounds == null ? List.of() : List.copyOf(rounds);
    cells = cells == null ? null : List.copyOf(cells);
    shortCells = shortCells == null ? null : List.copyOf(shortCells);
  }

  /** Reads a run.json; one that is not valid JSON of this shape is an {@link InputException}. */
  public static RunRecord read(Path file) {
    try {
      return Json.LENIENT.readValue(file.toFile(), RunRecord.class);
    } catch (IOException e) {
      throw new InputException(file + ": not a run.json of guardsynth (" + e.getMessage() + ")", e);
    }
  }

  /** The entry of {@code stage}, or null when it never ran. */
  public StageEntry stage(String stage) {
    return stages.get(stage);
  }

  /** Cells as {@code stats} shows them: empty for a run from before rounds or still running. */
  public List<CellOutcome> cellsOrEmpty() {
    return cells == null ? List.of() : cells;
  }

  /**
   * One stage's entry.
   *
   * @param fingerprint what its inputs and settings were when it completed; null when a re-run must
   *     run it again (it failed, stopped, or completed with failed requests to retry)
   * @param counts the stage's own result record as JSON (each stage has its own shape); read one
   *     back with {@link #counts(Class)}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StageEntry(
      StageStatus status, String fingerprint, double seconds, JsonNode counts) {
    /** The fingerprint when the stage completed, else null. */
    public String completedFingerprint() {
      return status == StageStatus.COMPLETE ? fingerprint : null;
    }

    /** The counts as {@code type}, or null when there are none. */
    public <T> T counts(Class<T> type) {
      if (counts == null || counts.isNull()) {
        return null;
      }
      try {
        return Json.LENIENT.treeToValue(counts, type);
      } catch (IOException e) {
        throw new InputException(
            "run.json: the counts of a stage are not "
                + type.getSimpleName()
                + ": "
                + e.getMessage(),
            e);
      }
    }
  }

  /**
   * One round: its stages and, once it is settled, what it did for each cell it asked.
   *
   * @param cells per cell id asked this round; null until the round is settled
   */
  public record RoundEntry(
      int round,
      @JsonSerialize(using = InOrder.class) Map<String, StageEntry> stages,
      Map<String, RoundCell> cells) {
    public RoundEntry {
      stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages == null ? Map.of() : stages));
      cells = cells == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(cells));
    }

    RoundEntry withStage(String stage, StageEntry entry) {
      Map<String, StageEntry> s = new LinkedHashMap<>(stages);
      s.put(stage, entry);
      return new RoundEntry(round, s, cells);
    }

    RoundEntry withCells(Map<String, RoundCell> cells) {
      return new RoundEntry(round, stages, cells);
    }
  }

  /**
   * One cell in one round.
   *
   * @param asked questions its prompts asked for
   * @param newExported new questions kept for it (within its target)
   * @param yield newExported over asked
   */
  @JsonPropertyOrder(alphabetic = true) // as released
  public record RoundCell(int asked, int newExported, double yield, CellStatus status) {}

  /**
   * Writes a map in its own order, not sorted as the mapper sorts maps: stages in the order they
   * ran.
   */
  static final class InOrder extends JsonSerializer<Map<String, ?>> {
    @Override
    public void serialize(Map<String, ?> map, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      out.writeStartObject();
      for (Map.Entry<String, ?> e : map.entrySet()) {
        out.writeFieldName(e.getKey());
        provider.defaultSerializeValue(e.getValue(), out);
      }
      out.writeEndObject();
    }
  }

  /**
   * A cell short of {@code targets.min_fill}, why it got no more, and what it lost on the way, per
   * stage and reason.
   */
  public record ShortCell(
      String cell,
      int target,
      int exported,
      CellStatus reason,
      Map<String, Map<String, Long>> losses) {
    public ShortCell {
      losses = losses == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(losses));
    }

    /**
     * One line for people: {@code crime_advice/unsafe/ko: 0 of 10, <why>; label:
     * response_wrong_language 78, judge_disagrees 17; filter: wrong_language 3}.
     */
    public String describe() {
      String lost = CellLosses.render(losses);
      return cell
          + ": "
          + exported
          + " of "
          + target
          + ", "
          + reason.why()
          + (lost.isEmpty() ? "" : "; " + lost);
    }
  }
}
