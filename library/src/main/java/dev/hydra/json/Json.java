package dev.hydra.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.hydra.text.Texts;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The single place where Jackson is configured.
 *
 * <p>Two entry points, one configuration:
 *
 * <ul>
 *   <li>{@link #lite()} — jackson-jr over plain maps and lists, for the paths where start-up time
 *       is the product ({@code hydra route} runs on every forge event). It initialises in a quarter
 *       of the time of databind.
 *   <li>{@link #mapper()} — jackson-databind, for adapters that bind wire DTOs to records.
 * </ul>
 *
 * <p>Both reject duplicate keys (a payload with two {@code action} keys is not something to guess
 * about), bound nesting depth so that hostile input cannot exhaust the stack, and ignore unknown
 * properties (forges add fields over time). Both write every control character escaped (C1 and DEL
 * included), U+2028/U+2029 too, so that one JSON value stays one line for every reader, and every
 * invisible or reordering character (bidi controls, zero-width marks, surrogates) as {@code
 * \\uXXXX}, so that what a person reads is what a parser reads. Each is built on first use only.
 */
public final class Json {

  /** Deepest nesting accepted; real payloads stay far below. */
  public static final int MAX_DEPTH = 200;

  private Json() {}

  /** Returns the shared, thread-safe jackson-jr instance (maps, lists, strings, numbers). */
  public static JSON lite() {
    return Lite.INSTANCE;
  }

  /** What a caller makes of a syntax error: its own exception, from the parser's message. */
  @FunctionalInterface
  public interface SyntaxError<E extends Exception> {
    E because(String parserMessage, Exception cause);
  }

  /**
   * Reads {@code text} as a JSON tree with the shared mapper.
   *
   * @param onError turns a syntax error into the caller's exception; it gets the parser's own
   *     message (without the input around it)
   * @return the tree, or null for empty input
   * @throws E when the text is not JSON
   */
  public static <E extends Exception> @Nullable JsonNode readTree(
      String text, SyntaxError<E> onError) throws E {
    try {
      return mapper().readTree(text);
    } catch (JacksonException e) {
      throw onError.because(String.valueOf(e.getOriginalMessage()), e);
    }
  }

  /**
   * Reads {@code text} as a YAML document (a configuration file in a target repository, such as
   * {@code .hydra/gates.yml}) into the same tree as JSON: duplicate keys rejected, nesting bounded
   * as for JSON, and SnakeYAML's own limits on aliases and size; YAML tags never create objects.
   * The caller bounds the text's length.
   *
   * @param onError turns a syntax error into the caller's exception; it gets the parser's own
   *     message (without the input around it)
   * @return the tree, or null (or a missing node) for an empty document
   * @throws E when the text is not YAML
   */
  public static <E extends Exception> @Nullable JsonNode readYaml(
      String text, SyntaxError<E> onError) throws E {
    try {
      return Yaml.INSTANCE.readTree(text);
    } catch (JacksonException e) {
      throw onError.because(String.valueOf(e.getOriginalMessage()), e);
    }
  }

  /** Returns the shared, thread-safe databind mapper. Never reconfigure it. */
  public static ObjectMapper mapper() {
    return Databind.INSTANCE;
  }

  static JsonFactory factory() {
    return new JsonFactoryBuilder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(64 << 20)
                .build())
        .characterEscapes(new LineSafeEscapes())
        .build();
  }

  /**
   * JSON itself only requires U+0000–U+001F to be escaped. Python's {@code str.splitlines()} also
   * breaks at U+0085, U+2028 and U+2029 (as did JavaScript before ES2019), so a raw one from a
   * hostile label would split {@code hydra route}'s one-line output there.
   */
  private static final class LineSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    private final int[] ascii;

    LineSafeEscapes() {
      ascii = standardAsciiEscapesForJSON();
      ascii[0x7F] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      if (escaped(ch)) {
        return new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch));
      }
      return null;
    }

    /**
     * Besides the line breakers: every character a person cannot see or that reorders what they see
     * — format characters (bidi controls U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C;
     * zero-width U+200B–U+200D, U+2060, U+FEFF), unusual spaces, private-use and unassigned code
     * units — and every surrogate, so that supplementary characters (tag characters U+E0000 and up
     * hide text) appear as escaped pairs. The value read back is the same string.
     */
    static boolean escaped(int ch) {
      if (ch == 0x7F || (ch >= 0x80 && ch <= 0x9F)) {
        return true;
      }
      return Texts.isUnseen(ch);
    }
  }

  private static final class Lite {
    static final JSON INSTANCE =
        JSON.builder(factory())
            .enable(
                JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS,
                JSON.Feature.PRESERVE_FIELD_ORDERING,
                JSON.Feature.WRITE_NULL_PROPERTIES)
            .build();
  }

  private static final class Yaml {
    static final ObjectMapper INSTANCE =
        new YAMLMapper(
            YAMLFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .build());
  }

  private static final class Databind {
    static final ObjectMapper INSTANCE =
        JsonMapper.builder(factory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
  }
}
