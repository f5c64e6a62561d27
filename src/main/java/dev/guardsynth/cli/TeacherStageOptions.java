package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.run.TeacherSession;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What the stage commands that ask the teacher ({@code generate}, {@code label}) share: the teacher
 * options, input and output, the journal and failures files and the folder of side files ({@link
 * SideFiles}), and the session that handles its failures as {@code run} does (see {@link
 * TeacherSession}).
 */
final class TeacherStageOptions {
  /** The exit codes of a teacher stage's command, for its help. */
  static final String OK =
      "0:success (failures within teacher.failure_tolerance are listed in failures.jsonl)";

  static final String FAILED =
      "1:more requests failed than teacher.failure_tolerance allows (nothing is written)";

  @Mixin TeacherOptions teacher;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description =
          "Input (JSONL): prompts for generate, kept questions for label; or - for stdin (default:"
              + " stdin).")
  String in;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description =
          "Output (JSONL): candidates for generate, labeled questions for label; or - for stdout"
              + " (default: stdout).")
  String out;

  /** What a run folder calls them; a stage command writes the same names beside its output. */
  static final String JOURNAL = "responses.jsonl";

  static final String FAILURES = "failures.jsonl";

  @Option(
      names = "--journal",
      paramLabel = "FILE",
      description =
          "Request journal: every reply is appended as it arrives, and replies already in it are"
              + " not requested (or paid for) again (default: "
              + JOURNAL
              + " in --state-dir: beside --out, or with the output on stdout in a state folder"
              + " that the same command line finds again).")
  Path journal;

  @Option(
      names = "--failures",
      paramLabel = "FILE",
      description =
          "Where requests that failed for good are listed with their errors; running the same"
              + " command again retries exactly these (default: "
              + FAILURES
              + " in --state-dir).")
  Path failures;

  @Mixin SideFiles stateDir;

  /** Where this command's side files go; set by {@link #open}. */
  SideFiles.Place sideFiles;

  /**
   * A stage command's teacher session, its progress display and its journal file; closing ends the
   * first two.
   */
  record Opened(TeacherSession session, ProgressDisplay progress, Path journal)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        session.close();
      } finally {
        if (progress != null) {
          progress.finish();
        }
      }
    }
  }

  /**
   * Opens the teacher session for a stage command writing to {@link #out}: its failures go to
   * {@link #failures} (by default in the folder {@link #sideFiles} names), Ctrl-C stops it cleanly
   * (exit 3), {@code budget} applies, and progress shows on stderr unless {@code --quiet}.
   */
  Opened open(GuardsynthConfig config, GuardsynthCommand root, CommandSpec spec) {
    ProgressDisplay progress =
        root.common.quiet()
            ? null
            : new ProgressDisplay(spec.commandLine().getErr(), StderrTerminal.detect(root.env));
    sideFiles =
        stateDir.place(
            spec.name(), out, root.env, SideFiles.identity(root.common.configFile(), in));
    Path journalFile = sideFiles.file(journal, JOURNAL);
    Path failuresFile = sideFiles.file(failures, FAILURES);
    root.stop().watch();
    return new Opened(
        TeacherSession.open(
            config.teacher(),
            config.budget(),
            root.env,
            teacher.record,
            new TeacherSession.Settings(teacher.retryDelay(), root.stop(), progress, null),
            failuresFile),
        progress,
        journalFile);
  }
}
