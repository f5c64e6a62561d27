package dev.guardsynth.doctor;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.doctor.DoctorReport.Generate;
import dev.guardsynth.doctor.DoctorReport.GenerateProbe;
import dev.guardsynth.filter.QuestionFilter;
import dev.guardsynth.filter.Verdict;
import dev.guardsynth.generate.ParsedReply;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherReply;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.text.LanguageDetector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The generate probe: one real generation prompt per probed cell ({@link ProbePlan}), planned by
 * the prompt planner as round 1 would plan it, sent as {@link QuestionGenerator#request} builds it,
 * each reply read by the generate stage's reader ({@link QuestionGenerator#read}), exact repeats
 * dropped and the rest kept or not by the real {@link QuestionFilter}. It fails on a refusal, on a
 * reply with no question in it, when most of a rule set's questions are in another language, or
 * when the filter keeps none of them.
 */
final class GenerateCheck {
  private final ProbeRun run;

  GenerateCheck(ProbeRun run) {
    this.run = run;
  }

  Generate probe(ProbePlan plan) throws InterruptedException {
    Map<Cell, Integer> questions = new LinkedHashMap<>();
    plan.cells().forEach(c -> questions.put(c, run.planner.perCall()));
    List<PromptSpec> prompts = run.planner.plan(questions, Map.of(), 1);
    List<TeacherRequest> requests =
        prompts.stream().map(p -> QuestionGenerator.request(p, run.teacherConfig)).toList();
    GenerateProbe[] probes = new GenerateProbe[prompts.size()];
    Set<String> seen = new HashSet<>();
    TeacherException fatal =
        run.send(
            "generate",
            requests,
            (i, reply) -> probes[i] = read(prompts.get(i), reply, seen),
            (i, failure) -> probes[i] = failed(prompts.get(i), failure.message()));
    for (int i = 0; i < probes.length; i++) {
      if (probes[i] == null) { // not sent: a wrong key or a cassette without it stopped them all
        probes[i] = failed(prompts.get(i), fatal == null ? "not sent" : fatal.getMessage());
      }
    }
    List<GenerateProbe> all = List.of(probes);
    checkGenerate(all, prompts, fatal);
    return new Generate(
        run.status("generate"), run.requests("generate"), all, run.usage("generate"));
  }

  /** One generation reply, parsed, repeats dropped and filtered as the run would. */
  private GenerateProbe read(PromptSpec prompt, TeacherReply reply, Set<String> seen) {
    Cell cell = ProbeRun.cellOf(prompt);
    ParsedReply parsed = QuestionGenerator.read(prompt, reply);
    List<Candidate> candidates = new ArrayList<>();
    for (int q = 0; q < parsed.items().size(); q++) {
      Candidate c = QuestionGenerator.candidate(prompt, reply, parsed, q);
      if (seen.add(c.id())) {
        candidates.add(c);
      }
    }
    Integer inLanguage = null;
    String otherLanguage = null;
    if (LanguageDetector.supports(prompt.language())) {
      inLanguage = 0;
      for (String q : parsed.questions()) {
        LanguageDetector.Detection d = LanguageDetector.detect(q);
        if (d.language().equals(prompt.language())) {
          inLanguage++;
        } else if (otherLanguage == null) {
          otherLanguage = d.describe();
        }
      }
    }
    List<Candidate> keptHere = new ArrayList<>();
    Map<String, Long> rejected = new TreeMap<>();
    for (Candidate c : candidates) {
      switch (run.filter.check(c)) {
        case Verdict.Keep k -> keptHere.add(k.candidate());
        case Verdict.Reject r -> rejected.merge(r.reason(), 1L, Long::sum);
      }
    }
    run.kept.put(cell, keptHere);
    keptHere.forEach(c -> run.probedCell.put(c.id(), cell));
    YieldEstimate.Tally tally = run.tally(cell);
    tally.asked = prompt.count();
    tally.kept = keptHere.size();
    return new GenerateProbe(
        cell.id(),
        prompt.ruleSet(),
        prompt.count(),
        parsed.returned(),
        parsed.questions().size(),
        candidates.size(),
        parsed.refusal(),
        inLanguage,
        otherLanguage,
        keptHere.size(),
        rejected,
        parsed.refusal() || parsed.questions().isEmpty() ? ProbeRun.start(reply.text()) : null,
        null);
  }

  private GenerateProbe failed(PromptSpec prompt, String why) {
    return new GenerateProbe(
        ProbeRun.cellOf(prompt).id(),
        prompt.ruleSet(),
        prompt.count(),
        0,
        0,
        0,
        false,
        null,
        null,
        0,
        Map.of(),
        null,
        Secrets.redact(why));
  }

  private void checkGenerate(
      List<GenerateProbe> probes, List<PromptSpec> prompts, TeacherException fatal) {
    if (fatal != null) {
      run.problem("generate", fatal.getMessage());
      return;
    }
    // One line per distinct error: a server that is down fails every request the same way.
    Map<String, List<String>> failed = new LinkedHashMap<>();
    for (GenerateProbe p : probes) {
      if (p.failure() != null) {
        failed.computeIfAbsent(p.failure(), f -> new ArrayList<>()).add(p.cell());
      }
    }
    failed.forEach((why, cells) ->
        run.problem(
            "generate",
            "request failed: "
                + cells.size()
                + " of "
                + probes.size()
                + " requests ("
                + String.join(", ", cells)
                + "): "
                + why));
    List<GenerateProbe> refused = probes.stream().filter(GenerateProbe::refusal).toList();
    if (!refused.isEmpty()) {
      long harmful = refused.stream().filter(p -> p.cell().contains("/unsafe/")).count();
      run.problem(
          "generate",
          "refusals: the teacher refused "
              + refused.size()
              + " of "
              + probes.size()
              + " generation prompts"
              + (harmful > 0 ? ", " + harmful + " of them for harmful questions" : "")
              + " ("
              + refused.get(0).cell()
              + ": "
              + refused.get(0).reply()
              + "); it will not write the questions a guard learns from: try another model");
    }
    for (GenerateProbe p : probes) {
      if (p.failure() == null && !p.refusal() && p.parsed() == 0) {
        run.problem(
            "generate",
            "format: no question could be read from the reply for "
                + p.cell()
                + " ("
                + p.reply()
                + "); the generate stage reads numbered or bulleted lines, or a JSON list");
      }
    }
    // Language and the filter, per rule set.
    Map<String, List<GenerateProbe>> byLanguage = new LinkedHashMap<>();
    for (int i = 0; i < probes.size(); i++) {
      byLanguage
          .computeIfAbsent(prompts.get(i).language(), l -> new ArrayList<>())
          .add(probes.get(i));
    }
    for (Map.Entry<String, List<GenerateProbe>> e : byLanguage.entrySet()) {
      String language = e.getKey();
      List<GenerateProbe> ps = e.getValue();
      int parsed = ps.stream().mapToInt(GenerateProbe::parsed).sum();
      if (parsed == 0) {
        continue; // refused, failed or unreadable: said above
      }
      String ruleSet = ps.get(0).ruleSet();
      if (LanguageDetector.supports(language)) {
        int in =
            ps.stream()
                .filter(p -> p.inLanguage() != null)
                .mapToInt(GenerateProbe::inLanguage)
                .sum();
        if (in < TeacherDoctor.MIN_LANGUAGE_SHARE * parsed) {
          run.problem(
              "generate",
              "language: only "
                  + in
                  + " of "
                  + parsed
                  + " questions for rule set "
                  + ruleSet
                  + " are in "
                  + language
                  + " ("
                  + firstOtherLanguage(ps)
                  + "): the filter drops the rest as wrong_language");
          continue;
        }
      }
      int keptCount = ps.stream().mapToInt(GenerateProbe::kept).sum();
      if (keptCount == 0) {
        Map<String, Long> reasons = new TreeMap<>();
        ps.forEach(p -> p.rejected().forEach((k, v) -> reasons.merge(k, v, Long::sum)));
        run.problem(
            "generate",
            "format: the filter kept none of the "
                + parsed
                + " questions for rule set "
                + ruleSet
                + " (rejected: "
                + reasons
                + ")");
      }
    }
  }

  /** What the detector found in the first question of {@code probes} not in their language. */
  private static String firstOtherLanguage(List<GenerateProbe> probes) {
    return probes.stream()
        .map(GenerateProbe::otherLanguage)
        .filter(d -> d != null)
        .findFirst()
        .map(d -> "detected " + d)
        .orElse("");
  }
}
