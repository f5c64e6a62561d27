package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TeacherConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Flags that override the config's teacher section. */
final class TeacherOptions {
  @Option(
      names = "--provider",
      paramLabel = "NAME",
      description = "Teacher provider: openai, anthropic, ollama or replay (default: from config).")
  String provider;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      split = ",",
      description =
          "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (default: from config)."
              + " Repeat it, or separate URLs with commas, to share requests among servers."
              + " Given alone, it switches a replay config to a live openai teacher.")
  List<String> baseUrls;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description = "Teacher model name (default: from config).")
  String model;

  @Option(
      names = "--api-key-env",
      paramLabel = "VAR",
      description = "Environment variable that holds the API key (default: from config).")
  String apiKeyEnv;

  @Option(
      names = "--record",
      paramLabel = "FILE",
      description = "Append every teacher request and reply to this cassette, for replay later.")
  Path record;

  @Option(
      names = "--retry-delay",
      paramLabel = "MS",
      defaultValue = "500",
      description =
          "First retry wait in milliseconds, doubling each retry, unless the server sends"
              + " Retry-After (default: ${DEFAULT-VALUE}).")
  long retryDelayMillis;

  Duration retryDelay() {
    if (retryDelayMillis < 0) {
      throw new ConfigException(
          "--retry-delay: " + retryDelayMillis + " is not allowed; use 0 or more milliseconds");
    }
    return Duration.ofMillis(retryDelayMillis);
  }

  GuardsynthConfig apply(GuardsynthConfig config) {
    TeacherConfig t = config.teacher();
    try {
      TeacherConfig.Builder b = t.toBuilder();
      if (provider != null) {
        b.provider(TeacherConfig.Provider.of(provider));
      } else if (baseUrls != null && t.provider() == TeacherConfig.Provider.REPLAY) {
        b.provider(TeacherConfig.Provider.OPENAI);
      }
      if (baseUrls != null) {
        b.endpoints(baseUrls.stream().map(TeacherConfig.Endpoint::of).toList());
      }
      if (model != null) {
        b.model(model);
      }
      if (apiKeyEnv != null) {
        b.apiKeyEnv(apiKeyEnv);
      }
      return config.withTeacher(b.build());
    } catch (IllegalArgumentException e) {
      // A flag made the teacher settings invalid: a usage error (exit 2), not a crash (exit 1).
      throw new ConfigException("command line: teacher." + e.getMessage());
    }
  }
}
