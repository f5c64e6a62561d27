package dev.guardsynth.run;

import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * The run folder's own files, apart from the round policy: after each round they are rebuilt from
 * the rounds' files, each the rounds' files one after another, except {@code labeled.jsonl}, which
 * holds the questions kept within targets, and {@code label_rejected.jsonl}, which adds those over
 * a target ({@code over_target}); folders of rounds a longer earlier run left are removed.
 */
final class RunFiles {
  /** What the label stage of one round wrote, in memory. */
  record Labels(List<Labeled> labeled, List<Rejected> rejected) {
    Labels {
      labeled = List.copyOf(labeled);
      rejected = List.copyOf(rejected);
    }
  }

  /** The selection's counts in run.json. */
  record Selection(int kept) {}

  private final RunDirectory dir;
  private final RunLog log;
  private final String targets;

  /**
   * @param targets the targets config as JSON, part of the selection's fingerprint
   */
  RunFiles(RunDirectory dir, RunLog log, String targets) {
    this.dir = dir;
    this.log = log;
    this.targets = targets;
  }

  /**
   * Rebuilds {@code prompts.jsonl} from rounds 1 to {@code round}, as soon as a round is planned.
   */
  void prompts(int round) {
    concat(rounds(round), RunDirectory::prompts, dir.prompts());
  }

  /**
   * Writes the run folder's files from rounds 1 to {@code round} ({@code labels} holds each round's
   * label output, in order), selecting the labeled questions up to each cell's target. The
   * selection is kept when its inputs are unchanged, so a hand edit of labeled.jsonl stands and
   * reaches the export.
   */
  void rebuild(int round, List<Labels> labels, ToIntFunction<Cell> target) {
    List<RunDirectory> rounds = rounds(round);
    concat(rounds, RunDirectory::prompts, dir.prompts());
    concat(rounds, RunDirectory::candidates, dir.candidates());
    concat(rounds, RunDirectory::unique, dir.unique());
    concat(rounds, RunDirectory::duplicates, dir.duplicates());
    concat(rounds, RunDirectory::crossLabel, dir.crossLabel());
    concat(rounds, RunDirectory::kept, dir.kept());
    concat(rounds, RunDirectory::rejected, dir.rejected());
    concat(rounds, RunDirectory::disagreements, dir.disagreements());

    StringBuilder inputs = new StringBuilder(targets);
    rounds.forEach(
        r -> inputs.append(Ids.sha256File(r.labeled())).append(Ids.sha256File(r.labelRejected())));
    String fingerprint = Ids.sha256Hex(inputs.toString());
    if (fingerprint.equals(log.roundFingerprint(round, "select"))
        && Files.exists(dir.labeled())
        && Files.exists(dir.labelRejected())) {
      return;
    }
    Map<Cell, Integer> count = new LinkedHashMap<>();
    try (JsonlWriter labeled = JsonlWriter.create(dir.labeled());
        JsonlWriter rejected = JsonlWriter.create(dir.labelRejected())) {
      for (Labels l : labels.subList(0, round)) {
        l.rejected().forEach(rejected::write);
        for (Labeled q : l.labeled()) {
          Cell cell = Cell.of(q);
          int max = target.applyAsInt(cell);
          if (count.getOrDefault(cell, 0) < max) {
            count.merge(cell, 1, Integer::sum);
            labeled.write(q);
          } else {
            rejected.write(
                new Rejected(
                    q.id(),
                    "over_target",
                    "cell " + cell.id() + " already has its target of " + max + " questions"));
          }
        }
      }
      rejected.commit();
      labeled.commit();
    }
    log.roundStage(
        round,
        "select",
        StageStatus.COMPLETE,
        fingerprint,
        0,
        new Selection(count.values().stream().mapToInt(Integer::intValue).sum()));
  }

  private List<RunDirectory> rounds(int last) {
    List<RunDirectory> out = new ArrayList<>();
    for (int e = 1; e <= last; e++) {
      out.add(dir.round(e));
    }
    return out;
  }

  private static void concat(
      List<RunDirectory> rounds, Function<RunDirectory, Path> file, Path target) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      for (RunDirectory r : rounds) {
        Path part = file.apply(r);
        if (Files.exists(part)) {
          bytes.write(Files.readAllBytes(part));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the rounds' files for " + target, e);
    }
    byte[] content = bytes.toByteArray();
    try {
      if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), content)) {
        return; // unchanged: leave the file (and its time stamp) alone
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + target, e);
    }
    AtomicFile.writeBytes(target, content);
  }

  /** Removes the folders and run.json entries of rounds an earlier, longer run left behind. */
  void forgetRoundsAfter(int last) {
    log.keepRounds(last);
    Path rounds = dir.root().resolve("rounds");
    if (!Files.isDirectory(rounds)) {
      return;
    }
    try (Stream<Path> folders = Files.list(rounds)) {
      for (Path f : folders.sorted(Comparator.reverseOrder()).toList()) {
        String name = f.getFileName().toString();
        if (name.matches("\\d+") && Integer.parseInt(name) > last) {
          try (Stream<Path> walk = Files.walk(f)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing rounds after " + last + " in " + rounds, e);
    }
  }
}
