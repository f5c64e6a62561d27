package dev.guardsynth.config;

import java.util.List;

/**
 * What the label stage does.
 *
 * @param judge whether the teacher, as judge, checks each question's label and category
 * @param respond whether the teacher writes a safeguard response for each question
 * @param onDisagree {@code reject} drops a question the judge disagrees with (reason {@code
 *     judge_disagrees}); {@code relabel} keeps it with the judge's label and category
 * @param judgeTemperature sampling temperature of judge requests; 0 so a verdict is reproducible
 * @param respondTemperature sampling temperature of response requests
 */
public record LabelConfig(
    Boolean judge,
    Boolean respond,
    String onDisagree,
    Double judgeTemperature,
    Double respondTemperature) {
  public static final List<String> ON_DISAGREE = List.of("reject", "relabel");

  public LabelConfig {
    judge = judge == null || judge;
    respond = respond == null || respond;
    onDisagree = Check.oneOf("on_disagree", onDisagree, "reject", ON_DISAGREE);
    judgeTemperature = Check.range("judge_temperature", judgeTemperature, 0.0, 0.0, 2.0);
    respondTemperature = Check.range("respond_temperature", respondTemperature, 0.7, 0.0, 2.0);
  }

  static LabelConfig defaults() {
    return new LabelConfig(null, null, null, null, null);
  }
}
