package dev.guardsynth.export;

import java.util.Map;

/** What the export stage wrote: records per split file. */
public record ExportResult(Map<String, Long> recordsPerSplit, long questions) {
  public ExportResult {
    recordsPerSplit = Map.copyOf(recordsPerSplit);
  }
}
