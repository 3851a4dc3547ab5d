package dev.hydra.forge.transport;

import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.TokenShapeException;
import dev.hydra.forge.TokenShapes;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way a persona's token leaves the process: one HTTP client bound to one API origin and
 * one token (SPEC §6: "a token is never sent to another host").
 *
 * <ul>
 *   <li>A token shaped for the other forge ({@link TokenShapes}: a GitHub {@code gh*_} token for
 *       Forgejo, a Forgejo token for GitHub.com) is refused when the transport is built, before any
 *       request.
 *   <li>Every request's origin (scheme, host, port) is compared with the API URL's before anything
 *       is sent; any other origin (a redirect, a paging {@code Link}, an absolute URL from a
 *       response) fails with a {@link ForeignHostException} and never reaches the network.
 *   <li>The client follows no redirects itself, so nothing leaves behind this check's back.
 *   <li>The {@code Authorization} header is set here, after the check, replacing whatever the
 *       client library set; {@code Accept-Encoding} is dropped so that bodies stay readable for
 *       rate-limit classification.
 *   <li>Rate limits ({@link RateLimitPolicy}) are waited out with the injected sleeper, at most
 *       {@value #MAX_ATTEMPTS} attempts, and only while the instance's wait budget ({@link
 *       ForgeOptions#maxWait()}) lasts; otherwise a {@link RateLimitedException}, at once, without
 *       waiting first. Any method is repeated, a POST too: a rate-limit answer is the forge
 *       refusing the request before doing anything, so repeating it cannot do anything twice. What
 *       is never repeated is a request whose answer was lost (a timeout, a reset connection): it
 *       may have taken effect.
 * </ul>
 */
public final class BoundTransport {

  private static final Logger LOG = LoggerFactory.getLogger(BoundTransport.class);

  /** The most attempts of one request, the first included. */
  public static final int MAX_ATTEMPTS = 5;

  /** Methods whose repetition has the effect of one request (RFC 9110 §9.2.2). */

  /** Headers the client library may set that this class owns or java.net.http refuses. */
  private static final Set<String> DROPPED =
      Set.of(
          "authorization",
          "accept-encoding",
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade");

  private final ForgeType forge;
  private final URI apiBase;
  private final String origin;
  private final String persona;
  private final String authorization;
  private final @Nullable SecretMasker masker;
  private final ForgeOptions options;
  private final HttpClient client;
  private Duration waited = Duration.ZERO;

  /**
   * Creates the transport.
   *
   * @param forge which forge (how rate limits look)
   * @param apiBase the API URL the token was configured for, for example {@code
   *     https://api.github.com} or {@code https://codeberg.org/api/v1}
   * @param persona the persona, for messages and logs
   * @param token the persona's token; never logged, never sent elsewhere
   * @param options timeouts and the wait budget
   * @throws IllegalArgumentException when the URL is not an absolute http(s) URL without user info,
   *     query or fragment, or the token is blank or not one header line
   * @throws TokenShapeException when the token is shaped for the other forge ({@link TokenShapes})
   */
  public BoundTransport(
      ForgeType forge, URI apiBase, String persona, String token, ForgeOptions options) {
    this.forge = forge;
    this.apiBase = checkApiUrl(apiBase);
    this.origin = origin(apiBase);
    this.persona = persona;
    TokenShapes.check(forge, apiBase, token)
        .ifPresent(
            mismatch -> {
              throw new TokenShapeException(mismatch.message("the " + persona + " token"));
            });
    if (token.isBlank() || !token.strip().equals(token) || token.chars().anyMatch(c -> c < 0x21)) {
      throw new IllegalArgumentException(
          "the " + persona + " token is empty or contains blanks or control characters");
    }
    this.authorization = "token " + token;
    this.masker = masker(persona, token);
    this.options = options;
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(options.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * A masker for every form of the token. A token too short to mask without masking ordinary text
   * ({@link Secret#MIN_MASKABLE_LENGTH}), or one {@link Secret} refuses, gets a literal replacement
   * instead; the credential sources refuse both before a real run.
   */
  private static @Nullable SecretMasker masker(String persona, String token) {
    try {
      return SecretMasker.of(List.of(Secret.of(persona + " token", token)));
    } catch (IllegalArgumentException tooShortOrOdd) {
      return null;
    }
  }

  /**
   * Masks every form of this transport's token in a text, JSON escapes decoded ({@link
   * SecretMasker#maskDecoded}): for messages made from what the forge answered, which may echo the
   * request ({@link ForgeErrors}).
   */
  public String mask(String text) {
    SecretMasker forms = masker;
    if (forms != null) {
      return forms.maskDecoded(text);
    }
    String token = authorization.substring("token ".length());
    return text.replace(token, SecretMasker.MASK);
  }

  /** Checks an API URL: absolute http(s), a host, no user info, query or fragment. */
  static URI checkApiUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("the API URL must be http(s): " + url);
    }
    if (url.getHost() == null || url.getRawUserInfo() != null) {
      throw new IllegalArgumentException("the API URL must name a host and no user: " + url);
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException("the API URL must not have a query or fragment: " + url);
    }
    return url;
  }

  /** {@code scheme://host:port} of a URI, the port made explicit; what the token is bound to. */
  public static String origin(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port < 0) {
      port = scheme.equals("http") ? 80 : scheme.equals("https") ? 443 : -1;
    }
    return scheme + "://" + host + ":" + port;
  }

  /** The forge. */
  public ForgeType forge() {
    return forge;
  }

  /** The API URL the token is bound to. */
  public URI apiBase() {
    return apiBase;
  }

  /** The host of the API URL, for messages. */
  public String host() {
    return Optional.ofNullable(apiBase.getHost()).orElse("");
  }

  /** The persona. */
  public String persona() {
    return persona;
  }

  /** The options. */
  public ForgeOptions options() {
    return options;
  }

  /** The total time this instance has waited for rate limits so far. */
  public synchronized Duration waited() {
    return waited;
  }

  /** A URI relative to the API URL: {@code resolve("/repos/o/r")}. */
  public URI resolve(String pathAndQuery) {
    String base = apiBase.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + pathAndQuery);
  }

  /**
   * Refuses a URI outside the bound origin.
   *
   * @throws ForeignHostException when {@code uri} is on another scheme, host or port
   */
  public void requireBound(URI uri) throws ForeignHostException {
    if (!origin(uri).equals(origin) || uri.getRawUserInfo() != null) {
      LOG.warn(
          "refused to send the {} token to {}: it is bound to {}", persona, origin(uri), origin);
      throw new ForeignHostException(uri, origin);
    }
  }

  /**
   * Sends a request with the token, waiting out rate limits as described on the class.
   *
   * @return the response, whatever its status, unless it was a rate limit not waited out
   * @throws ForeignHostException when the request is for another origin (nothing was sent)
   * @throws RateLimitedException when a rate limit was not waited out
   * @throws HttpTimeoutException when the forge did not answer in time
   * @throws IOException when the forge cannot be reached
   * @throws InterruptedException when interrupted while sending or waiting
   */
  public HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    requireBound(request.uri());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(request, (name, value) -> !DROPPED.contains(lower(name)))
            .setHeader("Authorization", authorization);
    if (request.timeout().isEmpty()) {
      builder.timeout(options.requestTimeout());
    }
    HttpRequest bound = builder.build();
    for (int attempt = 0; ; attempt++) {
      HttpResponse<byte[]> response = exchange(bound);
      refuseForeignRedirect(bound, response);
      Optional<RateLimit> limit =
          RateLimitPolicy.classify(
              forge,
              response.statusCode(),
              response.headers(),
              new String(response.body(), StandardCharsets.UTF_8),
              options.clock().instant(),
              attempt);
      if (limit.isEmpty()) {
        return response;
      }
      waitOut(response.statusCode(), limit.get(), attempt);
    }
  }

  /**
   * A redirect to another origin is refused here, so that no layer above can follow it with the
   * token: github-api would, the generated Forgejo client would report a bare 3xx.
   */
  private void refuseForeignRedirect(HttpRequest request, HttpResponse<byte[]> response)
      throws ForeignHostException {
    int status = response.statusCode();
    if (status < 300 || status > 399) {
      return;
    }
    Optional<String> location = response.headers().firstValue("location");
    if (location.isEmpty()) {
      return;
    }
    URI target;
    try {
      target = request.uri().resolve(location.get().strip());
    } catch (IllegalArgumentException e) {
      return; // Not a URI: the caller reports the 3xx as it is.
    }
    requireBound(target);
  }

  private HttpResponse<byte[]> exchange(HttpRequest request)
      throws IOException, InterruptedException {
    LOG.debug("{} {} {} (persona {})", forge, request.method(), request.uri(), persona);
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      LOG.debug("{} {} {} -> {}", forge, request.method(), request.uri(), response.statusCode());
      return response;
    } catch (HttpTimeoutException e) {
      throw e;
    } catch (ConnectException e) {
      // Not a SocketException to the client library: github-api would retry those itself, with
      // real sleeps, outside our budget.
      throw new IOException("cannot connect to " + origin + ": " + e.getMessage(), e);
    }
  }

  private void waitOut(int status, RateLimit limit, int attempt)
      throws RateLimitedException, InterruptedException {
    if (attempt + 1 >= MAX_ATTEMPTS) {
      throw new RateLimitedException(
          status, limit, "gave up after " + MAX_ATTEMPTS + " rate-limited attempts");
    }
    Duration wait = limit.delay();
    synchronized (this) {
      Duration left = options.maxWait().minus(waited);
      if (wait.compareTo(left) > 0) {
        throw new RateLimitedException(
            status,
            limit,
            "waiting "
                + wait.toSeconds()
                + "s would exceed the wait budget ("
                + Math.max(0, left.toSeconds())
                + "s left of "
                + options.maxWait().toSeconds()
                + "s)");
      }
      waited = waited.plus(wait);
    }
    LOG.warn(
        "{} rate limit for the {} token: {}; waiting {}s (attempt {} of {})",
        forge,
        persona,
        limit.reason(),
        wait.toSeconds(),
        attempt + 1,
        MAX_ATTEMPTS);
    options.sleeper().sleep(wait);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
