package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.guardsynth.teacher.Progress;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: progress is redrawn only when stderr itself is a terminal. Real runs under util-linux
 * {@code script}, which gives the child a pseudo-terminal: with stderr sent to a file while stdout
 * stays on the terminal, the file gets no {@code \r} and no escape; with stderr on the terminal
 * too, the bar is drawn there (the control that shows the first check can fail).
 */
class ProgressDisplayTest {
  @TempDir Path dir;

  @Test
  void stderrRedirectedToAFileGetsPlainLinesWhileStdoutIsATerminal() throws Exception {
    assumeTrue(hasScript(), "util-linux script is not installed");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      Path log = dir.resolve("stderr.log");
      String typescript = underScript(server, "a", " 2> " + quote(log), Map.of());
      String stderr = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(stderr.contains("run complete"), stderr + typescript);
      assertFalse(stderr.contains("\r"), "no carriage return in the log: " + stderr);
      assertFalse(stderr.contains("\u001b"), "no escape in the log: " + stderr);

      String onTerminal = underScript(server, "b", " 2>&1", Map.of());
      assertTrue(onTerminal.contains("\u001b[K"), "the bar is drawn on a terminal: " + onTerminal);
    }
  }

  @Test
  void dumbTerminalsGetPlainLinesAndNoColorGetsNoEscape() {
    assertFalse(StderrTerminal.of(true, Map.of("TERM", "dumb")).redraw());
    assertFalse(StderrTerminal.of(false, Map.of("TERM", "xterm")).redraw());
    assertEquals(new StderrTerminal(true, true), StderrTerminal.of(true, Map.of("TERM", "xterm")));
    StderrTerminal noColor = StderrTerminal.of(true, Map.of("TERM", "xterm", "NO_COLOR", "1"));
    assertEquals(new StderrTerminal(true, false), noColor);

    StringWriter shown = new StringWriter();
    ProgressDisplay display = new ProgressDisplay(new PrintWriter(shown), noColor);
    display.update(new Progress("generate", 10, 1, 0, 0, 0, 0, 100, 0.0, 1_000_000));
    display.update(new Progress("generate", 10, 10, 0, 0, 0, 0, 200, 0.0, 2_000_000));
    assertTrue(shown.toString().contains("\rgenerate ["), shown.toString());
    assertFalse(shown.toString().contains("\u001b"), shown.toString());
  }

  @Test
  void stderrIsATerminalWhenTheLauncherSaysSoOrWhenFd2IsATerminalDevice(@TempDir Path links)
      throws IOException {
    assertTrue(StderrTerminal.isTerminal("true", links.resolve("none")));
    assertFalse(StderrTerminal.isTerminal("false", links.resolve("none")));
    Path pts = Files.createSymbolicLink(links.resolve("pts"), Path.of("/dev/pts/3"));
    Path file = Files.createSymbolicLink(links.resolve("file"), Path.of("/tmp/run.log"));
    assertTrue(StderrTerminal.isTerminal(null, pts));
    assertFalse(StderrTerminal.isTerminal(null, file));
    assertFalse(StderrTerminal.isTerminal(null, links.resolve("missing")));
  }

  /** Runs {@code guardsynth run} in a child JVM on a pseudo-terminal; returns what it showed. */
  private String underScript(
      FakeOpenAiServer server, String name, String redirect, Map<String, String> env)
      throws IOException, InterruptedException {
    Path config =
        TestProject.writeConfig(
            Files.createDirectories(dir.resolve(name)),
            "name: p\n"
                + "rules: "
                + TestProject.rules("ko")
                + "\n"
                + "targets: {unsafe: 3, safe: 3, per_call: 3}\n"
                + "teacher: {model: m, api_key_env: GS_KEY}\n"
                + "label: {judge: false, respond: false}\n");
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.guardsynth.cli.Main",
            "run",
            "--config",
            config.toString(),
            "--base-url",
            server.baseUrl());
    String command = java.stream().map(ProgressDisplayTest::quote).collect(Collectors.joining(" "));
    Path shown = dir.resolve(name + ".typescript");
    ProcessBuilder builder =
        new ProcessBuilder("script", "-q", "-e", "-c", command + redirect, "/dev/null")
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(shown.toFile())
            .redirectErrorStream(true);
    builder.environment().put("GS_KEY", "k");
    builder.environment().put("TERM", "xterm");
    builder.environment().remove("NO_COLOR");
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("guardsynth under script did not finish");
    }
    String out = Files.readString(shown, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  private static boolean hasScript() {
    try {
      return new ProcessBuilder("script", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String quote(Object arg) {
    return "'" + arg.toString().replace("'", "'\\''") + "'";
  }
}
