package dev.hydra.forge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.ForgeUnauthorizedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11 item 7: a forge's error that echoes the request (the token) becomes a message, a cause
 * and a stack trace without the token in any form.
 */
class ForgeErrorsMaskingTest {

  static final String GITHUB = TestTokens.github(7001);
  static final String SPECIAL = TestTokens.special(7002);

  static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Every character as a JSON unicode escape. */
  static String escaped(String s) {
    StringBuilder out = new StringBuilder();
    s.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
    return out.toString();
  }

  static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Bodies that quote the token: JSON messages in every form, and a proxy's plain text. */
  static List<String> bodies(String token) {
    return List.of(
        "{\"message\":\"Bad credentials: token " + json(token) + "\"}",
        "{\"message\":\"Bad credentials: " + escaped(token) + "\"}",
        "{\"message\":\"basic " + base64("x-access-token:" + token) + "\"}",
        "{\"message\":\"in " + base64("user:" + token) + " and " + base64("ab" + token) + "\"}",
        "{\"message\":\"url ?t=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "\"}",
        "<html><body>Authorization: token " + token + "</body></html>",
        "upstream said: token=" + token + "; base64=" + base64(token));
  }

  static Stream<Arguments> cases() {
    return Stream.of(GITHUB, SPECIAL)
        .flatMap(t -> bodies(t).stream().map(b -> Arguments.of(t, b)))
        .flatMap(
            a ->
                Stream.of(401, 403, 409, 500, 503, 302)
                    .map(s -> Arguments.of(a.get()[0], a.get()[1], s)));
  }

  /** One transport per forge and token: each holds an HTTP client. */
  static final java.util.Map<String, ForgeErrors.Attempt> ATTEMPTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  static ForgeErrors.Attempt attempt(ForgeType forge, String token) {
    return ATTEMPTS.computeIfAbsent(forge + " " + token, k -> newAttempt(forge, token));
  }

  static ForgeErrors.Attempt newAttempt(ForgeType forge, String token) {
    BoundTransport transport =
        new BoundTransport(
            forge,
            URI.create("https://forge.example/api"),
            "reviewer",
            token,
            ForgeOptions.defaults());
    return new ForgeErrors.Attempt(transport, Operation.COMMENT, "acme/shop#7");
  }

  static void assertNoToken(Throwable e) {
    TestTokens.assertNoTokenIn(e);
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    TestTokens.assertNoTokenIn(trace.toString());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void anErrorBodyQuotingTheTokenIsMaskedInTheMessageAndTheCause(
      String token, String body, int status) {
    // A GitHub-shaped token is never sent to a Forgejo host (TokenShapes): it is tried on GitHub.
    List<ForgeType> forges =
        token.equals(GITHUB) ? List.of(ForgeType.GITHUB) : List.of(ForgeType.values());
    for (ForgeType forge : forges) {
      // The client library's exception carries the body as its message, as github-api's does.
      IOException library = new IOException(body, new IOException("nested " + body));
      ForgeException e = ForgeErrors.fromStatus(attempt(forge, token), status, body, library);

      assertNoToken(e);
      assertThat(e.getMessage()).contains("***").contains(String.valueOf(status));
      Throwable cause = java.util.Objects.requireNonNull(e.getCause());
      assertThat(cause.getMessage()).startsWith("java.io.IOException: ").contains("***");
      assertThat(cause.getCause()).isNotNull();
      switch (status) {
        case 401 -> assertThat(e).isInstanceOf(ForgeUnauthorizedException.class);
        case 403 -> assertThat(e).isInstanceOf(ForgeForbiddenException.class);
        case 409 -> assertThat(e).isInstanceOf(ForgeConflictException.class);
        default -> assertThat(e.status()).hasValue(status);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aFailureWithoutStatusQuotingTheTokenIsMasked(String token, String body, int ignored) {
    ForgeException e =
        ForgeErrors.fromFailure(
            attempt(ForgeType.GITHUB, token),
            new IllegalStateException("client failed: " + body, new IOException(body)));
    assertNoToken(e);
    assertThat(e.getMessage()).contains("***");
  }
}
