package dev.guardsynth.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.Ledger;
import dev.guardsynth.teacher.OpenAiBatch;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The teacher side of one {@code run}: the ledger its stages share (accounting and budget), the
 * runners it hands them, the run's {@code failures.jsonl}, and its usage summary. Not thread-safe;
 * the stages run one after another.
 */
final class TeacherSession {
  private final GuardsynthConfig config;
  private final Pipeline.Options options;
  private final RunDirectory dir;
  private final Teacher teacher;
  private final OpenAiBatch batch;
  private final Ledger ledger;

  TeacherSession(
      GuardsynthConfig config,
      Pipeline.Options options,
      RunDirectory dir,
      Teacher teacher,
      OpenAiBatch batch) {
    this.config = config;
    this.options = options;
    this.dir = dir;
    this.teacher = teacher;
    this.batch = batch;
    this.ledger = new Ledger(config.teacher(), config.budget());
  }

  Ledger ledger() {
    return ledger;
  }

  /** A runner for {@code stage}, sharing this run's ledger, stop signal and progress display. */
  RequestRunner runner(String stage, Journal journal) {
    RequestRunner.Builder b =
        RequestRunner.builder(teacher, config.teacher())
            .journal(journal)
            .retryBaseDelay(options.retryBaseDelay())
            .ledger(ledger)
            .stage(stage)
            .stop(options.stop())
            .progress(options.progress())
            .stopGrace(options.stopGrace());
    if (batch != null) {
      b.batch(batch, dir.batches(stage));
    }
    return b.build();
  }

  /**
   * Replaces {@code stage}'s lines in {@code failures.jsonl} with {@code failures}, keeping other
   * stages' lines; the file is removed when no stage has any.
   */
  void recordFailures(String stage, List<FailedRequest> failures) {
    List<FailedRequest> all = new ArrayList<>();
    if (Files.exists(dir.failures())) {
      try {
        for (String line : Files.readAllLines(dir.failures(), StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            FailedRequest f = Json.LENIENT.readValue(line, FailedRequest.class);
            if (!f.stage().equals(stage)) {
              all.add(f);
            }
          }
        }
      } catch (JsonProcessingException e) {
        // Only a record of earlier failures, rebuilt as stages run again: start it afresh.
        all.clear();
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + dir.failures(), e);
      }
    }
    all.addAll(failures);
    try {
      if (all.isEmpty()) {
        Files.deleteIfExists(dir.failures());
      } else {
        JsonlWriter.writeAll(dir.failures(), all);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + dir.failures(), e);
    }
  }

  /**
   * Fails the run when more of a stage's requests failed than {@code teacher.failure_tolerance}
   * allows.
   */
  void checkTolerance(String stage, int requests, List<FailedRequest> failures)
      throws TeacherException {
    if (failures.isEmpty()) {
      return;
    }
    double tolerance = config.teacher().failureTolerance();
    long allowed = (long) Math.floor(tolerance * requests);
    if (failures.size() <= allowed) {
      return;
    }
    Map<String, Integer> byKind = new TreeMap<>();
    failures.forEach(f -> byKind.merge(f.kind(), 1, Integer::sum));
    String mostCommon =
        byKind.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    throw new TeacherException(
        TeacherException.Kind.valueOf(mostCommon.toUpperCase(Locale.ROOT)),
        stage
            + ": "
            + failures.size()
            + " of "
            + requests
            + " requests failed for good ("
            + byKind
            + "; teacher.failure_tolerance "
            + tolerance
            + " allows "
            + allowed
            + "); each is listed with its error in "
            + dir.failures()
            + ". Every other reply is"
            + " journalled: run the same command again to retry only these, or raise"
            + " teacher.failure_tolerance to accept the loss. First error: "
            + failures.get(0).message());
  }

  /** Whether any stage asked the teacher anything (the journal's answers included). */
  boolean usedTeacher() {
    StageUsage t = ledger.total();
    return t.requests() + t.failed() > 0;
  }

  RunUsage usage() {
    return RunUsage.of(ledger);
  }

  /** One line for stderr: requests, where they came from, tokens and cost, per model if several. */
  String summary() {
    StageUsage t = ledger.total();
    StringBuilder line = new StringBuilder();
    line.append(
        String.format(
            Locale.ROOT,
            "teacher: %,d replies (%,d sent, %,d from the journal), %,d failed, %,d retries;"
                + " %,d input + %,d output tokens; $%.4f (this session $%.4f)",
            t.requests(),
            t.sent(),
            t.fromJournal(),
            t.failed(),
            t.retries(),
            t.inputTokens(),
            t.outputTokens(),
            t.costUsd(),
            t.sentCostUsd()));
    Map<String, StageUsage> byModel = new TreeMap<>();
    ledger
        .byStage()
        .values()
        .forEach(m -> m.forEach((model, u) -> byModel.merge(model, u, StageUsage::plus)));
    if (byModel.size() > 1) {
      line.append("; by model:");
      byModel.entrySet().stream()
          .sorted(Comparator.comparing(Map.Entry::getKey))
          .forEach(e ->
              line.append(
                  String.format(Locale.ROOT, " %s $%.4f", e.getKey(), e.getValue().costUsd())));
    }
    return line.toString();
  }
}
