package dev.guardsynth.text;

import java.util.regex.Pattern;

/**
 * Drops a reasoning model's thinking from its reply before the reply is read: {@code
 * <think>…</think>} blocks (Qwen3, DeepSeek-R1 servers put them in the content), everything before
 * a lone {@code </think>} (R1 distills often send only the closing tag) and an opened block that
 * never closes (a reply cut while thinking). Thread-safe.
 */
public final class ThinkBlocks {
  private static final Pattern BLOCK =
      Pattern.compile(
          "<(think|thinking|reasoning)>.*?</\\1>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern CLOSE =
      Pattern.compile("</(?:think|thinking|reasoning)>", Pattern.CASE_INSENSITIVE);
  private static final Pattern OPEN =
      Pattern.compile("<(?:think|thinking|reasoning)>", Pattern.CASE_INSENSITIVE);

  private ThinkBlocks() {}

  /**
   * A reply without its thinking.
   *
   * @param found whether the reply held any thinking
   */
  public record Stripped(String text, boolean found) {}

  /** {@code reply} with its thinking dropped. */
  public static Stripped strip(String reply) {
    String s = BLOCK.matcher(reply).replaceAll("");
    boolean found = s.length() != reply.length();
    var close = CLOSE.matcher(s);
    int end = -1;
    while (close.find()) {
      end = close.end();
    }
    if (end >= 0) {
      s = s.substring(end);
      found = true;
    }
    var open = OPEN.matcher(s);
    if (open.find()) {
      s = s.substring(0, open.start());
      found = true;
    }
    return new Stripped(s, found);
  }
}
