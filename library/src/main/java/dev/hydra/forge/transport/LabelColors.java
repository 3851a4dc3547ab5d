package dev.hydra.forge.transport;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Label colours as forges report them, made comparable with {@link dev.hydra.forge.LabelSpec}. */
public final class LabelColors {

  private static final Pattern HEX6 = Pattern.compile("[0-9a-f]{6}");
  private static final Pattern HEX3 = Pattern.compile("[0-9a-f]{3}");

  /** What an unreadable colour becomes: a label must still be listable. */
  static final String FALLBACK = "000000";

  private LabelColors() {}

  /**
   * Six lower-case hex digits without {@code #}: GitHub sends {@code f29513}, Forgejo may send
   * {@code #F29513} or a short {@code #abc}. Anything else becomes {@value #FALLBACK}, which a seed
   * then overwrites.
   */
  public static String normalize(@Nullable String color) {
    if (color == null) {
      return FALLBACK;
    }
    String c = color.strip().toLowerCase(Locale.ROOT);
    if (c.startsWith("#")) {
      c = c.substring(1);
    }
    if (HEX3.matcher(c).matches()) {
      StringBuilder six = new StringBuilder(6);
      for (int i = 0; i < c.length(); i++) {
        six.append(c.charAt(i)).append(c.charAt(i));
      }
      return six.toString();
    }
    return HEX6.matcher(c).matches() ? c : FALLBACK;
  }
}
