package dev.guardsynth.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Validation for config records. Messages start with the key so that {@link ConfigLoader} can
 * prefix the section path and the file location.
 */
public final class Check {
  private Check() {}

  public static int intRange(String key, Integer value, int fallback, int min, int max) {
    return (int) longRange(key, value == null ? null : value.longValue(), fallback, min, max);
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

  /**
   * The enum constant whose {@code toString()} (its YAML and command-line spelling) is {@code
   * value}, or {@code fallback} for null; otherwise an error naming the key and the allowed values.
   */
  public static <E extends Enum<E>> E choice(String key, String value, E fallback, E[] allowed) {
    if (value == null) {
      return fallback;
    }
    for (E e : allowed) {
      if (e.toString().equals(value)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : allowed) {
      names.add(e.toString());
    }
    throw new IllegalArgumentException(
        key + ": '" + value + "' is not allowed; use one of " + String.join(", ", names));
  }

  public static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
