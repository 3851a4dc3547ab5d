package dev.hydra.gateway;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When a rate-limited token can be used again, from the headers of the API's 429: {@code
 * retry-after} (seconds, or an HTTP date), {@code anthropic-ratelimit-unified-reset} (Unix seconds,
 * subscription accounts) and {@code anthropic-ratelimit-*-reset} (RFC 3339, API keys). The latest
 * wins, since the gateway does not know which of the limits the request hit. Pure.
 */
final class RateLimitReset {

  private static final String PREFIX = "anthropic-ratelimit-";

  private RateLimitReset() {}

  /**
   * The reset time.
   *
   * @param headers the answer's headers
   * @param now the current time, for {@code retry-after} in seconds
   * @return the latest reset the headers name, or null when they name none
   */
  static @Nullable Instant of(Map<String, List<String>> headers, Instant now) {
    Instant latest = null;
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      for (String value : e.getValue()) {
        Optional<Instant> reset = parse(name, value.strip(), now);
        if (reset.isPresent() && (latest == null || reset.get().isAfter(latest))) {
          latest = reset.get();
        }
      }
    }
    return latest;
  }

  private static Optional<Instant> parse(String name, String value, Instant now) {
    try {
      if (name.equals("retry-after")) {
        return value.chars().allMatch(Character::isDigit) && !value.isEmpty()
            ? Optional.of(now.plusSeconds(Long.parseLong(value)))
            : Optional.of(
                ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      }
      if (name.equals(PREFIX + "unified-reset")) {
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(value)));
      }
      if (name.startsWith(PREFIX) && name.endsWith("-reset") && !name.contains("unified")) {
        return Optional.of(OffsetDateTime.parse(value).toInstant());
      }
    } catch (DateTimeParseException | NumberFormatException e) {
      // A header the gateway cannot read names no reset; the pool's default applies.
    }
    return Optional.empty();
  }
}
