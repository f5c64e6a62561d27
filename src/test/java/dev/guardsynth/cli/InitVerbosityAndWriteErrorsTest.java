package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #14, acceptance 6 and point 8: init anywhere, verbosity levels, file error reasons. */
class InitVerbosityAndWriteErrorsTest {
  @TempDir Path dir;

  @AfterEach
  void defaultLogging() {
    Main.configureLogging(0, false);
  }

  @Test
  void aConfigInitializedOutsideTheCheckoutRunsAsWritten() throws Exception {
    Path elsewhere = dir.resolve("elsewhere");
    Path config = elsewhere.resolve("my.yaml");
    CliResult init = CliResult.run("init", config.toString());
    assertEquals(0, init.exitCode(), init.err());
    assertTrue(init.err().contains("copied the bundled taxonomy, rules and prompts"), init.err());
    for (String f :
        new String[] {
          "rules/taxonomy.yaml", "rules/ko.yaml", "rules/filters.yaml", "prompts/unsafe.md"
        }) {
      assertEquals(
          Files.readString(TestProject.ROOT.resolve(f)),
          Files.readString(elsewhere.resolve(f)),
          f + " copied as bundled");
    }

    CliResult taxonomy = CliResult.run("taxonomy", "--config", config.toString());
    assertEquals(0, taxonomy.exitCode(), taxonomy.err());

    // A small run: the starter's targets cut down, its teacher aimed at a local server.
    Files.writeString(
        config,
        Files.readString(config)
            .replace("unsafe: 200", "unsafe: 1")
            .replace("safe: 200", "safe: 1")
            .replace("per_call: 10", "per_call: 1\n  max_rounds: 1\n  min_fill: 0"));
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      CliResult run =
          CliResult.run(
              Map.of("OPENAI_API_KEY", "sk-test"),
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl());
      assertEquals(0, run.exitCode(), run.err());
    }
    assertTrue(Files.exists(elsewhere.resolve("output/my-dataset/dataset/manifest.json")));

    // A second init beside the first keeps the files the user may have edited.
    Files.writeString(
        elsewhere.resolve("rules/ko.yaml"), "# edited\n", java.nio.file.StandardOpenOption.APPEND);
    CliResult again = CliResult.run("init", "--force", config.toString());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.err().contains("kept"), again.err());
    assertTrue(Files.readString(elsewhere.resolve("rules/ko.yaml")).endsWith("# edited\n"));
  }

  @Test
  void dashVShowsOurDebugLinesAndDashVvTheLibraries() {
    Logger ours = Logger.getLogger("guardsynth.run");
    Logger http = Logger.getLogger("jdk.internal.httpclient.debug");
    Main.configureLogging(0, false);
    assertFalse(ours.isLoggable(Level.FINE));
    assertTrue(ours.isLoggable(Level.INFO));
    Main.configureLogging(1, false);
    assertTrue(ours.isLoggable(Level.FINE));
    assertFalse(http.isLoggable(Level.FINE), "-v keeps the HTTP client quiet");
    assertFalse(http.isLoggable(Level.INFO));
    Main.configureLogging(2, false);
    assertTrue(http.isLoggable(Level.FINE), "-vv shows it");
  }

  @Test
  void dashVvIsAccepted() throws Exception {
    CliResult r =
        CliResult.run("taxonomy", "-vv", "--config", TestProject.writeConfig(dir, "").toString());
    assertEquals(0, r.exitCode(), r.err());
  }

  private CliResult filterAnEmptyFileInto(Path out) throws Exception {
    Path in = Files.writeString(dir.resolve("in.jsonl"), "");
    return CliResult.run(
        "filter",
        "--config",
        TestProject.writeConfig(dir, "").toString(),
        "--in",
        in.toString(),
        "-o",
        out.toString());
  }

  @Test
  void aReadOnlyFolderSaysPermissionDenied() throws Exception {
    assumeTrue(
        !"root".equals(System.getProperty("user.name")),
        "root ignores permissions; FileHygieneTest covers the message");
    Path locked = Files.createDirectories(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      CliResult r = filterAnEmptyFileInto(locked.resolve("kept.jsonl"));
      assertEquals(1, r.exitCode(), r.err());
      assertTrue(r.err().contains("permission denied"), r.err());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aFolderEvenRootCannotWriteNamesTheReason() throws Exception {
    Path sys = Path.of("/sys/guardsynth-test");
    assumeTrue(Files.isDirectory(Path.of("/sys")) && !Files.exists(sys), "needs Linux's /sys");
    CliResult r = filterAnEmptyFileInto(sys.resolve("kept.jsonl"));
    assertEquals(1, r.exitCode(), r.err());
    // sysfs refuses new entries: "operation not permitted" (or, where mounted so, read-only).
    assertTrue(
        r.err().contains(": operation not permitted")
            || r.err().contains(": read-only file system"),
        r.err());
    assertFalse(r.err().contains(sys + ": " + sys), r.err());
  }
}
