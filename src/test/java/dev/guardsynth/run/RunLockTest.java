package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.GuardsynthProcess;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-folder lock: within one process, and between two real processes on one run folder. */
class RunLockTest {
  @TempDir Path dir;

  @Test
  void aSecondLockOnABusyFolderFailsNamingTheHolder() {
    try (RunLock first = RunLock.acquire(dir, Clock.systemUTC())) {
      InputException busy =
          assertThrows(InputException.class, () -> RunLock.acquire(dir, Clock.systemUTC()));
      assertTrue(
          busy.getMessage().contains("pid " + ProcessHandle.current().pid() + " on host "),
          busy.getMessage());
    }
    try (RunLock again = RunLock.acquire(dir, Clock.systemUTC())) {
      assertTrue(Files.exists(dir.resolve(RunLock.FILE)), "free again once closed");
    }
  }

  @Test
  void aRunFolderThatIsAFileIsBadInputNamingTheFix() throws Exception {
    // Preflight refuses this first; the lock says the same if the file appears in between.
    Path taken = Files.writeString(dir.resolve("taken"), "a file\n");
    InputException e =
        assertThrows(InputException.class, () -> RunLock.acquire(taken, Clock.systemUTC()));
    assertTrue(
        e.getMessage().startsWith(taken.resolve(RunLock.FILE) + ": cannot take"), e.getMessage());
    assertTrue(e.getMessage().contains("--run-name"), e.getMessage());
  }

  @Test
  void aLockLeftByADeadProcessIsTakenOver() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String host = InetAddress.getLocalHost().getHostName();
    Files.writeString(
        dir.resolve(RunLock.FILE),
        "{\"pid\":"
            + gone.pid()
            + ",\"host\":\""
            + host
            + "\",\"started\":\"2026-01-01T00:00:00Z\"}\n");
    try (RunLock lock = RunLock.acquire(dir, Clock.systemUTC())) {
      JsonNode holder = Json.MAPPER.readTree(dir.resolve(RunLock.FILE).toFile());
      assertEquals(ProcessHandle.current().pid(), holder.path("pid").asLong());
    }
    assertEquals("", Files.readString(dir.resolve(RunLock.FILE)), "a clean release names no one");
  }

  @Test
  void aLockFileNamingALiveProcessHereIsBusyEvenWhenTheFileSystemLockIsFree() throws Exception {
    Process alive = new ProcessBuilder("sleep", "60").start();
    try {
      String host = InetAddress.getLocalHost().getHostName();
      String started = alive.info().startInstant().orElseThrow().toString();
      Files.writeString(
          dir.resolve(RunLock.FILE),
          "{\"pid\":"
              + alive.pid()
              + ",\"host\":\""
              + host
              + "\",\"started\":\""
              + started
              + "\"}");
      InputException busy =
          assertThrows(InputException.class, () -> RunLock.acquire(dir, Clock.systemUTC()));
      assertTrue(busy.getMessage().contains("pid " + alive.pid()), busy.getMessage());
    } finally {
      alive.destroy();
    }
  }

  /**
   * #13: two real processes run on one run folder. The second exits with 2 at once, naming the
   * first; the first, held up by its teacher meanwhile, then completes with 0.
   */
  @Test
  void aSecondRunOnABusyFolderExitsAtOnceNamingTheFirst() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: busy\n"
                + "rules: "
                + TestProject.rules("ko")
                + "\n"
                + "targets: {unsafe: 3, safe: 3, per_call: 3, max_rounds: 1, min_fill: 0}\n"
                + "teacher: {model: m, api_key_env: GS_KEY, timeout_seconds: 120}\n"
                + "label: {judge: false, respond: false}\n");
    CountDownLatch release = new CountDownLatch(1);
    QuestionBankResponder bank = new QuestionBankResponder();
    // The teacher answers nothing until the test says so: the first run is busy for as long as
    // the test needs, with no timing guesswork.
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(body -> {
          release.await(120, TimeUnit.SECONDS);
          return bank.respond(body);
        })) {
      Map<String, String> env = Map.of("GS_KEY", "k");
      String[] args = {"run", "--config", config.toString(), "--base-url", server.baseUrl()};
      GuardsynthProcess first = GuardsynthProcess.start(dir.resolve("logs"), env, args);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (server.requests().isEmpty()) {
        assertTrue(
            System.nanoTime() < deadline, "the first run never asked its teacher; " + first.err());
        Thread.sleep(10);
      }

      GuardsynthProcess second = GuardsynthProcess.start(dir.resolve("logs"), env, args);
      int code = second.waitFor(15);
      assertEquals(2, code, second.err());
      assertTrue(second.err().contains("pid " + first.pid() + " on host "), second.err());
      assertTrue(second.err().contains("started "), second.err());

      release.countDown();
      assertEquals(0, first.waitFor(120), first.err());
      assertTrue(first.err().contains("run complete"), first.err());
    }
  }
}
