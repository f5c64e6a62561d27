package dev.guardsynth.cli;

import dev.guardsynth.data.Ids;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a stage command keeps its side files (request journal, failures, rejections,
 * disagreements), and the {@code --state-dir} flag that names the place: a mixin of the commands
 * that have side files, so the flag and its rule are written once.
 *
 * <p>Beside {@code -o FILE} by default, as in a run folder. With the output on stdout there is no
 * output folder, and the working folder is the user's project (often a git checkout), so the side
 * files go to a state folder of their own, {@code $XDG_STATE_HOME/guardsynth/<key>/}, where the
 * same command run again finds its journal and pays for nothing twice.
 */
final class SideFiles {
  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Folder for the side files (journal, failures, rejections, disagreements) that no flag"
              + " of their own names (default: beside --out; with the output on stdout, one folder"
              + " per command line, guardsynth/<command>-<hash> in $XDG_STATE_HOME or"
              + " ~/.local/state, named on stderr).")
  Path stateDir;

  /** Hex digits of the key's hash: 48 bits, ample for one user's command lines. */
  static final int KEY_HASH_LENGTH = 12;

  /**
   * Decides the folder of {@code command}'s side files: {@code --state-dir}, else the folder of
   * {@code out}, else (output on stdout) the state folder keyed by {@code command}, the working
   * folder and {@code identity}.
   *
   * @param env the environment {@code XDG_STATE_HOME} and {@code HOME} are read from
   * @param identity what else makes the command line the same one again: the config file and the
   *     input files, as {@link #identity} gives them
   */
  Place place(String command, String out, Map<String, String> env, List<String> identity) {
    if (stateDir != null) {
      return new Place(stateDir, false);
    }
    if (out != null && !out.equals("-")) {
      Path parent = Path.of(out).toAbsolutePath().getParent();
      return new Place(parent == null ? Path.of("") : parent, false);
    }
    return new Place(stateHome(env).resolve("guardsynth").resolve(key(command, identity)), true);
  }

  /**
   * {@code <command>-<hash>}: 12 hex digits of SHA-256 over the working folder and {@code
   * identity}, all absolute, so that the same command line from the same folder finds the same
   * journal, and two projects (or two inputs) never share failures or rejections. Flags are left
   * out on purpose: a journal is keyed by each request (model, messages, parameters), so a changed
   * model or prompt only adds entries; and {@code --base-url} may carry credentials, which must not
   * end up in a file name. Neither the environment nor an API key is part of it.
   */
  static String key(String command, List<String> identity) {
    List<String> parts = new ArrayList<>();
    parts.add(command);
    parts.add(Path.of("").toAbsolutePath().normalize().toString());
    parts.addAll(identity);
    // NUL cannot occur in a path, so no two lists of paths join to the same text.
    String hash = Ids.sha256Hex(String.join("\0", parts)).substring(0, KEY_HASH_LENGTH);
    return command + "-" + hash;
  }

  /**
   * The config file (or built-in defaults) and the inputs, absolute; {@code -} or null is stdin.
   */
  static List<String> identity(Path configFile, String... inputs) {
    List<String> parts = new ArrayList<>();
    parts.add(
        configFile == null
            ? "<built-in defaults>"
            : configFile.toAbsolutePath().normalize().toString());
    for (String in : inputs) {
      parts.add(
          in == null || in.equals("-")
              ? "<stdin>"
              : Path.of(in).toAbsolutePath().normalize().toString());
    }
    return parts;
  }

  /**
   * {@code $XDG_STATE_HOME}, else {@code $HOME/.local/state} (the XDG Base Directory default; a
   * relative {@code XDG_STATE_HOME} is ignored, as the specification says), read from {@code env}
   * so that tests can point it at a temporary folder.
   */
  static Path stateHome(Map<String, String> env) {
    String xdg = env.get("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg);
    }
    String home = env.get("HOME");
    if (home == null || home.isBlank()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".local", "state");
  }

  /**
   * One command's side-file folder. Hands out each side file's path and remembers the names that
   * landed in a state folder, so {@link #announce} can say where they are. Not thread-safe.
   */
  static final class Place {
    private final Path folder;
    private final boolean isStateFolder;
    private final List<String> names = new ArrayList<>();

    private Place(Path folder, boolean isStateFolder) {
      this.folder = folder;
      this.isStateFolder = isStateFolder;
    }

    /**
     * {@code given} (a flag of its own), else {@code name} in this folder. The folder is not
     * created here: each file's writer creates it when it writes, so a side file that stays
     * unwritten (no failures) leaves no empty folder behind.
     */
    Path file(Path given, String name) {
      if (given != null) {
        return given;
      }
      names.add(name);
      return folder.resolve(name);
    }

    /**
     * Logs, in one line on stderr, the state folder and the side files that went there; nothing
     * when the user named the place (by {@code -o FILE} or {@code --state-dir}).
     */
    void announce() {
      if (isStateFolder && !names.isEmpty()) {
        System.getLogger("guardsynth.cli")
            .log(
                System.Logger.Level.INFO,
                "side files: {0}/ ({1})",
                folder,
                String.join(", ", names));
      }
    }
  }
}
