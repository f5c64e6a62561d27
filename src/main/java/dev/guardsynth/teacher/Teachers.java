package dev.guardsynth.teacher;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.TeacherConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the {@link Teacher} a config names. */
public final class Teachers {
  private Teachers() {}

  /**
   * Opens the configured teacher, reading the API key from {@code env} under the variable the
   * config names. A missing key is a {@link ConfigException} naming the variable (never a value).
   *
   * @param record a cassette file to record replies into, or null
   */
  public static Teacher open(TeacherConfig config, Map<String, String> env, Path record) {
    Teacher teacher;
    if (config.provider() == TeacherConfig.Provider.REPLAY) {
      if (config.cassette() == null) {
        throw new ConfigException(
            "teacher.cassette: missing; provider 'replay' needs the cassette file to answer from");
      }
      teacher = new ReplayTeacher(Path.of(config.cassette()));
    } else if (config.endpoints().size() == 1) {
      teacher = endpoint(config, config.endpoints().get(0), env);
    } else {
      List<Teacher> each = new ArrayList<>();
      try {
        for (TeacherConfig.Endpoint e : config.endpoints()) {
          each.add(endpoint(config, e, env));
        }
      } catch (RuntimeException e) {
        each.forEach(Teacher::close);
        throw e;
      }
      teacher =
          new EndpointPool(each, config.endpoints(), config.circuitBreaker(), Ticker.system());
    }
    return record == null ? teacher : new RecordingTeacher(teacher, record);
  }

  /** The teacher at one endpoint. */
  private static Teacher endpoint(
      TeacherConfig config, TeacherConfig.Endpoint endpoint, Map<String, String> env) {
    Duration timeout = Duration.ofSeconds(config.timeoutSeconds());
    return switch (config.provider()) {
      case OPENAI ->
          new OpenAiTeacher(
              endpoint.url(),
              apiKey(config, env),
              timeout,
              endpoint.concurrency() != null ? endpoint.concurrency() : config.concurrency());
      case ANTHROPIC ->
          LangChainTeacher.anthropic(endpoint.url(), apiKey(config, env), config.model(), timeout);
      case OLLAMA -> LangChainTeacher.ollama(endpoint.url(), config.model(), timeout);
      case REPLAY -> throw new IllegalArgumentException("a replay teacher has no endpoint");
    };
  }

  /**
   * Opens the OpenAI Batch API client for {@code mode: batch}, with the key from {@code env}.
   *
   * @throws ConfigException when the provider is not {@code openai}
   */
  public static OpenAiBatch openBatch(TeacherConfig config, Map<String, String> env) {
    if (config.provider() != TeacherConfig.Provider.OPENAI) {
      throw new ConfigException(
          "teacher.mode: 'batch' needs provider openai, not '"
              + config.provider()
              + "'; use mode: sync");
    }
    return new OpenAiBatch(
        config.baseUrl(), apiKey(config, env), Duration.ofSeconds(config.timeoutSeconds()));
  }

  /** The API key from the variable {@code api_key_env} names; an error naming it when unset. */
  static String apiKey(TeacherConfig config, Map<String, String> env) {
    if (!config.needsApiKey()) {
      return "";
    }
    String key = env.get(config.apiKeyEnv());
    if (key == null || key.isBlank()) {
      throw new ConfigException(
          "environment variable "
              + config.apiKeyEnv()
              + " is not set; teacher '"
              + config.provider()
              + "' reads its API key from it (teacher.api_key_env); export it, or name another"
              + " variable with --api-key-env");
    }
    return key;
  }
}
