package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-folder lock within one process; Issue13RunLockTest runs two real processes. */
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
}
