package dev.guardsynth.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a stage (or the whole run) last ended, as {@code run.json} writes it. */
public enum StageStatus {
  /** Only the run as a whole: it has not ended (or it was killed). */
  RUNNING,
  COMPLETE,
  /** Stopped cleanly by Ctrl-C or the budget; resumable. */
  STOPPED,
  FAILED,
  /** Not run: nothing to do (an empty export never replaces a dataset). */
  SKIPPED;

  /** As run.json writes it; Jackson reads it back by the same value. */
  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
