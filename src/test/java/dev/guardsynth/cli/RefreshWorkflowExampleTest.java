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
 * Issue #13: the scheduled-refresh example parses as YAML, runs on a cron schedule, keeps output/
 * and the dedup index between runs, and treats exit 3 as "resume next time" and exit 1 as a
 * failure. Its refresh step's script runs here for real in bash, as GitHub runs it, against a
 * stand-in for scripts/guardsynth that exits with the code the test picks.
 */
class RefreshWorkflowExampleTest {
  static final Path WORKFLOW = TestProject.ROOT.resolve("examples/github-actions/refresh.yml");

  @TempDir Path work;
  JsonNode workflow;
  JsonNode refresh;

  @BeforeEach
  void parse() throws Exception {
    workflow = ConfigLoader.YAML.readTree(WORKFLOW.toFile());
    for (JsonNode step : workflow.path("jobs").path("refresh").path("steps")) {
      if (step.path("id").asText().equals("refresh")) {
        refresh = step;
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

  /** Runs the refresh step's script as GitHub does ({@code bash -e}); returns its exit code. */
  private int runStep(int guardsynthExit) throws Exception {
    Path stub = work.resolve("scripts/guardsynth");
    Files.createDirectories(stub.getParent());
    Files.writeString(
        stub,
        "#!/usr/bin/env bash\necho \"$*\" >> \"$(dirname \"$0\")/../args\"\nexit "
            + guardsynthExit
            + "\n");
    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = Files.writeString(work.resolve("step.sh"), refresh.path("run").asText());
    ProcessBuilder builder =
        new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString())
            .directory(work.toFile())
            .redirectErrorStream(true);
    builder.environment().put("GITHUB_OUTPUT", work.resolve("outputs").toString());
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
