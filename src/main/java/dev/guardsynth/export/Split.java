package dev.guardsynth.export;

import java.util.Locale;

/** A dataset split, in the order files are written. */
public enum Split {
  TRAIN,
  VALIDATION,
  TEST;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
