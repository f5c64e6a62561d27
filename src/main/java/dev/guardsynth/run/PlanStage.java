package dev.guardsynth.run;

import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.prompt.PromptSpec;
import java.lang.System.Logger.Level;
import java.util.List;

/** The plan stage as {@code guardsynth plan} and {@code run} both call it: prompts to a file. */
public final class PlanStage {
  private static final System.Logger LOG = System.getLogger("guardsynth.plan");

  private PlanStage() {}

  /** Writes {@code prompts} to {@code out} and commits it. */
  public static void write(List<PromptSpec> prompts, JsonlWriter out) {
    prompts.forEach(out::write);
    out.commit();
    LOG.log(Level.INFO, "plan: {0} prompts", prompts.size());
  }
}
