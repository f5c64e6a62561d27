package dev.guardsynth.teacher;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.TeacherConfig;
import java.nio.file.Path;
import java.time.Duration;
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
    Teacher teacher =
        switch (config.provider()) {
          case "replay" -> {
            if (config.cassette() == null) {
              throw new ConfigException(
                  "teacher.cassette: missing; provider 'replay' needs the cassette file to answer from");
            }
            yield new ReplayTeacher(Path.of(config.cassette()));
          }
          case "openai" ->
              new OpenAiTeacher(
                  config.baseUrl(),
                  apiKey(config, env),
                  Duration.ofSeconds(config.timeoutSeconds()));
          default ->
              throw new ConfigException(
                  "teacher.provider: '"
                      + config.provider()
                      + "' is not available in this build; use openai or replay");
        };
    return record == null ? teacher : new RecordingTeacher(teacher, record);
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
