package dev.guardsynth.cli;

import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import java.nio.file.Path;
import java.util.List;

/** Opens a stage's input and output: a file, or stdin/stdout for {@code -} or no flag. */
final class StageIo {
  private StageIo() {}

  static <T> JsonlReader<T> input(String in, Class<T> type) {
    if (in == null || in.equals("-")) {
      // System.in, not the file descriptor itself, so that an in-process caller can redirect it.
      return JsonlReader.open("<stdin>", System.in, type);
    }
    return JsonlReader.open(Path.of(in), type);
  }

  /** Every record of {@code in}. */
  static <T> List<T> readAll(String in, Class<T> type) {
    try (JsonlReader<T> reader = input(in, type)) {
      return reader.stream().toList();
    }
  }

  static JsonlWriter output(String out) {
    if (out == null || out.equals("-")) {
      // Raw bytes through System.out (JsonlWriter encodes UTF-8 itself); redirectable in-process.
      return JsonlWriter.to(System.out);
    }
    return JsonlWriter.create(Path.of(out));
  }
}
