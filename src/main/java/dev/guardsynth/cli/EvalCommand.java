package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.AtomicFile;
import dev.guardsynth.data.InputException;
import dev.guardsynth.eval.Columns;
import dev.guardsynth.eval.Evaluator;
import dev.guardsynth.eval.Gold;
import dev.guardsynth.eval.GoldReader;
import dev.guardsynth.eval.LabelMapping;
import dev.guardsynth.eval.LiveGuard;
import dev.guardsynth.eval.Predictions;
import dev.guardsynth.eval.Report;
import dev.guardsynth.eval.ReportFormatter;
import dev.guardsynth.eval.Shots;
import dev.guardsynth.prompt.GuardPrompts;
import dev.guardsynth.run.TeacherSession;
import dev.guardsynth.taxonomy.TaxonomyReader;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code guardsynth eval}: scores a guard model's safe/unsafe answers against gold labels. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Score a guard model's safe/unsafe predictions against gold labels.",
    footer = {
      "",
      "Examples:",
      "  guardsynth eval --gold dataset/detect/test.jsonl --pred predictions.jsonl --bootstrap 1000",
      "  guardsynth eval --gold bench.csv --text-col prompt --category-col type"
          + " --base-url http://127.0.0.1:8000/v1 --model my-guard --journal eval-journal.jsonl",
      "",
      "Definitions (scikit-learn's classification_report, zero division = 0): docs/eval.md"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure while running (e.g. the model kept failing)",
      "2:bad usage or input (the message names file, line and column)",
      "3:interrupted"
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand GuardsynthCommand root;

  @Option(
      names = "--gold",
      required = true,
      paramLabel = "FILE",
      description =
          "Gold questions: JSONL or CSV, a guardsynth dataset folder (its detect/test.jsonl), or - for"
              + " stdin.")
  String gold;

  @ArgGroup(validate = false, heading = "%nGold file columns and labels:%n")
  EvalOptions.GoldOptions goldOptions = new EvalOptions.GoldOptions();

  @ArgGroup(validate = false, heading = "%nPredictions from files:%n")
  EvalOptions.FileOptions files = new EvalOptions.FileOptions();

  @ArgGroup(validate = false, heading = "%nPredictions from a live model:%n")
  EvalOptions.LiveOptions live = new EvalOptions.LiveOptions();

  @ArgGroup(validate = false, heading = "%nReport:%n")
  EvalOptions.ReportOptions report = new EvalOptions.ReportOptions();

  private static final String[][] CONFIG_KEY_FLAGS = {
    {"concurrency", "--concurrency"},
    {"max_retries", "--max-retries"},
    {"timeout_seconds", "--timeout"},
    {"max_tokens", "--max-tokens"}
  };

  @Override
  public Integer call() throws TeacherException, InterruptedException {
    GuardsynthConfig config = root.common.load();
    System.Logger log = System.getLogger("guardsynth.eval");
    Evaluator evaluator = evaluator();
    LabelMapping mapping = labelMapping();
    Gold g = readGold(mapping);
    log.log(
        System.Logger.Level.INFO,
        "eval: {0} gold questions from {1}{2}",
        g.examples().size(),
        g.source(),
        g.skipped() > 0 ? " (" + g.skipped() + " records of other tasks skipped)" : "");

    // Every file is read before a live model is asked anything, so a bad file costs no requests.
    List<Predictions> systems = new ArrayList<>();
    Columns predColumns =
        new Columns(
            files.textCol != null ? files.textCol : goldOptions.textCol,
            files.labelCol,
            files.idCol != null ? files.idCol : goldOptions.idCol,
            null);
    for (Path file : predictionFiles()) {
      systems.add(Predictions.read(file, predColumns, mapping));
    }
    if (live.isRequested()) {
      systems.add(askLive(config, g, log));
    }
    if (systems.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "nothing to score: give --pred FILE, --compare FILE..., --base-url URL --model NAME, or"
              + " --classifier openai-moderation");
    }
    List<Report> reports = new ArrayList<>();
    for (Predictions p : uniquelyNamed(systems)) {
      Report r = evaluator.evaluate(g, p, report.missingAs);
      if (r.unmatched() > 0) {
        log.log(
            System.Logger.Level.WARNING,
            "{0}: {1} predictions matched no gold question; is it for another gold file?",
            p.source(),
            r.unmatched());
      }
      reports.add(r);
    }
    write(ReportFormatter.format(reports, report.format));
    return Main.OK;
  }

  private Evaluator evaluator() {
    try {
      return new Evaluator(report.bootstrap, report.seed);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  private LabelMapping labelMapping() {
    try {
      return LabelMapping.of(goldOptions.unsafeValues, goldOptions.safeValues);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private Gold readGold(LabelMapping mapping) {
    Columns columns =
        new Columns(
            goldOptions.textCol, goldOptions.labelCol, goldOptions.idCol, goldOptions.categoryCol);
    if (gold.equals("-")) {
      try {
        String text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        return GoldReader.parse("<stdin>", text, columns, mapping);
      } catch (IOException e) {
        throw new UncheckedIOException("reading the gold file from stdin", e);
      }
    }
    Path file = Path.of(gold);
    if (Files.isDirectory(file)) {
      // A guardsynth dataset folder: its detect task's test split is what a model is scored on
      // (test.jsonl at the top in releases written before tasks had folders of their own).
      Path test = file.resolve("detect/test.jsonl");
      if (!Files.isRegularFile(test)) {
        test = file.resolve("test.jsonl");
      }
      if (!Files.isRegularFile(test)) {
        throw new InputException(
            file
                + ": a folder without detect/test.jsonl; give the gold file itself with --gold"
                + " FILE");
      }
      file = test;
    }
    return GoldReader.read(file, columns, mapping);
  }

  private List<Path> predictionFiles() {
    List<Path> all = new ArrayList<>();
    if (files.pred != null) {
      all.add(files.pred);
    }
    all.addAll(files.compare);
    return all;
  }

  /** Systems named by file name; two files of the same name are told apart by their paths. */
  private static List<Predictions> uniquelyNamed(List<Predictions> systems) {
    Set<String> seen = new HashSet<>();
    Set<String> repeated = new HashSet<>();
    for (Predictions p : systems) {
      if (!seen.add(p.system())) {
        repeated.add(p.system());
      }
    }
    return systems.stream()
        .map(p -> repeated.contains(p.system()) ? p.named(p.source()) : p)
        .toList();
  }

  private Predictions askLive(GuardsynthConfig config, Gold g, System.Logger log)
      throws TeacherException, InterruptedException {
    String kind = live.classifier == null ? "chat" : live.classifier;
    if (!kind.equals("chat") && !kind.equals("openai-moderation")) {
      throw new ParameterException(
          spec.commandLine(),
          "--classifier: '" + kind + "' is not allowed; use chat or openai-moderation");
    }
    boolean moderation = kind.equals("openai-moderation");
    if (!moderation && (live.baseUrl == null || live.model == null)) {
      throw new ParameterException(
          spec.commandLine(), "a chat guard model needs both --base-url URL and --model NAME");
    }
    String baseUrl = live.baseUrl != null ? live.baseUrl : "https://api.openai.com/v1";
    String model = live.model != null ? live.model : "omni-moderation-latest";
    TeacherConfig limits;
    try {
      limits =
          TeacherConfig.builder()
              .baseUrl(baseUrl)
              .model(model)
              .temperature(0.0)
              .maxTokens(live.maxTokens)
              .timeoutSeconds(live.timeoutSeconds)
              .concurrency(live.concurrency)
              .maxRetries(live.maxRetries)
              .build();
    } catch (IllegalArgumentException e) {
      // TeacherConfig names its YAML keys; say which flag the user gave instead.
      String message = e.getMessage();
      for (String[] key : CONFIG_KEY_FLAGS) {
        if (message.startsWith(key[0] + ":")) {
          message = key[1] + message.substring(key[0].length());
        }
      }
      throw new ParameterException(spec.commandLine(), message);
    }
    if (live.retryDelayMillis < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--retry-delay: " + live.retryDelayMillis + " is not allowed; use 0 or more");
    }
    String system =
        moderation
            ? null
            : GuardPrompts.detectSystem(
                Path.of(config.prompts()), TaxonomyReader.read(Path.of(config.taxonomy())));
    SideFiles.Place sideFiles =
        live.stateDir.place(
            spec.name(), report.out, root.env, SideFiles.identity(root.common.configFile(), gold));
    Path journal = sideFiles.file(live.journal, "responses.jsonl");
    Path failures = sideFiles.file(live.failures, "failures.jsonl");
    sideFiles.announce();
    root.stop().watch();
    try (TeacherSession session =
        TeacherSession.of(
            openTeacher(baseUrl, moderation),
            limits,
            config.budget(),
            new TeacherSession.Settings(
                Duration.ofMillis(live.retryDelayMillis), root.stop(), null, null),
            failures,
            config.teacher().failureTolerance())) {
      LiveGuard.Answers answers;
      String describe;
      try (TeacherSession.StageRequests requests = session.begin("eval", journal)) {
        describe = session.describeTeacher();
        answers =
            new LiveGuard(
                    requests.runner(),
                    model,
                    system,
                    shots(g, moderation),
                    live.maxTokens,
                    describe)
                .predict(g, requests::failed);
        requests.finish(answers.requests());
      }
      log.log(
          System.Logger.Level.INFO,
          "eval: asked {0} at {1}: {2} questions ({3} answered from the journal), {4} tokens",
          model,
          describe,
          answers.requests(),
          answers.fromJournal(),
          answers.usage().total());
      return answers.predictions();
    }
  }

  /** The in-context examples of --shots, drawn from --shots-from. */
  private Shots shots(Gold g, boolean moderation) {
    if (live.shots < 0) {
      throw new ParameterException(
          spec.commandLine(), "--shots: " + live.shots + " is not allowed; use 0 or more");
    }
    if (live.shots == 0) {
      return Shots.NONE;
    }
    if (moderation) {
      throw new ParameterException(
          spec.commandLine(),
          "--shots works with a chat guard only; the moderation endpoint takes no examples");
    }
    Path from = live.shotsFrom;
    if (from == null) {
      Path goldFile = Path.of(gold);
      Path folder = Files.isDirectory(goldFile) ? goldFile : goldFile.toAbsolutePath().getParent();
      from = folder.resolve("train.jsonl");
      if (!Files.isRegularFile(from)) {
        throw new ParameterException(
            spec.commandLine(),
            "--shots: no train.jsonl beside the gold file; name the train split with --shots-from"
                + " FILE");
      }
    }
    Columns columns =
        new Columns(
            goldOptions.textCol, goldOptions.labelCol, goldOptions.idCol, goldOptions.categoryCol);
    return Shots.draw(
        GoldReader.read(from, columns, labelMapping()), g, live.shots, live.shotsSeed);
  }

  private Teacher openTeacher(String baseUrl, boolean moderation) {
    String keyEnv = live.apiKeyEnv != null ? live.apiKeyEnv : moderation ? "OPENAI_API_KEY" : null;
    String key = "";
    if (keyEnv != null) {
      key = root.env.get(keyEnv);
      if (key == null || key.isBlank()) {
        throw new ConfigException(
            "environment variable "
                + keyEnv
                + " is not set; the guard model's API key is read from it; export it, or name"
                + " another variable with --api-key-env");
      }
    }
    OpenAiTeacher client = new OpenAiTeacher(baseUrl, key, Duration.ofSeconds(live.timeoutSeconds));
    return moderation ? LiveGuard.moderationEndpoint(client) : client;
  }

  private void write(String text) {
    if (report.out == null || report.out.equals("-")) {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
    } else {
      AtomicFile.writeString(Path.of(report.out), text);
      System.getLogger("guardsynth.eval")
          .log(System.Logger.Level.INFO, "eval: report written to {0}", report.out);
    }
  }
}
