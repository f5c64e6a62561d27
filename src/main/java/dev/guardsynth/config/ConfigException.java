package dev.guardsynth.config;

/**
 * A bad configuration, rule or taxonomy file, or a missing setting such as an unset API key
 * variable. The message names the file, the key and what is allowed. The CLI maps it to exit 2.
 */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
