package dev.hydra.agent;

import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Classifies how a Claude Code run ended from its {@code --output-format stream-json} lines.
 *
 * <p>The structured fields decide (security-anchors §4.7), checked against recordings of the real
 * CLI ({@code ClaudeCliRecordingTest}). When the final {@code result} event says the run failed,
 * the API error decides: the CLI's own error kind ({@code error} on the assistant message it prints
 * for an API error: {@code rate_limit}, {@code authentication_failed}, {@code server_error}, {@code
 * billing_error}, …), else the result's {@code api_error_status}, else its {@code api_error_type}.
 * A 429 is an account limit; 401/403 and "Not logged in" are a refused token; 529 and other 5xx are
 * the provider's trouble, retried on the same token.
 *
 * <p>A {@code rate_limit_event} with status {@code rejected} is not an error: while a
 * subscription's window is spent and extra usage pays ({@code isUsingOverage}, {@code
 * overageStatus} {@code allowed}), the CLI prints one on every successful turn. It only supplies
 * the reset time of a limit, and decides alone only when no extra usage is paying and there is no
 * API error to decide: no result at all, or a "successful" result with an empty text (a known CLI
 * defect). {@code allowed_warning}, and {@code allowed} with a rejected overage, are informational.
 * The human-readable limit messages have changed at least four times, so they are only a fallback
 * when there is no structured signal.
 *
 * <p>Feed every stdout line to {@link #accept}, then call {@link #outcome}. Lines that are not JSON
 * are tolerated: Claude Code once spliced a {@code rate_limit_event} into the middle of another
 * event's line, so a broken line is searched for an embedded event before it is ignored.
 */
public final class StreamJsonClassifier {

  private static final String SPLICE_MARK = "{\"type\":\"rate_limit_event\"";

  // Fallback patterns for the text forms of the usage-limit message seen across versions.
  private static final Pattern LIMIT_WITH_EPOCH =
      Pattern.compile("Claude AI usage limit reached\\|(\\d{9,11})");
  private static final Pattern LIMIT_TEXT =
      Pattern.compile(
          "(?i)(usage limit reached|you've hit your (session |weekly )?limit|limit reached\\s*[·∙-]"
              + "\\s*resets|api error: rate limit reached|request rejected \\(429\\)"
              + "|\"type\":\"rate_limit_error\")");
  private static final Pattern OVERLOAD_TEXT =
      Pattern.compile("(?i)(overloaded_error|not your usage limit|\\b529\\b.*overloaded)");
  private static final Pattern AUTH_TEXT =
      Pattern.compile(
          "(?i)(authentication_error|invalid api key|oauth token has expired|please run /login"
              + "|invalid bearer token|not logged in)");

  // The CLI's error kinds and the API's error types are identifiers; anything else is dropped.
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** What an API error means for rotation. */
  private enum Kind {
    LIMIT,
    REFUSED,
    BILLING,
    PROVIDER
  }

  private @Nullable Map<?, ?> result;
  private @Nullable Map<?, ?> apiError;
  private @Nullable Instant rejectedResetsAt;
  private boolean rejected;
  private boolean overagePaying;
  private @Nullable String limitText;
  private @Nullable Instant limitTextReset;
  private @Nullable String overloadText;
  private @Nullable String authText;

  /** Reads one line of the agent's stdout. */
  public void accept(String line) {
    String trimmed = line.strip();
    if (trimmed.startsWith("{")) {
      Optional<Map<?, ?>> event = parse(trimmed);
      if (event.isPresent()) {
        onEvent(event.get());
        return;
      }
      int splice = trimmed.indexOf(SPLICE_MARK, 1);
      if (splice > 0) {
        recoverSplicedEvent(trimmed.substring(splice));
      }
      // A broken event line can hold any model or tool text; never read it as a message.
      return;
    }
    scanText(line);
  }

  /**
   * How the run ended.
   *
   * @param exitCode the agent process's exit code
   * @return the classified outcome
   */
  public AgentOutcome outcome(int exitCode) {
    Map<?, ?> r = result;
    if (r != null) {
      return fromResult(r, exitCode);
    }
    Map<?, ?> error = apiError;
    if (error != null) {
      String kind = identifier(error.get("error"));
      int status = number(error.get("api_error_status")).intValue();
      String type = identifier(error.get("api_error_type"));
      Optional<AgentOutcome> decided = decide(kind, status, type);
      if (decided.isPresent()) {
        return decided.get();
      }
    }
    if (limitRejected()) {
      return new AgentOutcome.AccountLimit(rejectedResetsAt, "rate_limit_event status rejected");
    }
    if (limitText != null) {
      return new AgentOutcome.AccountLimit(limitTextReset, "message " + Texts.quote(limitText));
    }
    if (authText != null) {
      return new AgentOutcome.BadCredential("message " + Texts.quote(authText));
    }
    if (overloadText != null) {
      return new AgentOutcome.Overloaded("message " + Texts.quote(overloadText));
    }
    return new AgentOutcome.Failed(
        "the agent printed no result (exit code " + exitCode + describeExit(exitCode) + ")");
  }

  private AgentOutcome fromResult(Map<?, ?> r, int exitCode) {
    String subtype = text(r.get("subtype"));
    boolean isError = Boolean.TRUE.equals(r.get("is_error"));
    int turns = number(r.get("num_turns")).intValue();
    double cost = number(r.get("total_cost_usd")).doubleValue();
    String resultText = text(r.get("result"));

    if (subtype.equals("error_max_turns") || subtype.equals("error_max_budget_usd")) {
      return new AgentOutcome.BudgetExhausted(subtype, turns);
    }
    if (isError) {
      Map<?, ?> error = apiError;
      String kind = error == null ? "" : identifier(error.get("error"));
      int status = number(r.get("api_error_status")).intValue();
      if (status == 0 && error != null) {
        status = number(error.get("api_error_status")).intValue();
      }
      String type = identifier(r.get("api_error_type"));
      Optional<AgentOutcome> decided = decide(kind, status, type);
      if (decided.isPresent()) {
        return decided.get();
      }
      if (limitText != null) {
        return new AgentOutcome.AccountLimit(limitTextReset, "message " + Texts.quote(limitText));
      }
      if (authText != null) {
        return new AgentOutcome.BadCredential("message " + Texts.quote(authText));
      }
      if (limitRejected() && resultText.isBlank()) {
        return new AgentOutcome.AccountLimit(rejectedResetsAt, "rate_limit_event status rejected");
      }
      String why =
          subtype.isEmpty() || subtype.equals("success")
              ? (status != 0 ? "API error " + status : "result marked is_error")
              : subtype;
      return new AgentOutcome.Failed(
          why + (resultText.isBlank() ? "" : ": " + Texts.escape(resultText, 200)));
    }
    if (!subtype.equals("success")) {
      return new AgentOutcome.Failed("result subtype " + Texts.quote(subtype));
    }
    if (resultText.isBlank()) {
      if (limitRejected()) {
        // Claude Code has reported success with an empty result when the limit was reached and
        // no extra usage was paying (anthropics/claude-code#38673).
        return new AgentOutcome.AccountLimit(
            rejectedResetsAt, "rate_limit_event status rejected, empty result");
      }
      return new AgentOutcome.Failed(
          "the agent reported success with an empty result (exit code " + exitCode + ")");
    }
    // A rejected rate_limit_event beside a real result means extra usage paid for the turn.
    return new AgentOutcome.Completed(turns, cost);
  }

  /**
   * What an API error means: the CLI's own error kind first, then the HTTP status, then the API's
   * error type; empty when none of them is known.
   */
  private Optional<AgentOutcome> decide(String kind, int status, String type) {
    Kind k = fromCliKind(kind);
    if (k == null) {
      k = fromStatus(status);
    }
    if (k == null) {
      k = fromApiType(type);
    }
    if (k == null) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    if (status != 0) {
      parts.add("api_error_status " + status);
    }
    if (!kind.isEmpty()) {
      parts.add(kind);
    } else if (!type.isEmpty()) {
      parts.add(type);
    }
    String evidence = String.join(", ", parts);
    return Optional.of(
        switch (k) {
          // The reset of the spent window, when the CLI reported one; extra usage that paid
          // before does not matter once a request is refused with 429.
          case LIMIT -> new AgentOutcome.AccountLimit(rejected ? rejectedResetsAt : null, evidence);
          case REFUSED -> new AgentOutcome.BadCredential(evidence);
          case BILLING -> new AgentOutcome.BillingProblem(evidence);
          case PROVIDER -> new AgentOutcome.Overloaded(evidence);
        });
  }

  private static @Nullable Kind fromCliKind(String kind) {
    return switch (kind) {
      case "rate_limit" -> Kind.LIMIT;
      case "authentication_failed",
          "oauth_org_not_allowed",
          "account_on_hold",
          "verification_required",
          "cloud_credential_error" ->
          Kind.REFUSED;
      case "billing_error" -> Kind.BILLING;
      case "server_error", "overloaded" -> Kind.PROVIDER;
      default -> null;
    };
  }

  private static @Nullable Kind fromStatus(int status) {
    if (status == 429) {
      return Kind.LIMIT;
    }
    if (status == 401 || status == 403) {
      return Kind.REFUSED;
    }
    if (status == 402) {
      return Kind.BILLING;
    }
    if (status >= 500 && status <= 599) {
      return Kind.PROVIDER;
    }
    return null;
  }

  private static @Nullable Kind fromApiType(String type) {
    return switch (type) {
      case "rate_limit_error" -> Kind.LIMIT;
      case "authentication_error", "permission_error" -> Kind.REFUSED;
      case "billing_error" -> Kind.BILLING;
      case "overloaded_error", "api_error" -> Kind.PROVIDER;
      default -> null;
    };
  }

  /** A rejected window counts as a limit only while no extra usage pays for the turns. */
  private boolean limitRejected() {
    return rejected && !overagePaying;
  }

  private void onEvent(Map<?, ?> event) {
    String type = text(event.get("type"));
    if (type.equals("result")) {
      result = event;
    } else if (type.equals("rate_limit_event")) {
      onRateLimit(event);
    } else if (type.equals("assistant")
        && Boolean.TRUE.equals(event.get("is_api_error_message"))
        && event.get("parent_tool_use_id") == null) {
      // The CLI's own record of an API error of the main loop (not of a subagent): its structured
      // fields (error kind, status, type) sit beside the message, never in model text. The last
      // one is the one that ended the run.
      apiError = event;
    }
    // Other events carry tool output and model text, which can quote anything, including limit
    // messages: only the structured events above decide.
  }

  private void onRateLimit(Map<?, ?> event) {
    if (!(event.get("rate_limit_info") instanceof Map<?, ?> info)) {
      return;
    }
    // The CLI prints an event whenever the limit state changes; the latest one is the state.
    String overageStatus = text(info.get("overageStatus"));
    overagePaying =
        Boolean.TRUE.equals(info.get("isUsingOverage"))
            || Boolean.TRUE.equals(info.get("overageInUse"))
            || overageStatus.equals("allowed")
            || overageStatus.equals("allowed_warning");
    if (!"rejected".equals(info.get("status"))) {
      rejected = false;
      rejectedResetsAt = null;
      return; // allowed, allowed_warning, or allowed with a rejected overage: informational
    }
    rejected = true;
    Number resets = number(info.get("resetsAt"));
    if (resets.longValue() > 0) {
      Instant at = Instant.ofEpochSecond(resets.longValue());
      if (rejectedResetsAt == null || at.isAfter(rejectedResetsAt)) {
        rejectedResetsAt = at;
      }
    }
  }

  // A rate_limit_event injected into another event's line (anthropics/claude-code#49640): parse
  // the shortest balanced object from the marker on. If even that fails, the line is ignored;
  // the final result event still decides.
  private void recoverSplicedEvent(String from) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < from.length(); i++) {
      char c = from.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        parse(from.substring(0, i + 1)).ifPresent(this::onEvent);
        return;
      }
    }
  }

  private void scanText(String line) {
    Matcher epoch = LIMIT_WITH_EPOCH.matcher(line);
    if (epoch.find()) {
      limitText = epoch.group();
      limitTextReset = Instant.ofEpochSecond(Long.parseLong(epoch.group(1)));
      return;
    }
    Matcher limit = LIMIT_TEXT.matcher(line);
    if (limit.find() && !line.toLowerCase(Locale.ROOT).contains("not your usage limit")) {
      limitText = limit.group();
    }
    Matcher overload = OVERLOAD_TEXT.matcher(line);
    if (overload.find()) {
      overloadText = overload.group();
    }
    Matcher auth = AUTH_TEXT.matcher(line);
    if (auth.find()) {
      authText = auth.group();
    }
  }

  private static Optional<Map<?, ?>> parse(String json) {
    try {
      return Json.lite().anyFrom(json) instanceof Map<?, ?> map
          ? Optional.of(map)
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String identifier(@Nullable Object value) {
    String s = text(value);
    return IDENTIFIER.matcher(s).matches() ? s : "";
  }

  private static String text(@Nullable Object value) {
    return value instanceof String s ? s : "";
  }

  private static Number number(@Nullable Object value) {
    return value instanceof Number n ? n : Integer.valueOf(0);
  }

  private static String describeExit(int exitCode) {
    return switch (exitCode) {
      case 137 -> ", killed: out of memory or timeout";
      case 143 -> ", terminated";
      default -> "";
    };
  }
}
