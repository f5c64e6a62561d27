package dev.guardsynth.cli;

import dev.guardsynth.teacher.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows teacher progress on stderr: when stderr is a terminal, a bar redrawn in place with rate,
 * ETA, tokens and cost; elsewhere (CI logs, pipes, {@code 2> file}, {@code TERM=dumb}) a plain line
 * every {@link #PLAIN_EVERY_NANOS}, never a {@code \r} or an escape sequence. With {@code NO_COLOR}
 * the bar clears its line with spaces instead of an escape sequence. Thread-safe: the runner
 * reports from many threads.
 */
final class ProgressDisplay implements Progress.Listener {
  static final long BAR_EVERY_NANOS = 100_000_000L;
  static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
  private static final int BAR_WIDTH = 24;

  private final PrintWriter err;
  private final boolean terminal;
  private final boolean escapes;
  private int lastWidth;
  private long lastShown = Long.MIN_VALUE / 2;
  private boolean barDrawn;
  private String lastStage;

  ProgressDisplay(PrintWriter err, StderrTerminal stderr) {
    this.err = err;
    this.terminal = stderr.redraw();
    this.escapes = stderr.escapes();
  }

  @Override
  public synchronized void update(Progress p) {
    long now = System.nanoTime();
    boolean finished = p.done() >= p.total();
    if (!p.stage().equals(lastStage)) {
      finish();
      lastStage = p.stage();
      if (!terminal) {
        lastShown = now; // a plain line only once there is progress to report
        return;
      }
    } else if (now - lastShown < (terminal ? BAR_EVERY_NANOS : PLAIN_EVERY_NANOS) && !finished) {
      return;
    }
    lastShown = now;
    if (terminal) {
      String bar = bar(p);
      // Clear what a longer bar left: an escape sequence, or spaces where escapes are unwanted.
      String clear = escapes ? "\u001b[K" : " ".repeat(Math.max(0, lastWidth - bar.length()));
      err.print("\r" + bar + clear);
      lastWidth = bar.length();
      barDrawn = true;
      if (finished) {
        finish();
      }
    } else if (!finished || p.total() == 0) {
      err.println(line(p));
    }
    err.flush();
  }

  /** Ends the bar's line, so what is printed next starts on a line of its own. */
  synchronized void finish() {
    if (barDrawn) {
      lastWidth = 0;
      err.println();
      err.flush();
      barDrawn = false;
    }
  }

  static String bar(Progress p) {
    int filled = p.total() == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * p.done() / p.total());
    return String.format(
        Locale.ROOT,
        "%s [%s%s] %,d/%,d %3d%%  %s  ETA %s  %s tok  $%.4f%s",
        p.stage(),
        "#".repeat(filled),
        ".".repeat(BAR_WIDTH - filled),
        p.done(),
        p.total(),
        percent(p),
        rate(p),
        eta(p),
        compact(p.tokens()),
        p.costUsd(),
        p.failed() + p.retries() > 0
            ? String.format(Locale.ROOT, "  %d failed, %d retries", p.failed(), p.retries())
            : "");
  }

  static String line(Progress p) {
    return String.format(
        Locale.ROOT,
        "%s: %,d/%,d done (%d%%, %,d from the journal), %s, ETA %s, %s tokens, $%.4f, %d failed, %d retries",
        p.stage(),
        p.done(),
        p.total(),
        percent(p),
        p.fromJournal(),
        rate(p),
        eta(p),
        compact(p.tokens()),
        p.costUsd(),
        p.failed(),
        p.retries());
  }

  private static int percent(Progress p) {
    return p.total() == 0 ? 100 : (int) (100L * p.done() / p.total());
  }

  /** Requests answered by the teacher per second; journal answers are instant and left out. */
  private static double perSecond(Progress p) {
    double seconds = p.elapsedNanos() / 1e9;
    return seconds <= 0 ? 0 : (p.done() - p.fromJournal()) / seconds;
  }

  private static String rate(Progress p) {
    return String.format(Locale.ROOT, "%.1f req/s", perSecond(p));
  }

  private static String eta(Progress p) {
    double rate = perSecond(p);
    int left = p.total() - p.done();
    if (left <= 0) {
      return "0s";
    }
    if (rate <= 0) {
      return "?";
    }
    long s = Math.round(left / rate);
    return s >= 3600
        ? (s / 3600) + "h" + (s % 3600 / 60) + "m"
        : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }

  private static String compact(long n) {
    if (n >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }
    if (n >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", n / 1e3);
    }
    return Long.toString(n);
  }
}
