package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.testing.TestProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduled-refresh example parses as YAML, runs on a cron schedule, keeps output/ and the
 * dedup index between runs, and treats exit 3 as "resume next time" and exit 1 as a failure. It
 * installs the pinned release archive (checksum checked) instead of building from source. Its
 * install and refresh steps' scripts run here for real in bash, as GitHub runs them: the install
 * against a release folder served as file:// holding an archive of the release layout, the refresh
 * against that archive's bin/guardsynth, a stand-in that exits with the code the test picks.
 */
class RefreshWorkflowExampleTest {
  static final Path WORKFLOW = TestProject.ROOT.resolve("examples/github-actions/refresh.yml");

  @TempDir Path work;
  JsonNode workflow;
  JsonNode refresh;
  JsonNode install;

  @BeforeEach
  void parse() throws Exception {
    workflow = ConfigLoader.YAML.readTree(WORKFLOW.toFile());
    for (JsonNode step : workflow.path("jobs").path("refresh").path("steps")) {
      if (step.path("id").asText().equals("refresh")) {
        refresh = step;
      }
      if (step.path("id").asText().equals("install")) {
        install = step;
      }
    }
  }

  @Test
  void theWorkflowRunsOnACronScheduleAndKeepsItsStateBetweenRuns() {
    String cron = workflow.path("on").path("schedule").get(0).path("cron").asText();
    assertEquals(5, cron.split(" ").length, cron);
    assertTrue(refresh.path("env").path("OPENAI_API_KEY").asText().contains("secrets."));
    List<JsonNode> steps = List.copyOf(toList(workflow.path("jobs").path("refresh").path("steps")));
    JsonNode save =
        steps.stream()
            .filter(s -> s.path("uses").asText().startsWith("actions/cache/save"))
            .findFirst()
            .orElseThrow();
    assertEquals("always()", save.path("if").asText(), "saved after a failure too");
    String kept = save.path("with").path("path").asText();
    assertTrue(kept.contains("output/") && kept.contains("index/"), kept);
    assertTrue(
        steps.stream()
            .anyMatch(s -> s.path("uses").asText().startsWith("actions/upload-artifact")));
  }

  @Test
  void theWorkflowInstallsThePinnedReleaseInsteadOfBuildingFromSource() throws Exception {
    String version = workflow.path("env").path("GUARDSYNTH_VERSION").asText();
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "a pinned version: " + version);
    for (JsonNode step : toList(workflow.path("jobs").path("refresh").path("steps"))) {
      String text = step.toString();
      assertFalse(text.contains("scripts/") || text.contains("mvnw"), "no build: " + text);
      assertFalse(step.path("uses").asText().startsWith("actions/setup-java"), "no JDK: " + text);
    }

    assertEquals(0, installRelease(version, false));
    Path bin = work.resolve("runner-temp/guardsynth/bin");
    assertEquals(bin.toString(), Files.readString(work.resolve("path")).strip());
    assertTrue(lastArgs().equals("--version"), "the installed release ran: " + lastArgs());

    assertTrue(installRelease(version, true) != 0, "a corrupted download fails the step");
  }

  @Test
  void exitThreeResumesTheSameReleaseNextTimeAndExitOneFails() throws Exception {
    // Stopped at the budget: the step succeeds, nothing is published, the release stays open.
    assertEquals(0, runStep(3));
    String release = Files.readString(work.resolve("output/IN_PROGRESS")).strip();
    assertTrue(Files.readString(work.resolve("outputs")).contains("complete=false"));
    assertEquals("--run-name " + release, lastArgs().replaceAll(".*(--run-name \\S+).*", "$1"));

    // The next run resumes it under the same name, completes, and records it as the latest.
    assertEquals(0, runStep(0));
    assertTrue(lastArgs().contains("--run-name " + release), lastArgs());
    assertFalse(lastArgs().contains("--previous"), "the first release has none");
    assertEquals(release, Files.readString(work.resolve("output/LATEST")).strip());
    assertFalse(Files.exists(work.resolve("output/IN_PROGRESS")));
    assertTrue(Files.readString(work.resolve("outputs")).contains("complete=true"));

    // A later release extends it; a failure fails the step.
    Files.delete(work.resolve("outputs"));
    assertEquals(1, runStep(1));
    assertTrue(lastArgs().contains("--previous output/" + release + "/dataset"), lastArgs());
    assertFalse(Files.readString(work.resolve("outputs")).contains("complete="));
  }

  /**
   * Runs the install step against a release folder (file://) holding the pinned version's archive
   * and its checksum, {@code corrupt} spoiling the archive after the checksum was taken.
   */
  private int installRelease(String version, boolean corrupt) throws Exception {
    String name = "guardsynth-" + version + "-linux-x64";
    Path layout = work.resolve("build/" + name);
    writeLauncher(layout.resolve("bin/guardsynth"), 0);
    Files.createDirectories(layout.resolve("lib"));
    Path releases = work.resolve("releases/v" + version);
    Files.createDirectories(releases);
    Path archive = releases.resolve(name + ".tar.gz");
    assertEquals(
        0,
        new ProcessBuilder(
                "tar", "-C", work.resolve("build").toString(), "-czf", archive.toString(), name)
            .start()
            .waitFor());
    assertEquals(
        0,
        new ProcessBuilder(
                "bash",
                "-c",
                "sha256sum " + archive.getFileName() + " > " + archive.getFileName() + ".sha256")
            .directory(releases.toFile())
            .start()
            .waitFor());
    if (corrupt) {
      Files.write(archive, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    }
    Files.deleteIfExists(work.resolve("path"));
    return runScript(
        install,
        null,
        "GUARDSYNTH_RELEASES",
        work.resolve("releases").toUri().toString().replaceAll("/$", ""));
  }

  /** Runs the refresh step with an installed guardsynth that exits {@code guardsynthExit}. */
  private int runStep(int guardsynthExit) throws Exception {
    Path bin = work.resolve("installed/bin");
    writeLauncher(bin.resolve("guardsynth"), guardsynthExit);
    return runScript(refresh, bin, null, null);
  }

  /** A stand-in bin/guardsynth: records its arguments in work/args and exits {@code exit}. */
  private void writeLauncher(Path launcher, int exit) throws Exception {
    Files.createDirectories(launcher.getParent());
    Files.writeString(
        launcher,
        "#!/usr/bin/env bash\necho \"$*\" >> \""
            + work.resolve("args")
            + "\"\nexit "
            + exit
            + "\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * Runs a step's script as GitHub does ({@code bash -e}), in the workflow's env, with {@code bin}
   * first on PATH and one more variable; returns its exit code.
   */
  private int runScript(JsonNode step, Path bin, String variable, String value) throws Exception {
    Path script = Files.writeString(work.resolve("step.sh"), step.path("run").asText());
    ProcessBuilder builder =
        new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString())
            .directory(work.toFile())
            .redirectErrorStream(true);
    var env = builder.environment();
    workflow.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    env.put("GITHUB_OUTPUT", work.resolve("outputs").toString());
    env.put("GITHUB_PATH", work.resolve("path").toString());
    Path runnerTemp = Files.createDirectories(work.resolve("runner-temp"));
    env.put("RUNNER_TEMP", runnerTemp.toString());
    if (bin != null) {
      env.put("PATH", bin + java.io.File.pathSeparator + env.get("PATH"));
    }
    if (variable != null) {
      env.put(variable, value);
    }
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), out);
    return process.exitValue();
  }

  private String lastArgs() throws Exception {
    List<String> lines = Files.readAllLines(work.resolve("args"));
    return lines.get(lines.size() - 1);
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> out = new java.util.ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
