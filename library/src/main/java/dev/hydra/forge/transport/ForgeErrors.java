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
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The one place where a failed forge request becomes a {@link ForgeException}: each message says
 * which persona tried what on which repository, what the forge answered, and what to do about it
 * (STYLE points 13–14). Forge-supplied text is quoted with {@link Texts#quote}: it is untrusted.
 *
 * <p>A forge's answer can echo the request, token included (a 401 body quoting the {@code
 * Authorization} header, a proxy's error page, a client library's exception text). Every message
 * made here is therefore masked for every form of the persona's token ({@link
 * BoundTransport#mask}): a JSON body after it is decoded, so that a {@code \}{@code u0067} escape
 * is masked in the form it is shown, and the message as a whole. The library's exception is kept as
 * the cause only as a copy whose messages are masked the same way ({@link MaskedCause}), so a stack
 * trace ({@code --stacktrace}) cannot print the body either.
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
    BoundTransport transport = attempt.transport();
    return masked(
        transport,
        unmaskedFromStatus(attempt, status, body, conflictHint, masked(transport, cause)));
  }

  private static ForgeException unmaskedFromStatus(
      Attempt attempt, int status, String body, String conflictHint, @Nullable Throwable cause) {
    BoundTransport transport = attempt.transport();
    String said = status + forgeMessage(body, transport::mask).map(m -> ": " + m).orElse("");
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
    BoundTransport transport = attempt.transport();
    return masked(transport, unmaskedFromFailure(attempt, failure, masked(transport, failure)));
  }

  /**
   * @param failure what failed, its messages as they are, to classify
   * @param cause the same failure with masked messages, to attach
   */
  private static ForgeException unmaskedFromFailure(
      Attempt attempt, Throwable failure, @Nullable Throwable cause) {
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
            cause);
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
            cause);
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
            cause);
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
            cause);
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
            cause);
      }
      if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
        Thread.currentThread().interrupt();
        return new ForgeException(
            "interrupted while the " + persona + " persona tried to " + attempt.tried(), 0, cause);
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
                + Texts.quote(attempt.transport().mask(String.valueOf(failure.getMessage())))
                + "; check the network and the API URL "
                + attempt.transport().apiBase()),
        0,
        cause);
  }

  /** The {@code message} of a JSON error body, quoted; empty when there is none. */
  static java.util.Optional<String> forgeMessage(String body) {
    return forgeMessage(body, UnaryOperator.identity());
  }

  /**
   * The {@code message} of a JSON error body, decoded, then masked, then quoted; a body that is not
   * JSON masked and quoted as it is. Empty when there is none.
   */
  static java.util.Optional<String> forgeMessage(String body, UnaryOperator<String> mask) {
    String text = body.strip();
    if (text.isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      JsonNode node = Json.mapper().readTree(text);
      JsonNode message = node == null ? null : node.get("message");
      if (message != null && message.isTextual() && !message.asText().isBlank()) {
        return java.util.Optional.of(Texts.quote(mask.apply(message.asText().strip())));
      }
    } catch (JsonProcessingException notJson) {
      // A proxy's HTML page or plain text: show its beginning.
    }
    return java.util.Optional.of(Texts.quote(mask.apply(text)));
  }

  /** The exception again with its message masked; the same instance when nothing was masked. */
  private static ForgeException masked(BoundTransport transport, ForgeException e) {
    String message = String.valueOf(e.getMessage());
    String masked = transport.mask(message);
    if (masked.equals(message)) {
      return e;
    }
    ForgeException copy;
    if (e instanceof ForgeUnauthorizedException) {
      copy = new ForgeUnauthorizedException(masked, e.status().orElse(0), e.getCause());
    } else if (e instanceof ForgeForbiddenException) {
      copy = new ForgeForbiddenException(masked, e.status().orElse(0), e.getCause());
    } else if (e instanceof ForgeNotFoundException) {
      copy = new ForgeNotFoundException(masked, e.status().orElse(0), e.getCause());
    } else if (e instanceof ForgeConflictException) {
      copy = new ForgeConflictException(masked, e.status().orElse(0), e.getCause());
    } else if (e instanceof ForgeRateLimitedException) {
      copy = new ForgeRateLimitedException(masked, e.status().orElse(0), e.getCause());
    } else {
      copy = new ForgeException(masked, e.status().orElse(0), e.getCause());
    }
    copy.setStackTrace(e.getStackTrace());
    return copy;
  }

  /** A copy of a failure and its causes whose messages are masked; null for null. */
  static @Nullable Throwable masked(BoundTransport transport, @Nullable Throwable failure) {
    if (failure == null) {
      return null;
    }
    MaskedCause copy =
        new MaskedCause(
            failure.getClass().getName()
                + (failure.getMessage() == null ? "" : ": " + transport.mask(failure.getMessage())),
            masked(transport, failure.getCause() == failure ? null : failure.getCause()));
    copy.setStackTrace(failure.getStackTrace());
    return copy;
  }

  /**
   * Stands in for a client library's exception as a cause: its class name and masked message, its
   * stack trace, and its causes copied the same way.
   */
  static final class MaskedCause extends Exception {
    private static final long serialVersionUID = 1L;

    MaskedCause(String message, @Nullable Throwable cause) {
      super(message, cause, false, true);
    }
  }
}
