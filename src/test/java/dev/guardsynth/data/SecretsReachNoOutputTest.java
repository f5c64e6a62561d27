package dev.guardsynth.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.testing.GuardsynthProcess;
import dev.guardsynth.testing.TestProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, acceptance 3: credentials in {@code base_url} (userinfo and query), given on the
 * command line or through {@code ${VAR}}, reach no output stream and no file of the run folder. A
 * real child process, so every log line it prints is in what is scanned.
 */
class SecretsReachNoOutputTest {
  private static final String SECRET = "SECRET";

  @TempDir Path dir;

  private Path config(String teacher) throws Exception {
    return TestProject.writeConfig(
        dir,
        "name: leak\n"
            + "rules: "
            + TestProject.rules("ko")
            + "\n"
            + "targets: {unsafe: 2, safe: 2, per_call: 2}\n"
            + "teacher:\n"
            + "  model: m\n"
            + "  api_key_env: GS_KEY\n"
            + "  max_retries: 1\n"
            + "  concurrency: 2\n"
            + teacher);
  }

  /** Every file under the run folder and both streams of the process; none holds the secret. */
  private List<String> leaks(GuardsynthProcess p) throws Exception {
    List<String> found = new ArrayList<>();
    if (p.out().contains(SECRET)) {
      found.add("stdout");
    }
    if (p.err().contains(SECRET)) {
      found.add("stderr: " + p.err());
    }
    try (Stream<Path> files = Files.walk(dir.resolve("output"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(SECRET)) {
          found.add(f.toString());
        }
      }
    }
    return found;
  }

  @Test
  void aSecretInTheBaseUrlFlagReachesNoStreamAndNoFile() throws Exception {
    GuardsynthProcess p =
        GuardsynthProcess.start(
            dir.resolve("logs"),
            Map.of("GS_KEY", "k"),
            "run",
            "-v",
            "--config",
            config("").toString(),
            "--base-url",
            "http://user:" + SECRET + "@127.0.0.1:9/v1?key=" + SECRET);
    int code = p.waitFor(120);
    assertEquals(1, code, p.err()); // nothing listens on port 9
    // The URL is still named, so the user knows which endpoint failed.
    assertTrue(p.err().contains("http://***@127.0.0.1:9/v1?key=***"), p.err());
    assertTrue(Files.exists(dir.resolve("output/leak/run.json")), "run.json is scanned too");
    assertEquals(List.of(), leaks(p));
  }

  @Test
  void aSecretFromAnEnvironmentVariableReachesNoStreamAndNoFile() throws Exception {
    GuardsynthProcess p =
        GuardsynthProcess.start(
            dir.resolve("logs"),
            Map.of(
                "GS_KEY", "k", "GS_URL", "http://me:" + SECRET + "@127.0.0.1:9/v1?token=" + SECRET),
            "run",
            "--config",
            config("  base_url: ${GS_URL}\n").toString());
    assertEquals(1, p.waitFor(120), p.err());
    assertFalse(p.err().isBlank());
    String runJson = Files.readString(dir.resolve("output/leak/run.json"));
    assertTrue(runJson.contains("\"base_url\" : \"http://***@127.0.0.1:9/v1?token=***\""), runJson);
    assertEquals(List.of(), leaks(p));
  }
}
