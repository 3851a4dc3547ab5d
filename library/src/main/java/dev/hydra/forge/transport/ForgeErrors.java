package dev.hydra.forge.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.ForgeRateLimitedException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.ForgeUnauthorizedException;
import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one place where a failed forge request becomes a {@link ForgeException}: each message says
 * which persona tried what on which repository, what the forge answered, and what to do about it
 * (STYLE points 13–14). Forge-supplied text is quoted with {@link Texts#quote}: it is untrusted.
 */
public final class ForgeErrors {

  private ForgeErrors() {}

  /**
   * What a request was about, for messages.
   *
   * @param transport the persona's transport (persona, host, forge)
   * @param operation the port operation
   * @param target what it was done to, naming the repository: {@code o/r#7}, {@code o/r pull
   *     request #12}, {@code o/r}
   */
  public record Attempt(BoundTransport transport, Operation operation, String target) {

    String persona() {
      return transport.persona();
    }

    String forgeName() {
      return transport.forge() == ForgeType.GITHUB ? "GitHub" : "Forgejo";
    }

    String tried() {
      return operation.action() + " " + target;
    }

    String permission() {
      return operation.permission(transport.forge());
    }
  }

  /**
   * Translates an HTTP error response.
   *
   * @param attempt what was tried
   * @param status the HTTP status (4xx, 5xx, or an unexpected 3xx)
   * @param body the response body, empty when none; its {@code message} is quoted
   * @param cause the library's exception, or null
   */
  public static ForgeException fromStatus(
      Attempt attempt, int status, String body, @Nullable Throwable cause) {
    return fromStatus(attempt, status, body, "", cause);
  }

  /**
   * Translates an HTTP error response, with a hint for 409/422 specific to the operation.
   *
   * @param conflictHint what to do on a 409/422, empty for the generic advice
   */
  public static ForgeException fromStatus(
      Attempt attempt, int status, String body, String conflictHint, @Nullable Throwable cause) {
    String said = status + forgeMessage(body).map(m -> ": " + m).orElse("");
    String persona = attempt.persona();
    String host = attempt.transport().host();
    if (status == 401) {
      return new ForgeUnauthorizedException(
          Texts.oneLine(
              "the "
                  + persona
                  + " token was refused by "
                  + host
                  + " ("
                  + said
                  + ") when it tried to "
                  + attempt.tried()
                  + ": it is missing, expired or revoked; set HYDRA_"
                  + persona.toUpperCase(Locale.ROOT)
                  + "_TOKEN to a valid "
                  + attempt.forgeName()
                  + " token for "
                  + host),
          status,
          cause);
    }
    if (status == 403) {
      return new ForgeForbiddenException(
          Texts.oneLine(
              "the "
                  + persona
                  + " token may not "
                  + attempt.tried()
                  + " ("
                  + said
                  + "); give the "
                  + persona
                  + " persona "
                  + attempt.permission()),
          status,
          cause);
    }
    if (status == 404 || status == 410) {
      return new ForgeNotFoundException(
          Texts.oneLine(
              "the "
                  + persona
                  + " persona could not "
                  + attempt.tried()
                  + " ("
                  + said
                  + "): it does not exist, or the "
                  + persona
                  + " token cannot see it; check the name, and give the "
                  + persona
                  + " persona "
                  + attempt.permission()),
          status,
          cause);
    }
    // 405: Forgejo's answer to a merge it does not allow now (a work-in-progress title, branch
    // protection, a user without the right); a conflict with the current state, not a wrong URL.
    if (status == 409 || status == 422 || status == 405) {
      String hint =
          conflictHint.isEmpty()
              ? "the request conflicts with the repository's current state: re-read it and"
                  + " check that the names and commits used still exist"
              : conflictHint;
      return new ForgeConflictException(
          Texts.oneLine(
              attempt.forgeName()
                  + " refused to let the "
                  + persona
                  + " persona "
                  + attempt.tried()
                  + " ("
                  + said
                  + "); "
                  + hint),
          status,
          cause);
    }
    if (status >= 500) {
      return new ForgeException(
          Texts.oneLine(
              attempt.forgeName()
                  + " failed when the "
                  + persona
                  + " persona tried to "
                  + attempt.tried()
                  + " ("
                  + said
                  + "); this is a server error on "
                  + host
                  + ": retry later"),
          status,
          cause);
    }
    return new ForgeException(
        Texts.oneLine(
            attempt.forgeName()
                + " answered "
                + said
                + " when the "
                + persona
                + " persona tried to "
                + attempt.tried()
                + "; check that the API URL "
                + attempt.transport().apiBase()
                + " is the "
                + attempt.forgeName()
                + " API and that the "
                + persona
                + " persona has "
                + attempt.permission()),
        status,
        cause);
  }

  /**
   * Translates a failure without an HTTP error status: refused host, rate limit not waited out,
   * timeout, unreadable answer, unreachable host. Walks the cause chain, since client libraries
   * wrap what the transport throws.
   */
  public static ForgeException fromFailure(Attempt attempt, Throwable failure) {
    String persona = attempt.persona();
    String host = attempt.transport().host();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ForeignHostException foreign) {
        return new ForgeException(
            Texts.oneLine(
                "refused to send the "
                    + persona
                    + " token to "
                    + foreign.target()
                    + " when it tried to "
                    + attempt.tried()
                    + ": the token is bound to "
                    + foreign.bound()
                    + " (a misconfigured API URL, a redirect or a link in a response pointed"
                    + " elsewhere); check --api-url / GITHUB_API_URL"),
            0,
            failure);
      }
      if (t instanceof RateLimitedException limited) {
        return new ForgeRateLimitedException(
            Texts.oneLine(
                "the "
                    + persona
                    + " token is rate-limited on "
                    + host
                    + " and could not "
                    + attempt.tried()
                    + ": "
                    + limited.getMessage()
                    + "; retry after the limit resets, or give the stage a larger wait budget"),
            limited.status(),
            failure);
      }
      if (t instanceof HttpTimeoutException) {
        return new ForgeException(
            Texts.oneLine(
                host
                    + " did not answer in time (connect "
                    + attempt.transport().options().connectTimeout().toMillis()
                    + " ms, response "
                    + attempt.transport().options().requestTimeout().toMillis()
                    + " ms) when the "
                    + persona
                    + " persona tried to "
                    + attempt.tried()
                    + "; retry later, or check the network and the API URL "
                    + attempt.transport().apiBase()),
            0,
            failure);
      }
      if (t instanceof JsonProcessingException) {
        return new ForgeException(
            Texts.oneLine(
                "the answer of "
                    + host
                    + " when the "
                    + persona
                    + " persona tried to "
                    + attempt.tried()
                    + " was not the JSON the "
                    + attempt.forgeName()
                    + " API sends; check that the API URL "
                    + attempt.transport().apiBase()
                    + " is the "
                    + attempt.forgeName()
                    + " API and not a web page or proxy"),
            0,
            failure);
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return new ForgeException(
            Texts.oneLine(
                "cannot reach "
                    + host
                    + " when the "
                    + persona
                    + " persona tried to "
                    + attempt.tried()
                    + " ("
                    + t.getClass().getSimpleName()
                    + "); check the network and the API URL "
                    + attempt.transport().apiBase()),
            0,
            failure);
      }
      if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
        Thread.currentThread().interrupt();
        return new ForgeException(
            "interrupted while the " + persona + " persona tried to " + attempt.tried(),
            0,
            failure);
      }
    }
    return new ForgeException(
        Texts.oneLine(
            "the "
                + persona
                + " persona could not "
                + attempt.tried()
                + " on "
                + host
                + ": "
                + Texts.quote(String.valueOf(failure.getMessage()))
                + "; check the network and the API URL "
                + attempt.transport().apiBase()),
        0,
        failure);
  }

  /** The {@code message} of a JSON error body, quoted; empty when there is none. */
  static java.util.Optional<String> forgeMessage(String body) {
    String text = body.strip();
    if (text.isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      JsonNode node = Json.mapper().readTree(text);
      JsonNode message = node == null ? null : node.get("message");
      if (message != null && message.isTextual() && !message.asText().isBlank()) {
        return java.util.Optional.of(Texts.quote(message.asText().strip()));
      }
    } catch (JsonProcessingException notJson) {
      // A proxy's HTML page or plain text: show its beginning.
    }
    return java.util.Optional.of(Texts.quote(text));
  }
}
