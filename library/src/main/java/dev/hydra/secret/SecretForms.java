package dev.hydra.secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forms in which a secret can show up in output, each a literal string to search for.
 *
 * <p>Modelled on the encoders of the GitHub Actions runner (actions/runner {@code HostContext.cs},
 * {@code ValueEncoders.cs}: base64 with shift variants, JSON, URI, XML and command-line escapes),
 * with two changes:
 *
 * <ul>
 *   <li>Base64 is searched as three <em>cores</em>, one per alignment of the secret in the encoded
 *       bytes (offset 0, 1 or 2 modulo 3): the base64 characters that depend on the secret's bytes
 *       only. A core matches wherever the secret sits in a longer encoded string ({@code
 *       base64("user:" + token)}, a JSON blob), with or without padding, in the standard and the
 *       URL-safe alphabet. The runner instead registers the full encoding of the value with its
 *       first one or two bytes removed, which matches only when the secret ends the encoded data.
 *       The partial characters on either side of a core (which mix secret and neighbouring bits)
 *       and any {@code =} padding are masked with it.
 *   <li>Percent-encoding comes in upper- and lower-case hex and in the reserved sets of RFC 3986,
 *       JavaScript's {@code encodeURIComponent} and Java's {@code URLEncoder}.
 * </ul>
 */
final class SecretForms {

  /** How a match of a form may be widened over neighbouring characters. */
  enum Right {
    /** Not widened. */
    NONE,
    /** Over up to two {@code =} padding characters. */
    PADDING,
    /** Over one base64 character (partly the secret's bits), then padding. */
    PARTIAL_AND_PADDING
  }

  /**
   * One literal form.
   *
   * @param text the literal text
   * @param leftPartial whether the base64 character just before a match holds some of the secret's
   *     bits and is masked too
   * @param right how the match is widened to the right
   * @param kind a short description, for tests and the documentation
   */
  record Form(String text, boolean leftPartial, Right right, String kind) {}

  /** The prefix actions/checkout uses for HTTP basic auth with a token. */
  static final String ACCESS_TOKEN_USER = "x-access-token:";

  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

  private SecretForms() {}

  /**
   * Every distinct form of a value, raw first. Forms equal to an earlier one are left out; base64
   * forms are kept even when equal to a plain form, for their widening.
   */
  static List<Form> of(String value) {
    Map<String, Form> forms = new LinkedHashMap<>();
    plain(forms, value, "raw");
    plain(forms, percent(value, "-._~", HEX_UPPER), "percent-encoded (RFC 3986)");
    plain(forms, percent(value, "-._~", HEX_LOWER), "percent-encoded, lower-case hex");
    plain(forms, percent(value, "-_.!~*'()", HEX_UPPER), "encodeURIComponent");
    plain(forms, percent(value, "-_.!~*'()", HEX_LOWER), "encodeURIComponent, lower-case hex");
    plain(forms, percent(value, "-_.*", HEX_UPPER), "URLEncoder");
    plain(forms, percent(value, "-_.*", HEX_LOWER), "URLEncoder, lower-case hex");
    String json = json(value, false, false);
    plain(forms, json, "JSON string (Jackson)");
    plain(forms, json(value, true, false), "JSON string with escaped /");
    plain(forms, json(value, false, true), "JSON string, HTML-safe (Gson)");
    plain(forms, json(json, false, false), "JSON string inside a JSON string");
    plain(forms, xml(value), "XML text");
    plain(forms, value.replace("'", "'\\''"), "shell, single-quoted");
    plain(forms, shellBackslash(value, ""), "shell, backslash-escaped (bash 5 printf %q)");
    plain(forms, shellBackslash(value, ",^"), "shell, backslash-escaped (older printf %q)");
    plain(forms, shellDoubleQuoted(value), "shell, double-quoted");

    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (int shift = 0; shift < 3; shift++) {
      String core = base64Core(bytes, shift);
      boolean left = shift != 0;
      Right right = (8 * (shift + bytes.length)) % 6 == 0 ? Right.NONE : Right.PARTIAL_AND_PADDING;
      base64(forms, core, left, right, "base64, offset " + shift + " mod 3");
      base64(forms, urlSafe(core), left, right, "base64url, offset " + shift + " mod 3");
    }
    byte[] basic = (ACCESS_TOKEN_USER + value).getBytes(StandardCharsets.UTF_8);
    String access = Base64.getEncoder().withoutPadding().encodeToString(basic);
    base64(forms, access, false, Right.PADDING, "base64 of x-access-token:<secret>");
    base64(forms, urlSafe(access), false, Right.PADDING, "base64url of x-access-token:<secret>");
    return List.copyOf(forms.values());
  }

  private static void plain(Map<String, Form> forms, String text, String kind) {
    forms.putIfAbsent(text, new Form(text, false, Right.NONE, kind));
  }

  private static void base64(
      Map<String, Form> forms, String text, boolean left, Right right, String kind) {
    Form existing = forms.get(text);
    if (existing == null || (existing.right() == Right.NONE && !existing.leftPartial())) {
      forms.put(text, new Form(text, left, right, kind));
    }
  }

  /**
   * The base64 characters determined by the secret alone when it starts at byte offset {@code
   * shift} (mod 3) of the encoded data: encode {@code shift} zero bytes and the secret, then drop
   * the characters that also hold bits of the bytes before or after it.
   */
  static String base64Core(byte[] secret, int shift) {
    byte[] shifted = new byte[shift + secret.length];
    System.arraycopy(secret, 0, shifted, shift, secret.length);
    String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
    int first = (8 * shift + 5) / 6; // first character starting at or after the secret's first bit
    int end = (8 * (shift + secret.length)) / 6; // characters ending at or before its last bit
    return encoded.substring(first, end);
  }

  private static String urlSafe(String base64) {
    return base64.replace('+', '-').replace('/', '_');
  }

  /** Percent-encodes every character except ASCII letters, digits and {@code keep}. */
  static String percent(String value, String keep, char[] hex) {
    StringBuilder out = new StringBuilder(value.length() * 3);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || keep.indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(hex[(b >> 4) & 0xF]).append(hex[b & 0xF]);
      }
    }
    return out.toString();
  }

  /**
   * Escapes as JSON string content: as Jackson writes it ({@code \"}, {@code \\}, {@code \n}-style
   * short escapes, {@code \}{@code u00XX} for other control characters), optionally with {@code /}
   * escaped too, or HTML-safe as Gson writes it ({@code <>&='} as lower-case {@code \}{@code
   * u00xx}).
   */
  static String json(String value, boolean escapeSlash, boolean htmlSafe) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '/' -> out.append(escapeSlash ? "\\/" : "/");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
          } else if (htmlSafe && "<>&='".indexOf(c) >= 0) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  static String xml(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  /**
   * A backslash before every character a shell treats specially, as bash's {@code printf %q} writes
   * a word without control characters: letters, digits and {@code %+-./:=@_} stay as they are, and
   * so do {@code ~} and {@code #} except at the start; {@code alsoKept} lists characters older
   * versions leave alone too.
   */
  static String shellBackslash(String value, String alsoKept) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean kept =
          (c < 0x80 && Character.isLetterOrDigit(c))
              || "%+-./:=@_".indexOf(c) >= 0
              || alsoKept.indexOf(c) >= 0
              || (i > 0 && (c == '~' || c == '#'));
      if (!kept) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Escapes the characters that stay special inside double quotes: {@code $ ` " \}. */
  static String shellDoubleQuoted(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ("$`\"\\".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
