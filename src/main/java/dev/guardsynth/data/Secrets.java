package dev.guardsynth.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from URLs before they are printed or stored. A {@code base_url} may carry a
 * user and password ({@code http://user:secret@host/v1}) or a key in its query ({@code ?key=…}),
 * typed in or expanded from {@code ${VAR}}; guardsynth shows the URL wherever it says which teacher
 * it talks to. Every message, log line and file that can hold a URL goes through {@link #redact}
 * (or {@link #redactUrl} for one URL), so the credentials reach none of them: userinfo becomes
 * {@code ***}, each query value {@code ***} (names kept, they help to tell endpoints apart), and a
 * fragment {@code ***}. Thread-safe.
 */
public final class Secrets {
  /** What a removed secret is shown as. */
  public static final String MASK = "***";

  // A URL inside free text ends at white space, a quote or an angle bracket.
  private static final Pattern URL = Pattern.compile("\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>`]+");

  private Secrets() {}

  /** {@code url} without its userinfo, query values or fragment; other text is returned as is. */
  public static String redactUrl(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url;
    }
    int start = scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    StringBuilder out = new StringBuilder(url.substring(0, start));
    out.append(at < 0 ? authority : MASK + authority.substring(at));
    String rest = url.substring(end);
    int hash = rest.indexOf('#');
    String fragment = hash < 0 ? "" : rest.substring(hash);
    rest = hash < 0 ? rest : rest.substring(0, hash);
    int query = rest.indexOf('?');
    if (query < 0) {
      out.append(rest);
    } else {
      out.append(rest, 0, query + 1);
      String[] params = rest.substring(query + 1).split("&", -1);
      for (int i = 0; i < params.length; i++) {
        int eq = params[i].indexOf('=');
        out.append(i > 0 ? "&" : "").append(eq < 0 ? MASK : params[i].substring(0, eq + 1) + MASK);
      }
    }
    if (!fragment.isEmpty()) {
      out.append('#').append(MASK);
    }
    return out.toString();
  }

  /** {@code text} with every URL in it passed through {@link #redactUrl}. */
  public static String redact(String text) {
    if (text == null || !text.contains("://")) {
      return text;
    }
    Matcher m = URL.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(redactUrl(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }
}
