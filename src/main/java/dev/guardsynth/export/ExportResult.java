package dev.guardsynth.export;

import java.util.Map;

/**
 * What the export stage wrote.
 *
 * @param recordsPerSplit lines (or CSV rows) per split file
 * @param questions distinct questions exported
 * @param stats everything {@code stats.json} says
 */
public record ExportResult(Map<String, Long> recordsPerSplit, long questions, DatasetStats stats) {
  public ExportResult {
    recordsPerSplit = Map.copyOf(recordsPerSplit);
  }
}
