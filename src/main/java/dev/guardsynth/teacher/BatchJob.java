package dev.guardsynth.teacher;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@link RequestRunner#run} in {@code mode: batch}: requests the journal cannot answer go to
 * the OpenAI Batch API as one or more batches, which are polled until done; their replies are
 * journalled like synchronous ones. The ids of submitted batches are kept in a state file in the
 * run directory before polling starts, so a run stopped while waiting (Ctrl-C, a crash) polls the
 * same batches when resumed instead of paying for them again. Requests a batch could not answer are
 * failures; running again submits them anew. Not thread-safe.
 */
final class BatchJob {
  private static final System.Logger LOG = System.getLogger("guardsynth.teacher");

  /** A batch this run submitted. {@code collected} once its results are in the journal. */
  record Submitted(String id, String inputFileId, int requests, boolean collected) {}

  private final RunnerContext context;
  private final List<TeacherRequest> requests;
  private final RequestRunner.Sink sink;
  private final Outcome[] outcomes;
  private final Map<String, List<Integer>> indexByKey = new HashMap<>();
  private final Map<Integer, Ledger.Estimate> reserved = new HashMap<>();
  private final long started;
  private int fromJournal;
  private int sent;
  private int failed;
  private int done;
  private String budgetStop;

  BatchJob(RunnerContext context, List<TeacherRequest> requests, RequestRunner.Sink sink) {
    this.context = context;
    this.requests = List.copyOf(requests);
    this.sink = sink;
    this.outcomes = new Outcome[requests.size()];
    for (int i = 0; i < requests.size(); i++) {
      indexByKey.computeIfAbsent(requests.get(i).key(), k -> new ArrayList<>()).add(i);
    }
    this.started = context.ticker().nanos();
  }

