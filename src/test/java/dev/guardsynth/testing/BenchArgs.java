package dev.guardsynth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The arguments the CLI benches share: {@code [SCENARIO] [--prompts N] [--work DIR]}. Without
 * {@code --work}, a new temporary folder, printed so its files can be read afterwards.
 */
record BenchArgs(String what, int prompts, Path work) {
  static BenchArgs parse(String bench, String defaultWhat, String[] args) throws IOException {
    String what = defaultWhat;
    int prompts = 2000;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--prompts" -> prompts = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        default -> what = args[i];
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("guardsynth-bench-");
    }
    System.out.println("bench " + bench + ": work folder " + work);
    return new BenchArgs(what, prompts, work);
  }
}
