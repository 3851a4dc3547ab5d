package dev.hydra.text;

/**
 * Renders untrusted text so that it can be shown to a person without changing what the output
 * means.
 *
 * <p>Issue titles, label names and branch names come from people Hydra does not trust. When such a
 * value is quoted in a message it must not be able to start a new log line (and so a new workflow
 * command such as {@code ::add-mask::}), hide characters with bidi overrides or zero-width marks,
 * or flood the log. {@link #quote} therefore escapes every control, format and non-ASCII-space
 * character as {@code \\uXXXX}, and truncates long values.
 *
 * <p>Both {@link #escape} and {@link #oneLine} also break the two workflow-command syntaxes the
 * Actions runner acts on: {@code ::name::} at the start of a line (after white space) and the older
 * {@code ##[name]} anywhere in a line. The {@code [} after {@code ##} becomes {@code \\u005B}, and
 * a leading {@code :} followed by {@code :} becomes {@code \\u003A}, so the text still reads the
 * same to a person and never acts on the runner.
 */
public final class Texts {

  /** Longest untrusted value shown in full; longer values are cut with an ellipsis. */
  public static final int MAX_SHOWN = 80;

  private Texts() {}

  /** Quotes a value in backticks, escaped and truncated as described on the class. */
  public static String quote(String value) {
    return "`" + escape(value, MAX_SHOWN) + "`";
  }

  /**
   * Escapes control, format, surrogate and unusual space characters as {@code \\uXXXX} and cuts the
   * result after {@code maxCodePoints} code points.
   */
  public static String escape(String value, int maxCodePoints) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), maxCodePoints) + 8);
    int shown = 0;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      int width = Character.charCount(cp);
      if (shown == maxCodePoints) {
        out.append("…(").append(value.codePointCount(i, value.length())).append(" more)");
        break;
      }
      if (cp == '\\') {
        out.append("\\\\");
      } else if (cp == '`') {
        out.append("\\u0060");
      } else if (needsEscape(cp) || startsWorkflowCommand(value, i, cp)) {
        appendEscape(out, cp);
      } else {
        out.appendCodePoint(cp);
      }
      shown++;
      i += width;
    }
    return out.toString();
  }

  /** Appends a code point as {@code \\uXXXX}, or {@code \\UXXXXXXXX} beyond the BMP. */
  private static void appendEscape(StringBuilder out, int cp) {
    if (cp > 0xFFFF) {
      out.append(String.format("\\U%08X", cp));
    } else {
      out.append(String.format("\\u%04X", cp));
    }
  }

  /**
   * Keeps text on one line and free of hidden characters: line breaks, other control characters,
   * format characters (bidi controls, zero-width marks, tag characters) and the workflow-command
   * syntaxes become {@code \\uXXXX}; all else, backslashes and backticks included, is left as it
   * is. For text assembled from values already passed through {@link #quote}, as a last pass before
   * it is printed.
   */
  public static String oneLine(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      int type = Character.getType(cp);
      if (cp < 0x20
          || cp == 0x7F
          || type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || startsWorkflowCommand(value, i, cp)) {
        appendEscape(out, cp);
      } else {
        out.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /**
   * Whether the character at {@code index} completes a workflow command the Actions runner would
   * act on: the {@code [} of {@code ##[} anywhere, or the first {@code :} of {@code ::} at the
   * start of the text (after spaces and tabs, which the runner trims).
   */
  private static boolean startsWorkflowCommand(String value, int index, int cp) {
    if (cp == '[') {
      return index >= 2 && value.charAt(index - 1) == '#' && value.charAt(index - 2) == '#';
    }
    if (cp == ':' && index + 1 < value.length() && value.charAt(index + 1) == ':') {
      for (int j = 0; j < index; j++) {
        char c = value.charAt(j);
        if (c != ' ' && c != '\t') {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** True when the text contains only printable ASCII (space to tilde). */
  public static boolean isPrintableAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  /**
   * Describes the first character of a value that is not printable ASCII, for example {@code U+0435
   * CYRILLIC SMALL LETTER IE at position 3}, or returns an empty string when there is none.
   */
  public static String firstNonAscii(String value) {
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (cp < 0x20 || cp > 0x7E) {
        String name = Character.getName(cp);
        return String.format(
            "U+%04X %s at position %d",
            cp, name == null ? "(unassigned)" : name, value.codePointCount(0, i) + 1);
      }
      i += Character.charCount(cp);
    }
    return "";
  }

  private static boolean needsEscape(int cp) {
    return cp < 0x20 || cp == 0x7F || Character.getType(cp) == Character.CONTROL || isUnseen(cp);
  }

  /**
   * Whether a person reading the text cannot see {@code cp}, or sees it reorder or break what is
   * around it: format characters (bidi controls, zero-width characters, the byte order mark, tag
   * characters), line and paragraph separators, spaces other than U+0020, private-use, unassigned
   * and surrogate code points. Controls are not included: callers treat them apart.
   */
  public static boolean isUnseen(int cp) {
    int type = Character.getType(cp);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE
        || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED
        || (type == Character.SPACE_SEPARATOR && cp != ' ');
  }
}
