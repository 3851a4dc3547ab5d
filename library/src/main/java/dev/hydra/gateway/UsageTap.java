package dev.hydra.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the {@code usage} of a Messages API answer from the bytes the gateway relays, without
 * holding them back: a streamed answer's {@code message_start} and {@code message_delta} events
 * (whose counts are cumulative, so the last value of each field wins), or a plain JSON answer's
 * {@code usage}.
 *
 * <p>Only what the usage needs is kept: an event line longer than {@link #MAX_LINE} bytes (a long
 * text delta) is skipped, and a JSON answer longer than {@link #MAX_JSON} is not counted.
 */
final class UsageTap {

  static final int MAX_LINE = 64 * 1024;
  static final int MAX_JSON = 4 * 1024 * 1024;

  private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

  private final boolean events;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private boolean overflow;
  private long input;
  private long output;
  private long cacheCreation;
  private long cacheRead;

  /**
   * Creates a tap.
   *
   * @param events true for {@code text/event-stream}, false for a JSON answer
   */
  UsageTap(boolean events) {
    this.events = events;
  }

  /** Sees the next bytes of the answer. */
  void accept(byte[] bytes, int offset, int length) {
    if (!events) {
      if (pending.size() + length > MAX_JSON) {
        overflow = true;
      } else {
        pending.write(bytes, offset, length);
      }
      return;
    }
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        if (!overflow) {
          line(pending.toByteArray());
        }
        pending.reset();
        overflow = false;
      } else if (pending.size() < MAX_LINE) {
        pending.write(b);
      } else {
        overflow = true;
      }
    }
  }

  /** The usage seen, once the answer has ended. */
  TokenUsage usage() {
    if (!events && !overflow && pending.size() > 0) {
      read(parse(pending.toByteArray()).path("usage"));
    } else if (events && !overflow && pending.size() > 0) {
      line(pending.toByteArray());
    }
    pending.reset();
    return new TokenUsage(input, output, cacheCreation, cacheRead);
  }

  private void line(byte[] line) {
    String text = new String(line, StandardCharsets.UTF_8);
    if (!text.startsWith("data:") || indexOf(line, USAGE) < 0) {
      return;
    }
    JsonNode event =
        parse(text.substring("data:".length()).strip().getBytes(StandardCharsets.UTF_8));
    String type = event.path("type").asText("");
    if (type.equals("message_start")) {
      read(event.path("message").path("usage"));
    } else if (type.equals("message_delta")) {
      read(event.path("usage"));
    }
  }

  private void read(JsonNode usage) {
    input = field(usage, "input_tokens", input);
    output = field(usage, "output_tokens", output);
    cacheCreation = field(usage, "cache_creation_input_tokens", cacheCreation);
    cacheRead = field(usage, "cache_read_input_tokens", cacheRead);
  }

  private static long field(JsonNode usage, String name, long previous) {
    JsonNode value = usage.get(name);
    return value != null && value.canConvertToLong() && value.asLong() >= 0
        ? value.asLong()
        : previous;
  }

  private static JsonNode parse(byte[] json) {
    try {
      JsonNode node = Json.mapper().readTree(json);
      return node == null ? Json.mapper().missingNode() : node;
    } catch (IOException e) {
      return Json.mapper().missingNode(); // not JSON: nothing to count, the answer still passes
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
