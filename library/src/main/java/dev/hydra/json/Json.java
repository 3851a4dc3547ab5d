package dev.hydra.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.jr.ob.JSON;

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
 * properties (forges add fields over time). Each is built on first use only.
 */
public final class Json {

  /** Deepest nesting accepted; real payloads stay far below. */
  public static final int MAX_DEPTH = 200;

  private Json() {}

  /** Returns the shared, thread-safe jackson-jr instance (maps, lists, strings, numbers). */
  public static JSON lite() {
    return Lite.INSTANCE;
  }

  /** Returns the shared, thread-safe databind mapper. Never reconfigure it. */
  public static ObjectMapper mapper() {
    return Databind.INSTANCE;
  }

  static JsonFactory factory() {
    return JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(64 << 20)
                .build())
        .build();
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

  private static final class Databind {
    static final ObjectMapper INSTANCE =
        JsonMapper.builder(factory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
  }
}
