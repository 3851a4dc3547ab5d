package dev.hydra.credentials;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a {@code .env} file: {@code KEY=VALUE} lines. The file is read, never executed: nothing is
 * expanded and no command runs.
 *
 * <ul>
 *   <li>Blank lines and lines starting with {@code #} are skipped; an {@code export } prefix is
 *       allowed; CRLF line ends and a leading byte-order mark are accepted.
 *   <li>A value may be wrapped in single or double quotes, taken literally (no escapes). An
 *       unquoted value ends at the first blank, and {@code #} after a blank starts a comment.
 *   <li>A line that is not of that form, an unterminated quote, or a key given twice is an error
 *       naming the line number and, where known, the key, never the line's text (it may hold a
 *       token).
 * </ul>
 */
final class DotEnv {

  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** A value and the line it came from. */
  record Entry(String value, int line) {}

  private DotEnv() {}

  /**
   * Parses the text of a {@code .env} file.
   *
   * @param text the file's content
   * @param file the file's name for messages
   * @return each key with its value and line, in file order
   * @throws CredentialException naming the file and line of the first malformed line
   */
  static Map<String, Entry> parse(String text, String file) throws CredentialException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String line = lines[i];
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String where = file + " line " + number;
      if (trimmed.startsWith("export ") || trimmed.startsWith("export\t")) {
        trimmed = trimmed.substring("export".length()).strip();
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new CredentialException(
            where + ": expected KEY=VALUE; fix the line or start it with # to make it a comment");
      }
      String key = trimmed.substring(0, eq).strip();
      if (!KEY.matcher(key).matches()) {
        throw new CredentialException(
            where
                + ": the name before = is not a variable name (letters, digits and _, not starting"
                + " with a digit); fix the line");
      }
      String value = value(trimmed.substring(eq + 1), where + ": " + key);
      Entry previous = entries.putIfAbsent(key, new Entry(value, number));
      if (previous != null) {
        throw new CredentialException(
            where
                + ": "
                + key
                + " is set again (first on line "
                + previous.line()
                + "); keep one of the two lines");
      }
    }
    return entries;
  }

  private static String value(String raw, String where) throws CredentialException {
    String text = raw.stripLeading();
    if (text.isEmpty()) {
      return "";
    }
    char first = text.charAt(0);
    if (first == '"' || first == '\'') {
      int close = text.indexOf(first, 1);
      if (close < 0) {
        throw new CredentialException(
            where
                + " has an opening "
                + (first == '"' ? "double" : "single")
                + " quote but no closing one on the same line; values are one line, close the"
                + " quote");
      }
      String rest = text.substring(close + 1).strip();
      if (!rest.isEmpty() && !rest.startsWith("#")) {
        throw new CredentialException(
            where + " has text after the closing quote; remove it or start it with #");
      }
      return text.substring(1, close);
    }
    int end = 0;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
      end++;
    }
    String rest = text.substring(end).strip();
    if (!rest.isEmpty() && !rest.startsWith("#")) {
      throw new CredentialException(
          where
              + " has a blank inside its value; quote the value, or start a comment with a blank"
              + " and #");
    }
    return text.substring(0, end);
  }
}
