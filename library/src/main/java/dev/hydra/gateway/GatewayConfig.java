package dev.hydra.gateway;

import dev.hydra.text.Texts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How a stage's gateway is set up.
 *
 * @param bind the address it listens on: loopback, or the address of the stage network's gateway so
 *     that only the stage's own container reaches it; port 0 picks a free port
 * @param upstream the Messages API's base URL: https, or http on loopback (a scripted model)
 * @param placeholder the only credential the container holds and the gateway accepts
 * @param tokenBudget the stage's budget in tokens (input, output and cache), when it has one
 * @param maxOverloadRetries how often one request is retried on the same token after a 529 or 5xx
 * @param overloadBackoff the longest first wait before such a retry; it doubles per retry
 */
public record GatewayConfig(
    InetSocketAddress bind,
    URI upstream,
    String placeholder,
    OptionalLong tokenBudget,
    int maxOverloadRetries,
    Duration overloadBackoff) {

  /** The Messages API. */
  public static final URI ANTHROPIC = URI.create("https://api.anthropic.com");

  /** What a placeholder starts with, so that nobody mistakes it for a token. */
  public static final String PLACEHOLDER_PREFIX = "hydra-gateway-placeholder-";

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException when the upstream is not https (or http on loopback), has a
   *     query or credentials, the placeholder is shorter than 16 printable ASCII characters, the
   *     budget is not positive or the retries are negative
   */
  public GatewayConfig {
    checkUpstream(upstream);
    if (placeholder.length() < 16 || !Texts.isPrintableAscii(placeholder)) {
      throw new IllegalArgumentException(
          "the gateway's placeholder credential must be at least 16 printable ASCII characters");
    }
    if (tokenBudget.isPresent() && tokenBudget.getAsLong() <= 0) {
      throw new IllegalArgumentException("a token budget must be positive");
    }
    if (maxOverloadRetries < 0) {
      throw new IllegalArgumentException("maxOverloadRetries must not be negative");
    }
  }

  /**
   * Checks an upstream: https, or http on loopback (a scripted model on the runner's host); no
   * query, no credentials in the URL.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static void checkUpstream(URI upstream) {
    String scheme =
        upstream.getScheme() == null ? "" : upstream.getScheme().toLowerCase(Locale.ROOT);
    String host = upstream.getHost() == null ? "" : upstream.getHost();
    boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
    if (!(scheme.equals("https") || (scheme.equals("http") && loopback))
        || upstream.getRawQuery() != null
        || upstream.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "the model gateway's upstream must be an https URL (http only on loopback), without"
              + " query or credentials: "
              + Texts.quote(upstream.toString()));
    }
  }

  /** A loopback gateway on a free port, no budget, 3 overload retries from 1 s. */
  public static GatewayConfig loopback(URI upstream, String placeholder) {
    return new GatewayConfig(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        upstream,
        placeholder,
        OptionalLong.empty(),
        3,
        Duration.ofSeconds(1));
  }

  /** The same settings with a token budget. */
  public GatewayConfig withTokenBudget(long tokens) {
    return new GatewayConfig(
        bind, upstream, placeholder, OptionalLong.of(tokens), maxOverloadRetries, overloadBackoff);
  }

  /** A fresh placeholder for one stage: the prefix and 128 random bits. */
  public static String newPlaceholder() {
    byte[] bits = new byte[16];
    new SecureRandom().nextBytes(bits);
    return PLACEHOLDER_PREFIX + HexFormat.of().formatHex(bits);
  }
}
