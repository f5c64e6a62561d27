package dev.guardsynth.filter;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts from one filter stage. They add up: {@code input == kept + rejected}, and {@code rejected}
 * is the sum of {@code rejectedByReason}.
 *
 * @param masked kept questions whose personal data was masked
 * @param rejectedByReason rejections per reason, in reason order
 */
public record FilterResult(
    long input, long kept, long rejected, long masked, Map<String, Long> rejectedByReason) {
  public FilterResult {
    rejectedByReason = Collections.unmodifiableMap(new TreeMap<>(rejectedByReason));
  }
}
