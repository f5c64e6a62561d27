package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TeacherConfig;
import java.nio.file.Path;
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
      description =
          "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (default: from config)."
              + " Given alone, it switches a replay config to a live openai teacher.")
  String baseUrl;

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

  GuardsynthConfig apply(GuardsynthConfig config) {
    TeacherConfig t = config.teacher();
    String p = provider != null ? provider : t.provider();
    if (provider == null && baseUrl != null && t.provider().equals("replay")) {
      p = "openai";
    }
    boolean sameProvider = p.equals(t.provider());
    return config.withTeacher(
        new TeacherConfig(
            p,
            baseUrl != null ? baseUrl : sameProvider ? t.baseUrl() : null,
            model != null ? model : t.model(),
            apiKeyEnv != null ? apiKeyEnv : sameProvider ? t.apiKeyEnv() : null,
            t.temperature(),
            t.maxTokens(),
            t.timeoutSeconds(),
            t.concurrency(),
            t.requestsPerMinute(),
            t.tokensPerMinute(),
            t.maxRetries(),
            t.cassette(),
            t.prices()));
  }
}
