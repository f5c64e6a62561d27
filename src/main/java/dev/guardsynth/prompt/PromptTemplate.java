package dev.guardsynth.prompt;

import dev.guardsynth.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template file with {@code {{name}}} placeholders. A placeholder without a value is an
 * error naming the file, the line and the names that are allowed.
 */
record PromptTemplate(Path file, String text) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");

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