  RequestRunner.Result run() throws TeacherException, InterruptedException {
    Journal journal = context.journal();
    if (journal == null) {
      throw new IllegalStateException("mode: batch needs a journal to collect replies into");
    }
    answerFromJournal();
    List<Submitted> state = readState();
    // Batches an earlier session submitted are collected first, so nothing is paid for twice.
    for (int b = 0; b < state.size(); b++) {
      Submitted s = state.get(b);
      if (!s.collected()) {
        collect(s, state, b);
      }
    }
    answerFromJournal(); // an earlier session's batch may have answered some
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      if (outcomes[i] == null && !isDuplicateOfEarlier(i)) {
        Ledger.Estimate estimate = context.ledger().estimate(requests.get(i), true);
        String limit = context.ledger().exhausted(estimate);
        if (limit != null) {
          budgetStop = limit;
          break;
        }
        context.ledger().reserveNow(estimate);
        reserved.put(i, estimate);
        pending.add(i);
      }
    }
    for (List<Integer> chunk : chunks(pending)) {
      Submitted s = submit(chunk, state);
      collect(s, state, state.size() - 1);
    }
    return deliver();
  }

  private void answerFromJournal() {
    for (int i = 0; i < requests.size(); i++) {
      if (outcomes[i] != null) {
        continue;
      }
      TeacherRequest request = requests.get(i);
      var reply = context.journal().find(request.key());
      if (reply.isPresent()) {
        context.ledger().fromJournal(context.stage(), request, reply.get(), false);
        outcomes[i] = new Outcome.Answered(new RequestRunner.Answer(reply.get(), true));
        fromJournal++;
        done++;
      }
    }
    report(0);
  }

  /** A request identical to an earlier one in the list is answered with it, not sent twice. */
  private boolean isDuplicateOfEarlier(int i) {
    return indexByKey.get(requests.get(i).key()).get(0) != i;
  }

  private List<List<Integer>> chunks(List<Integer> pending) {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long bytes = 0;
    for (int i : pending) {
      long size = OpenAiBatch.inputLine(requests.get(i)).length() * 3L; // UTF-8 at worst
      if (!current.isEmpty()
          && (current.size() >= OpenAiBatch.MAX_REQUESTS || bytes + size > OpenAiBatch.MAX_BYTES)) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(i);
      bytes += size;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  private Submitted submit(List<Integer> chunk, List<Submitted> state)
      throws TeacherException, InterruptedException {
    context.stopSignal().check();
    Path input =
        context
            .batchState()
            .resolveSibling("batch-" + context.stage() + "-" + (state.size() + 1) + ".input.jsonl");
    // Written whole or not at all: a kill mid-write leaves no truncated input beside the state.
    AtomicFile file = AtomicFile.begin(input);
    try {
      try (Writer out = file.writer()) {
        for (int i : chunk) {
          out.write(OpenAiBatch.inputLine(requests.get(i)));
          out.write('\n');
        }
      }
      file.commit();
    } catch (IOException e) {
      file.abort();
      throw new UncheckedIOException("writing " + input, e);
    }
    String fileId = retrying(() -> context.batch().upload(input));
    String batchId = retrying(() -> context.batch().create(fileId));
    Submitted s = new Submitted(batchId, fileId, chunk.size(), false);
    state.add(s);
    writeState(state);
    LOG.log(
        Level.INFO,
        "{0}: submitted batch {1} of {2} requests; polling every {3} s",
        context.stage(),
        batchId,
        chunk.size(),
        context.config().batchPollSeconds());
    return s;
  }

  /** Polls a batch until it ends, then journals its replies and records its failures. */
  private void collect(Submitted s, List<Submitted> state, int position)
      throws TeacherException, InterruptedException {
    OpenAiBatch.Status polled = retrying(() -> context.batch().retrieve(s.id()));
    while (!polled.isTerminal()) {
      report((int) polled.completed());
      sleepUnlessStopped(context.config().batchPollSeconds() * 1_000_000_000L);
      polled = retrying(() -> context.batch().retrieve(s.id()));
    }
    OpenAiBatch.Status status = polled;
    String model = requests.isEmpty() ? "" : requests.get(0).model();
    List<String> lines = new ArrayList<>();
    if (status.outputFileId() != null) {
      lines.addAll(retrying(() -> context.batch().download(status.outputFileId())));
    }
    if (status.errorFileId() != null) {
      lines.addAll(retrying(() -> context.batch().download(status.errorFileId())));
    }
    Set<String> answered = new HashSet<>();
    for (String line : lines) {
      OpenAiBatch.Result result = context.batch().parse(line, model);
      List<Integer> indices = result.key() == null ? null : indexByKey.get(result.key());
      if (indices == null) {
        LOG.log(
            Level.WARNING,
            "{0}: batch {1} answered a request this run no longer makes; ignored",
            context.stage(),
            s.id());
        continue;
      }
      answered.add(result.key());
      int first = indices.get(0);
      TeacherRequest request = requests.get(first);
      if (result.reply() != null) {
        if (context.journal().find(request.key()).isEmpty()) {
          context.journal().append(request, result.reply(), true);
          context
              .ledger()
              .settle(estimateFor(first), context.stage(), request, result.reply(), true);
          sent++;
        }
        settle(first, new Outcome.Answered(new RequestRunner.Answer(result.reply(), false)));
      } else {
        fail(first, result.error());
      }
    }
    // Requests the batch ended without answering (expired, cancelled, failed validation).
    if (!status.status().equals("completed") || answered.size() < s.requests()) {
      for (int i = 0; i < requests.size(); i++) {
        if (outcomes[i] == null
            && reserved.containsKey(i)
            && !answered.contains(requests.get(i).key())
            && !isDuplicateOfEarlier(i)) {
          fail(
              i,
              new TeacherException(
                  status.status().equals("failed")
                      ? TeacherException.Kind.BAD_REQUEST
                      : TeacherException.Kind.TIMEOUT,
                  context.batch().where(model)
                      + " batch "
                      + s.id()
                      + " ended '"
                      + status.status()
                      + "' without answering this request"
                      + (status.errors().isEmpty() ? "" : ": " + status.errors())
                      + "; run again to submit it anew"));
        }
      }
    }
    state.set(position, new Submitted(s.id(), s.inputFileId(), s.requests(), true));
    writeState(state);
    LOG.log(
        Level.INFO,
        "{0}: batch {1} {2}: {3} results",
        context.stage(),
        s.id(),
        status.status(),
        lines.size());
  }

  private Ledger.Estimate estimateFor(int index) {
    Ledger.Estimate e = reserved.remove(index);
    if (e == null) {
      // Submitted by an earlier session: reserve now, so settling balances.
      e = context.ledger().estimate(requests.get(index), true);
      context.ledger().reserveNow(e);
    }
    return e;
  }

  private void fail(int index, TeacherException error) {
    Ledger.Estimate e = reserved.remove(index);
    if (e != null) {
      context.ledger().release(e);
    }
    context.ledger().failed(context.stage(), requests.get(index).model());
    LOG.log(
        Level.WARNING,
        "{0}: request {1} failed: {2}",
        context.stage(),
        requests.get(index).key(),
        error.getMessage());
    settle(index, new Outcome.Failed(new RequestRunner.Failure(requests.get(index), error, 1)));
  }

  private void settle(int index, Outcome outcome) {
    if (outcomes[index] == null) {
      outcomes[index] = outcome;
      done++;
      if (outcome instanceof Outcome.Failed) {
        failed++;
      }
    }
    report(0);
  }

  private RequestRunner.Result deliver() throws TeacherException {
    for (int i = 0; i < requests.size(); i++) {
      Outcome outcome = outcomes[i];
      if (outcome == null && isDuplicateOfEarlier(i)) {
        outcome = outcomes[indexByKey.get(requests.get(i).key()).get(0)];
      }
      if (outcome == null) {
        throw new BudgetExceededException(
            "stopped: "
                + (budgetStop != null ? budgetStop : "budget reached")
                + "; "
                + (requests.size() - i)
                + " of "
                + requests.size()
                + " "
                + context.stage()
                + " requests not sent yet");
      }
      switch (outcome) {
        case Outcome.Answered a -> sink.accept(i, a.answer());
        case Outcome.Failed f -> sink.failed(i, f.failure());
        case Outcome.Skipped s ->
            throw new IllegalStateException("batch results are never skipped");
      }
    }
    return new RequestRunner.Result(requests.size(), fromJournal, sent, failed, 0);
  }

  private void sleepUnlessStopped(long nanos) throws InterruptedException {
    long step = 200_000_000L; // check the stop signal five times a second
    for (long left = nanos; left > 0; left -= step) {
      context.stopSignal().check();
      context.ticker().sleep(Math.min(step, left));
    }
    context.stopSignal().check();
  }

  private void report(int batchDone) {
    context
        .progress()
        .update(
            new Progress(
                context.stage(),
                requests.size(),
                Math.min(requests.size(), done + batchDone),
                fromJournal,
                failed,
                reserved.size(),
                0,
                0,
                context.ledger().stage(context.stage()).costUsd(),
                context.ticker().nanos() - started));
  }

  /** An API call, retried like a request: a poll that fails now and then must not end the run. */
  private <T> T retrying(Call<T> call) throws TeacherException, InterruptedException {
    for (int attempts = 1; ; attempts++) {
      try {
        return call.run();
      } catch (TeacherException e) {
        if (!e.kind().isRetryable() || attempts > context.config().maxRetries()) {
          throw e;
        }
        sleepUnlessStopped(context.backoff().nanos(attempts, e.retryAfter()));
      }
    }
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws TeacherException;
  }

  private List<Submitted> readState() {
    Path file = context.batchState();
    if (!Files.exists(file)) {
      return new ArrayList<>();
    }
    try {
      return new ArrayList<>(
          Json.MAPPER.readValue(file.toFile(), new TypeReference<List<Submitted>>() {}));
    } catch (IOException e) {
      throw new InputException(
          file
              + ": cannot read the submitted batches ("
              + e.getMessage()
              + "); restore it, or delete it to submit the pending requests anew (paying again for"
              + " batches still running)");
    }
  }

  private void writeState(List<Submitted> state) {
    AtomicFile.writeString(context.batchState(), Json.writePretty(state));
  }
}
