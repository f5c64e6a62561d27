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

  /** The split named {@code name} ({@code train}, {@code validation}, {@code test}). */
  public static Split parse(String name) {
    for (Split split : values()) {
      if (split.json().equals(name)) {
        return split;
      }
    }
    throw new IllegalArgumentException(
        "split '" + name + "' is not allowed; use train, validation or test");
  }
}
