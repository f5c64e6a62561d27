package dev.guardsynth.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version Maven stamped into the build. */
public final class ToolVersion {
  private ToolVersion() {}

  public static String get() {
    try (InputStream in =
        ToolVersion.class.getResourceAsStream("/dev/guardsynth/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("reading the tool version", e);
    }
  }
}
