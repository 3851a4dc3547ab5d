package dev.hydra.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.agent.AgentOutcome;
import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an upstream error means for rotation, and the error bodies the gateway writes itself, in the
 * Messages API's shape ({@code {"type":"error","error":{"type":…,"message":…}}}) so that the CLI
 * reports them like the API's own. Pure.
 */
final class UpstreamErrors {

  private UpstreamErrors() {}

  /**
   * What an upstream answer means for the token that carried it.
   *
   * @param status the HTTP status
   * @param body the error body (JSON, or anything)
   * @param resetsAt the reset time its headers name, for a 429
   * @return an account limit (429), a refused token (401, 403), an account that cannot pay (402 or
   *     a {@code billing_error}), an overload (529 and every 5xx); empty when the answer goes to
   *     the client as it is
   */
  static Optional<AgentOutcome> outcome(int status, byte[] body, @Nullable Instant resetsAt) {
    String type = type(body);
    String evidence = "HTTP " + status + (type.isEmpty() ? "" : " " + type);
    if (status == 429) {
      return Optional.of(new AgentOutcome.AccountLimit(resetsAt, evidence));
    }
    if (status == 401 || status == 403) {
      return Optional.of(new AgentOutcome.BadCredential(evidence));
    }
    if (status == 402 || type.equals("billing_error")) {
      return Optional.of(new AgentOutcome.BillingProblem(evidence));
    }
    if (status >= 500 && status <= 599) {
      return Optional.of(new AgentOutcome.Overloaded(evidence));
    }
    return Optional.empty();
  }

  /** The API error's {@code error.type}, one safe line, or empty. */
  static String type(byte[] body) {
    try {
      JsonNode root = Json.mapper().readTree(body);
      String type = root == null ? "" : root.path("error").path("type").asText("");
      return type.matches("[a-z_]{1,64}") ? type : Texts.escape(type, 64);
    } catch (IOException e) {
      return "";
    }
  }

  /** An error body in the API's shape. */
  static byte[] body(String type, String message) {
    ObjectNode root = Json.mapper().createObjectNode().put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }
}
