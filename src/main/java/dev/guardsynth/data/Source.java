package dev.guardsynth.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a candidate question came from: the prompt that asked for it, the teacher model that
 * answered, its position in that reply, and the prompt's axis values and round, so that records
 * down to the exported dataset say which persona, style, subtopic... produced them.
 *
 * @param axes the prompt's value per axis; empty for records written before axes existed
 * @param round the round that planned the prompt, from 1; records without one read as round 1
 * @param note what the teacher attached to the question and the reader kept aside (a translation,
 *     an echoed tag list, an explanation, a topic lead-in, sub-bullets), or null; never part of the
 *     question's text or id
 */
public record Source(
    String promptId,
    String model,
    int index,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> axes,
    int round,
    String note) {
  public Source {
    axes = axes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    round = round == 0 ? 1 : round; // absent in older files
    note = note == null || note.isBlank() ? null : note;
  }

  /** A source without a note. */
  public Source(String promptId, String model, int index, Map<String, String> axes, int round) {
    this(promptId, model, index, axes, round, null);
  }

  /** A round-1 source without axis values. */
  public Source(String promptId, String model, int index) {
    this(promptId, model, index, Map.of(), 1);
  }
}
