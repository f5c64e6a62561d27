package dev.guardsynth.cli;

import dev.guardsynth.data.Label;
import dev.guardsynth.eval.ReportFormatter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The option groups of {@code guardsynth eval}, apart so the command reads as its flow. */
final class EvalOptions {
  private EvalOptions() {}

  static final class GoldOptions {
    @Option(
        names = "--text-col",
        paramLabel = "NAME",
        description =
            "Column or key of the question (default: text; a chat record's user message).")
    String textCol;

    @Option(
        names = "--label-col",
        paramLabel = "NAME",
        description = "Label column (default: label).")
    String labelCol;

    @Option(
        names = "--id-col",
        paramLabel = "NAME",
        description = "Id column (default: id if present, else ids are derived from the text).")
    String idCol;

    @Option(
        names = "--category-col",
        paramLabel = "NAME",
        description = "Category column (default: category if present).")
    String categoryCol;

    @Option(
        names = "--unsafe-values",
        paramLabel = "VALUE",
        split = ",",
        description = "Label values meaning unsafe, any case (default: unsafe,harmful,1,true).")
    List<String> unsafeValues;

    @Option(
        names = "--safe-values",
        paramLabel = "VALUE",
        split = ",",
        description = "Label values meaning safe, any case (default: safe,harmless,0,false).")
    List<String> safeValues;
  }

  static final class FileOptions {
    @Option(names = "--pred", paramLabel = "FILE", description = "Predictions (JSONL or CSV).")
    Path pred;

    @Option(
        names = "--compare",
        paramLabel = "FILE",
        arity = "1..*",
        description = "Several prediction files, side by side, one row per system.")
    List<Path> compare = new ArrayList<>();

    @Option(
        names = "--pred-id-col",
        paramLabel = "NAME",
        description = "Id column of prediction files (default: as --id-col, else id).")
    String idCol;

    @Option(
        names = "--pred-text-col",
        paramLabel = "NAME",
        description = "Question column of prediction files (default: as --text-col, else text).")
    String textCol;

    @Option(
        names = "--pred-label-col",
        paramLabel = "NAME",
        description = "Label column of prediction files (default: label).")
    String labelCol;
  }

  static final class LiveOptions {
    @Option(
        names = "--base-url",
        paramLabel = "URL",
        description =
            "OpenAI-compatible base URL of the guard model, e.g. http://127.0.0.1:8000/v1; asks"
                + " it with the detect prompt.")
    String baseUrl;

    @Option(names = "--model", paramLabel = "NAME", description = "Guard model name.")
    String model;

    @Option(
        names = "--classifier",
        paramLabel = "KIND",
        description =
            "chat (the detect prompt; default) or openai-moderation (the moderation endpoint,"
                + " flagged = unsafe; default URL https://api.openai.com/v1, model"
                + " omni-moderation-latest).")
    String classifier;

    @Option(
        names = "--api-key-env",
        paramLabel = "VAR",
        description =
            "Environment variable holding the API key (default: none for chat, OPENAI_API_KEY"
                + " for openai-moderation).")
    String apiKeyEnv;

    @Option(
        names = "--concurrency",
        paramLabel = "N",
        defaultValue = "8",
        description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
        names = "--max-retries",
        paramLabel = "N",
        defaultValue = "4",
        description =
            "Retries of a request after 429, 5xx or a timeout (default: ${DEFAULT-VALUE}).")
    int maxRetries;

    @Option(
        names = "--retry-delay",
        paramLabel = "MS",
        defaultValue = "500",
        description =
            "First retry wait in milliseconds, doubling each retry, unless the server sends"
                + " Retry-After (default: ${DEFAULT-VALUE}).")
    long retryDelayMillis;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "Per-request timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
        names = "--max-tokens",
        paramLabel = "N",
        defaultValue = "256",
        description = "Longest answer in tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
        names = "--journal",
        paramLabel = "FILE",
        description =
            "Request journal: answers already in it are not asked again (default: responses.jsonl"
                + " in --state-dir: beside --out, or with the report on stdout in a state folder"
                + " that the same command line finds again).")
    Path journal;

    @Option(
        names = "--failures",
        paramLabel = "FILE",
        description =
            "Where questions whose request failed for good are listed with their errors; up to"
                + " teacher.failure_tolerance of them may fail, and count as unreadable answers"
                + " (default: failures.jsonl in --state-dir).")
    Path failures;

    // A group of its own inside this one (picocli takes no mixin in a group), so that the flag
    // is the stage commands' own and is listed with the live model's options.
    @ArgGroup(validate = false)
    SideFiles stateDir = new SideFiles();

    @Option(
        names = "--shots",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "In-context examples in the detect prompt of a chat guard, balanced across labels"
                + " (default: ${DEFAULT-VALUE}, none).")
    int shots;

    @Option(
        names = "--shots-from",
        paramLabel = "FILE",
        description =
            "Train split the examples are drawn from, never a gold question (default: train.jsonl"
                + " beside the gold file).")
    Path shotsFrom;

    @Option(
        names = "--shots-seed",
        paramLabel = "N",
        defaultValue = "42",
        description =
            "Seed of the draw: the same seed gives the same examples (default: ${DEFAULT-VALUE}).")
    long shotsSeed;

    boolean isRequested() {
      return baseUrl != null || classifier != null;
    }
  }

  static final class ReportOptions {
    @Option(
        names = "--missing-as",
        paramLabel = "LABEL",
        description =
            "Count a question without a prediction, or with an unreadable answer, as safe or"
                + " unsafe (default: it is an error that lists them).")
    Label missingAs;

    @Option(
        names = "--bootstrap",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "Bootstrap resamples for 95%% intervals; 0 for none (default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(
        names = "--seed",
        paramLabel = "S",
        defaultValue = "42",
        description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        defaultValue = "text",
        description = "text, markdown, json or csv (default: ${DEFAULT-VALUE}).")
    ReportFormatter.Format format;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Report file, written atomically, or - for stdout (default: stdout).")
    String out;
  }
}
