package dev.guardsynth.run;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.InputException;
import dev.guardsynth.export.DatasetExporter;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.Teachers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a run can check before its first paid request, in one place for {@code run} and its
 * dry run, so that bad input is exit 2 before the teacher is paid rather than an error at export
 * after hundreds of requests: the taxonomy, axes, rule sets and every prompt template (with the
 * placeholders each kind needs), the filters, the previous release ({@code --previous}: a complete
 * dataset folder of the same format, tasks and categories), the run folder (a folder that can be
 * written, not a file), a replayed cassette (read whole, a damaged line named) and the journal
 * (read whole; {@link #repairJournal} moves its damaged lines aside). The targets are checked as
 * the config is read. The stage commands reach the same checks through the same stage entries.
 *
 * @param planner the round planner's prompt planner, with the taxonomy
 * @param filter the filter stage
 * @param label the label stage, its prompts read
 * @param export the export stage, its guard prompts read
 */
record Preflight(
    PromptPlanner planner, QuestionFilter filter, LabelStage label, ExportStage export) {

  /** Opens every stage of a run of {@code config} into {@code dir}, and checks what they read. */
  static Preflight check(GuardsynthConfig config, RunDirectory dir) {
    PromptPlanner planner = PromptPlanner.open(config);
    Taxonomy taxonomy = planner.taxonomy();
    QuestionFilter filter = QuestionFilter.open(config.filters());
    LabelStage label = LabelStage.open(config, taxonomy);
    ExportStage export = ExportStage.open(config, taxonomy);
    DatasetExporter.checkPrevious(config.export(), taxonomy);
    checkRunFolder(dir.root());
    return new Preflight(planner, filter, label, export);
  }

  /**
   * What a dry run checks besides {@link #check}, which a run finds when it opens its teacher: a
   * replayed cassette, read whole. Returns the journal's damaged lines, which a run would move
   * aside, one note each.
   */
  static List<String> checkWithoutRunning(GuardsynthConfig config, RunDirectory dir) {
    if (config.teacher().provider() == TeacherConfig.Provider.REPLAY) {
      // The run's own way of opening it: a missing cassette, or a damaged line, is named alike.
      Teachers.open(config.teacher(), Map.of(), null).close();
    }
    if (!Files.exists(dir.responses())) {
      return List.of();
    }
    try (Journal journal = Journal.read(dir.responses())) {
      return journal.damaged().stream()
          .map(d ->
              dir.responses()
                  + ":"
                  + d.line()
                  + ": "
                  + d.reason()
                  + "; the run moves this line aside, beside the journal, and sends its request"
                  + " again if it still needs it")
          .toList();
    }
  }

  /**
   * Reads the run's journal whole before the first request, moving damaged lines aside (see {@link
   * Journal}); call it holding the run's lock, as nothing else may write the journal then.
   */
  static void repairJournal(RunDirectory dir) {
    Journal.open(dir.responses()).close();
  }

  /**
   * The run folder {@code root} is a folder or can be made one, and can be written: not a file (a
   * run name taken by a file), and its nearest existing folder writable.
   */
  static void checkRunFolder(Path root) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new InputException(
          root
              + ": a file, not a run folder; name the run otherwise (--run-name NAME, or name: in"
              + " the config), or move the file away");
    }
    Path existing = root.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    String problem =
        !Files.isDirectory(existing)
            ? "a file, so the run folder %s cannot be made under it; set output: in the config to"
                + " a folder (or move the file away)"
            : !Files.isWritable(existing)
                ? "not writable (permission denied), so the run cannot write %s; make it writable"
                    + " (chmod u+w %2$s) or set output: in the config to a folder you can write"
                : null;
    if (problem != null) {
      throw new InputException(existing + ": " + String.format(problem, root, existing));
    }
  }
}
