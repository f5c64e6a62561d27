package dev.guardsynth.export;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code scripts/bench export-kill [QUESTIONS]}: issue #14's acceptance 1 at full size. Exports
 * about 20,000 questions over an existing dataset in a child JVM and kills it (SIGKILL) 12 times at
 * random moments, checking after each that the folder holds one whole dataset matching its manifest
 * with no question in two splits; prints the figures.
 */
public final class ExportKillBench {
  private ExportKillBench() {}

  public static void main(String[] args) throws Exception {
    int questions = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Path work = Files.createTempDirectory("guardsynth-export-kill-");
    // About 12.5 questions per base (3 categories × 2 labels, with rephrasings and twins).
    int bases = Math.max(1, (int) Math.round(questions / 12.48));
    long start = System.nanoTime();
    var figures = DatasetReplacementTest.killExports(work, bases, 12, 20_000);
    figures.put("total_s", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    figures.put("work", work.toString());
    System.out.println(figures);
  }
}
