package dev.hydra.secret;

import dev.hydra.json.Json;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Encoders the tests use to put a secret into output the way real tools would, independently of
 * {@code SecretForms}: the JDK's Base64 and URLEncoder, and Jackson.
 */
final class Encodings {

  private static final Pattern PERCENT = Pattern.compile("%[0-9A-F]{2}");

  private Encodings() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static String base64NoPad(byte[] bytes) {
    return Base64.getEncoder().withoutPadding().encodeToString(bytes);
  }

  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().encodeToString(bytes);
  }

  static String base64UrlNoPad(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String concat(byte[] a, byte[] b, byte[] c) {
    byte[] all = new byte[a.length + b.length + c.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    System.arraycopy(c, 0, all, a.length + b.length, c.length);
    return new String(all, StandardCharsets.ISO_8859_1);
  }

  /** {@code application/x-www-form-urlencoded}, as Java's URLEncoder writes it. */
  static String urlEncoder(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** JavaScript's encodeURIComponent, derived from URLEncoder the well-known way. */
  static String encodeUriComponent(String s) {
    return urlEncoder(s)
        .replace("+", "%20")
        .replace("%21", "!")
        .replace("%27", "'")
        .replace("%28", "(")
        .replace("%29", ")")
        .replace("%7E", "~");
  }

  static String lowerHex(String percentEncoded) {
    Matcher m = PERCENT.matcher(percentEncoded);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, m.group().toLowerCase(java.util.Locale.ROOT));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A JSON string as Jackson writes it, quotes included. */
  static String json(String s) {
    try {
      return Json.mapper().writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String xml(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  static String shellSingleQuoted(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
