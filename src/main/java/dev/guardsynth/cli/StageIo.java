package dev.guardsynth.cli;

import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Path;

/** Opens a stage's input and output: a file, or stdin/stdout for {@code -} or no flag. */
final class StageIo {
  private StageIo() {}

  static <T> JsonlReader<T> input(String in, Class<T> type) {
    if (in == null || in.equals("-")) {
      return JsonlReader.open("<stdin>", new FileInputStream(FileDescriptor.in), type);
    }
    return JsonlReader.open(Path.of(in), type);
  }

  static JsonlWriter output(String out) {
    if (out == null || out.equals("-")) {
      return JsonlWriter.to(new FileOutputStream(FileDescriptor.out));
    }
    return JsonlWriter.create(Path.of(out));
  }
}
