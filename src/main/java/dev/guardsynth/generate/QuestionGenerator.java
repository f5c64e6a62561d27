package dev.guardsynth.generate;

import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Source;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherReply;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.teacher.Usage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The generate stage: sends each prompt to the teacher, parses the reply into candidate questions
 * and drops exact repeats (same normalized text, so same id). Candidates come out in prompt order,
 * then reply order.
 */
public final class QuestionGenerator {
  private final RequestRunner runner;
  private final TeacherConfig config;
  private static final ReplyParser PARSER = new ReplyParser();

  public QuestionGenerator(RequestRunner runner, TeacherConfig config) {
    this.runner = runner;
    this.config = config;
  }

  /** The request a prompt becomes under this teacher config. */
  public static TeacherRequest request(PromptSpec prompt, TeacherConfig config) {
    return new TeacherRequest(
        config.model(),
        prompt.messages(),
        config.temperature(),
        config.maxTokens(),
        prompt.sample());
  }

  /**
   * What the stage reads in {@code reply} to {@code prompt}: the prompt's label says whether a
   * refusal handing back safe questions refuses it, the reply whether the token limit cut it, and
   * the prompt's text which items and tags are its own words echoed.
   */
  public static ParsedReply read(PromptSpec prompt, TeacherReply reply) {
    StringBuilder asked = new StringBuilder();
    prompt.messages().forEach(m -> asked.append(m.content()).append('\n'));
    return PARSER.parse(
        reply.text(), prompt.label() == Label.UNSAFE, reply.truncated(), asked.toString());
  }

  /** The candidate that question {@code q} of {@code parsed}, the reply to {@code prompt}, is. */
  public static Candidate candidate(
      PromptSpec prompt, TeacherReply reply, ParsedReply parsed, int q) {
    ParsedReply.Question question = parsed.items().get(q);
    return Candidate.of(
        question.text(),
        prompt.label(),
        prompt.category(),
        prompt.group(),
        prompt.language(),
        new Source(prompt.id(), reply.model(), q, prompt.axes(), prompt.round(), question.note()));
  }

  /** Runs the stage; the first prompt that fails for good stops it with its exception. */
  public GenerateResult run(List<PromptSpec> prompts, Consumer<Candidate> out)
      throws TeacherException, InterruptedException {
    return run(prompts, Set.of(), out, null);
  }

  /**
   * Runs the stage. A prompt whose request fails for good goes to {@code failures} and the others
   * go on; with {@code failures} null, it stops the stage with its exception instead.
   *
   * @param earlier ids of questions already generated (by earlier rounds of a run): a question with
   *     one of them is an exact repeat, counted and not written again
   */
  public GenerateResult run(
      List<PromptSpec> prompts,
      Set<String> earlier,
      Consumer<Candidate> out,
      Consumer<FailedRequest> failures)
      throws TeacherException, InterruptedException {
    List<TeacherRequest> requests = prompts.stream().map(p -> request(p, config)).toList();
    Set<String> seen = new HashSet<>(earlier);
    var counts =
        new Object() {
          int fromJournal;
          int failed;
          long returned, questions, candidates, duplicates, refusals, unparseable, truncated;
          long thinkBlocks, attachedNotes;
          Usage usage = Usage.ZERO;
          final TreeMap<String, Long> refusalsByCategory = new TreeMap<>();
        };
    runner.run(
        requests,
        new RequestRunner.Sink() {
          @Override
          public void accept(int i, RequestRunner.Answer answer) {
            PromptSpec prompt = prompts.get(i);
            TeacherReply reply = answer.reply();
            if (answer.fromJournal()) {
              counts.fromJournal++;
            }
            counts.usage = counts.usage.plus(reply.usage());
            ParsedReply parsed = read(prompt, reply);
            counts.returned += parsed.returned();
            counts.unparseable += parsed.unparseable();
            counts.truncated += parsed.truncated();
            counts.attachedNotes += parsed.attachedNotes();
            if (parsed.thinkBlock()) {
              counts.thinkBlocks++;
            }
            if (parsed.refusal()) {
              counts.refusals++;
              counts.refusalsByCategory.merge(prompt.category(), 1L, Long::sum);
            }
            for (int q = 0; q < parsed.items().size(); q++) {
              counts.questions++;
              Candidate candidate = candidate(prompt, reply, parsed, q);
              if (seen.add(candidate.id())) {
                counts.candidates++;
                out.accept(candidate);
              } else {
                counts.duplicates++;
              }
            }
          }

          @Override
          public void failed(int i, RequestRunner.Failure failure) throws TeacherException {
            if (failures == null) {
              throw failure.cause();
            }
            counts.failed++;
            failures.accept(FailedRequest.of("generate", prompts.get(i).id(), failure));
          }
        });
    return new GenerateResult(
        prompts.size(),
        counts.fromJournal,
        counts.returned,
        counts.questions,
        counts.candidates,
        counts.duplicates,
        counts.refusals,
        counts.unparseable,
        counts.usage,
        Map.copyOf(counts.refusalsByCategory),
        counts.failed,
        counts.truncated,
        counts.thinkBlocks,
        counts.attachedNotes);
  }
}
