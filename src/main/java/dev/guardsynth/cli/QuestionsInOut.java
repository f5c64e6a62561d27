package dev.guardsynth.cli;

import picocli.CommandLine.Option;

/**
 * The questions a stage without a teacher reads and the ones it keeps: {@code --in} and {@code -o},
 * each a file or {@code -} (stdin, stdout). Shared by {@code dedup} and {@code filter}.
 */
final class QuestionsInOut {
  @Option(
      names = "--in",
      paramLabel = "FILE",
      description = "Questions (JSONL), or - for stdin (default: stdin).")
  String in;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Kept questions, in input order, or - for stdout (default: stdout).")
  String out;
}
