package dev.hydra.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamJsonClassifierTest {

  static List<String> fixture(String name) {
    try (InputStream in = StreamJsonClassifierTest.class.getResourceAsStream(name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static AgentOutcome classify(String fixture, int exitCode) {
    StreamJsonClassifier c = new StreamJsonClassifier();
    fixture(fixture).forEach(c::accept);
    return c.outcome(exitCode);
  }

  @Test
  void successWithAResultCompletes() {
    AgentOutcome o = classify("success.jsonl", 0);
    assertThat(o).isEqualTo(new AgentOutcome.Completed(12, 0.4213));
  }

  @Test
  void limitMessagesQuotedByTheModelDoNotCount() {
    // success.jsonl contains an assistant message quoting both old limit messages.
    assertThat(classify("success.jsonl", 0)).isInstanceOf(AgentOutcome.Completed.class);
  }

  @Test
  void rejectedRateLimitIsAnAccountLimitWithItsReset() {
    AgentOutcome o = classify("rejected.jsonl", 1);
    assertThat(o).isInstanceOf(AgentOutcome.AccountLimit.class);
    assertThat(((AgentOutcome.AccountLimit) o).reset()).contains(Instant.ofEpochSecond(1795338000));
  }

  @Test
  void allowedWarningAndRejectedOverageAreInformational() {
    assertThat(classify("allowed-warning.jsonl", 0)).isInstanceOf(AgentOutcome.Completed.class);
  }

  @Test
  void overloadIsNotARateLimit() {
    assertThat(classify("overloaded.jsonl", 1)).isInstanceOf(AgentOutcome.Overloaded.class);
  }

  @Test
  void unauthorizedIsABadCredentialNotARateLimit() {
    AgentOutcome o = classify("unauthorized.jsonl", 1);
    assertThat(o).isInstanceOf(AgentOutcome.BadCredential.class);
    assertThat(o.describe()).contains("not a rate limit");
  }

  @Test
  void maxTurnsIsABudgetFailure() {
    assertThat(classify("max-turns.jsonl", 1))
        .isEqualTo(new AgentOutcome.BudgetExhausted("error_max_turns", 80));
  }

  @Test
  void successWithAnEmptyResultIsAFailure() {
    assertThat(classify("empty-result.jsonl", 0))
        .isInstanceOf(AgentOutcome.Failed.class)
        .extracting(AgentOutcome::describe)
        .asString()
        .contains("empty result");
  }

  @Test
  void aRateLimitEventSplicedIntoAnotherLineIsRecovered() {
    AgentOutcome o = classify("spliced.jsonl", 137);
    assertThat(o).isInstanceOf(AgentOutcome.AccountLimit.class);
    assertThat(((AgentOutcome.AccountLimit) o).reset()).contains(Instant.ofEpochSecond(1795341600));
  }

  @Test
  void noResultAtAllIsAFailureThatNamesTheExitCode() {
    assertThat(classify("killed.jsonl", 137).describe())
        .contains("no result")
        .contains("137")
        .contains("out of memory or timeout");
  }

  @Test
  void legacyTextFormatsAreRecognisedAsAFallback() {
    AgentOutcome epoch = classify("legacy-limit.txt", 1);
    assertThat(epoch).isInstanceOf(AgentOutcome.AccountLimit.class);
    assertThat(((AgentOutcome.AccountLimit) epoch).reset())
        .contains(Instant.ofEpochSecond(1795338000));

    StreamJsonClassifier c = new StreamJsonClassifier();
    c.accept("You've hit your limit · resets 1am (Europe/Oslo)");
    assertThat(c.outcome(1)).isInstanceOf(AgentOutcome.AccountLimit.class);

    StreamJsonClassifier overload = new StreamJsonClassifier();
    overload.accept("Server is temporarily limiting requests (not your usage limit)");
    assertThat(overload.outcome(1)).isInstanceOf(AgentOutcome.Overloaded.class);
  }

  @Test
  void garbageNeverThrows() {
    StreamJsonClassifier c = new StreamJsonClassifier();
    for (String line :
        List.of(
            "",
            "{",
            "{\"type\":",
            "[1,2]",
            "\u0000\u0001",
            "{\"type\":\"result\"}",
            "x".repeat(100_000))) {
      c.accept(line);
    }
    assertThat(c.outcome(0)).isInstanceOf(AgentOutcome.Failed.class);
  }
}
