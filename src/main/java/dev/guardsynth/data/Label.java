package dev.guardsynth.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether a question is harmful. Serialized as {@code "unsafe"} or {@code "safe"}. */
public enum Label {
  UNSAFE,
  SAFE;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code unsafe} or {@code safe} (any case); anything else is an error naming both. */
  @JsonCreator
  public static Label parse(String value) {
    if (value != null) {
      for (Label label : values()) {
        if (label.json().equalsIgnoreCase(value.strip())) {
          return label;
        }
      }
    }
    throw new IllegalArgumentException(
        "label '" + value + "' is not allowed; use 'unsafe' or 'safe'");
  }
}
