package dev.guardsynth.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version Maven stamped into the build. */
public final class ToolVersion {
  private ToolVersion() {}

  /** The version, such as {@code 0.1.0}. */
  public static String get() {
    return property("version");
  }

  /** The git commit the build was made from, or {@code unknown} (a build outside git). */
  public static String commit() {
    return property("commit");
  }

  private static String property(String key) {
    try (InputStream in =
        ToolVersion.class.getResourceAsStream("/dev/guardsynth/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String value = p.getProperty(key, "unknown");
      return value.isBlank() || value.startsWith("${") ? "unknown" : value;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the tool version", e);
    }
  }
}
