package dev.hydra.agent;

import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Classifies how a Claude Code run ended from its {@code --output-format stream-json} lines.
 *
 * <p>The structured fields decide (security-anchors §4.7): the final {@code result} event's {@code
 * subtype}, {@code is_error} and {@code api_error_status}, and {@code rate_limit_event}s whose
 * {@code rate_limit_info.status} is exactly {@code rejected}. {@code allowed_warning}, and {@code
 * allowed} with a rejected overage, are informational. The human-readable limit messages have
 * changed at least four times, so they are only a fallback when there is no structured signal.
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
              + "|invalid bearer token)");

  private @Nullable Map<?, ?> result;
  private @Nullable Instant rejectedResetsAt;
  private boolean rejected;
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
    if (rejected) {
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
    int apiStatus = number(r.get("api_error_status")).intValue();
    String resultText = text(r.get("result"));

    if (subtype.equals("error_max_turns") || subtype.equals("error_max_budget_usd")) {
      return new AgentOutcome.BudgetExhausted(subtype, turns);
    }
    if (apiStatus == 429 || (rejected && (isError || resultText.isBlank()))) {
      return new AgentOutcome.AccountLimit(
          rejectedResetsAt,
          apiStatus == 429 ? "api_error_status 429" : "rate_limit_event status rejected");
    }
    if (apiStatus == 529) {
      return new AgentOutcome.Overloaded("api_error_status 529");
    }
    if (apiStatus == 401 || apiStatus == 403) {
      return new AgentOutcome.BadCredential("api_error_status " + apiStatus);
    }
    if (isError) {
      if (limitText != null && apiStatus == 0) {
        return new AgentOutcome.AccountLimit(limitTextReset, "message " + Texts.quote(limitText));
      }
      if (authText != null && apiStatus == 0) {
        return new AgentOutcome.BadCredential("message " + Texts.quote(authText));
      }
      String why =
          subtype.isEmpty() || subtype.equals("success")
              ? (apiStatus != 0 ? "API error " + apiStatus : "result marked is_error")
              : subtype;
      return new AgentOutcome.Failed(
          why + (resultText.isBlank() ? "" : ": " + Texts.escape(resultText, 200)));
    }
    if (!subtype.equals("success")) {
      return new AgentOutcome.Failed("result subtype " + Texts.quote(subtype));
    }
    if (resultText.isBlank()) {
      // Claude Code has reported success with an empty result when the overage was rejected.
      return new AgentOutcome.Failed(
          "the agent reported success with an empty result (exit code " + exitCode + ")");
    }
    return new AgentOutcome.Completed(turns, cost);
  }

  private void onEvent(Map<?, ?> event) {
    String type = text(event.get("type"));
    if (type.equals("result")) {
      result = event;
    } else if (type.equals("rate_limit_event")) {
      onRateLimit(event);
    } else if (type.equals("assistant") || type.equals("user") || type.equals("system")) {
      // Tool output and model text can quote anything, including limit messages: only the
      // structured events above decide. Nothing to record.
      return;
    }
  }

  private void onRateLimit(Map<?, ?> event) {
    if (!(event.get("rate_limit_info") instanceof Map<?, ?> info)) {
      return;
    }
    if (!"rejected".equals(info.get("status"))) {
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
