package dev.guardsynth.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What the label stage does.
 *
 * @param judge whether the teacher, as judge, checks each question's label and category
 * @param respond whether the teacher writes a safeguard response for each question
 * @param onDisagree what becomes of a question the judge disagrees with
 * @param judgeTemperature sampling temperature of judge requests; 0 so a verdict is reproducible
 * @param respondTemperature sampling temperature of response requests
 */
public record LabelConfig(
    Boolean judge,
    Boolean respond,
    OnDisagree onDisagree,
    Double judgeTemperature,
    Double respondTemperature) {

  /** What becomes of a question the judge disagrees with; YAML spells it in lower case. */
  public enum OnDisagree {
    /** Drop it, with reason {@code judge_disagrees}. */
    REJECT,
    /** Keep it with the judge's label and category. */
    RELABEL;

    @JsonCreator
    public static OnDisagree of(String name) {
      return Check.choice("on_disagree", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LabelConfig {
    judge = judge == null || judge;
    respond = respond == null || respond;
    onDisagree = onDisagree == null ? OnDisagree.REJECT : onDisagree;
    judgeTemperature = Check.range("judge_temperature", judgeTemperature, 0.0, 0.0, 2.0);
    respondTemperature = Check.range("respond_temperature", respondTemperature, 0.7, 0.0, 2.0);
  }

  static LabelConfig defaults() {
    return new LabelConfig(null, null, null, null, null);
  }
}
