package dev.guardsynth.prompt;

import dev.guardsynth.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template file with {@code {{name}}} placeholders. A placeholder without a value is an
 * error naming the file, the line and the names that are allowed; so is a template that leaves out
 * a placeholder its kind cannot work without ({@link #require}).
 */
record PromptTemplate(Path file, String text) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");

  /**
   * A placeholder a template kind needs: one of {@code anyOf} (the first is the one to suggest),
   * and why, for the message.
   */
  record Needed(List<String> anyOf, String why) {
    Needed {
      anyOf = List.copyOf(anyOf);
    }

    static Needed of(String name, String why) {
      return new Needed(List.of(name), why);
    }
  }

  /** The placeholders the template places, by name. */
  Set<String> placeholders() {
    Set<String> names = new HashSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * This template, when it places every one of {@code needed}; otherwise an error naming the file,
   * the placeholder and why the template needs it. Checked when the template is read, so a run
   * refuses it before its first request instead of paying for prompts that cannot work (a
   * generation prompt without {@code {{count}}} asks for any number of questions).
   */
  PromptTemplate require(List<Needed> needed) {
    Set<String> placed = placeholders();
    for (Needed n : needed) {
      if (n.anyOf().stream().noneMatch(placed::contains)) {
        List<String> names = n.anyOf().stream().map(k -> "{{" + k + "}}").toList();
        throw new ConfigException(
            file
                + ": "
                + (names.size() == 1
                    ? names.get(0) + " is missing"
                    : "none of " + String.join(", ", names) + " is there")
                + "; "
                + n.why()
                + ": put "
                + names.get(0)
                + " back where it belongs (the bundled prompts/"
                + file.getFileName()
                + " shows where)");
      }
    }
    return this;
  }

  static PromptTemplate read(Path file) {
    try {
      return new PromptTemplate(file, Files.readString(file).strip());
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file + ": no such template; check the 'prompts' folder in the config");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  String render(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
        throw new ConfigException(
            file
                + ":"
                + line
                + ": unknown placeholder {{"
                + m.group(1)
                + "}}; allowed: "
                + String.join(
                    ", ", values.keySet().stream().sorted().map(k -> "{{" + k + "}}").toList()));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
