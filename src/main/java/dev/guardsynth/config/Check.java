package dev.guardsynth.config;

import java.util.Collection;

/**
 * Validation for config records. Messages start with the key so that {@link ConfigLoader} can
 * prefix the section path and the file location.
 */
public final class Check {
  private Check() {}

  public static int intRange(String key, Integer value, int fallback, int min, int max) {
    int v = value == null ? fallback : value;
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          key + ": " + v + " is not allowed; use a whole number from " + min + " to " + max);
    }
    return v;
  }

  public static long longRange(String key, Long value, long fallback, long min, long max) {
    long v = value == null ? fallback : value;
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          key + ": " + v + " is not allowed; use a whole number from " + min + " to " + max);
    }
    return v;
  }

  public static double range(String key, Double value, double fallback, double min, double max) {
    double v = value == null ? fallback : value;
    if (!(v >= min && v <= max)) {
      throw new IllegalArgumentException(
          key + ": " + v + " is not allowed; use a number from " + min + " to " + max);
    }
    return v;
  }

  public static String oneOf(
      String key, String value, String fallback, Collection<String> allowed) {
    String v = value == null ? fallback : value;
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException(
          key + ": '" + v + "' is not allowed; use one of " + String.join(", ", allowed));
    }
    return v;
  }

  public static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
