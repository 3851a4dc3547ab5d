package dev.hydra.secret;

import static dev.hydra.secret.Encodings.base64;
import static dev.hydra.secret.Encodings.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.TestTokens;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkflowCommandsTest {

  static final String TOKEN = TestTokens.github(31);
  static final String SPECIAL = TestTokens.special(32);

  @Test
  void registersTheRawTokenFirstAndTheBasicAuthCredentialOfActionsCheckout() {
    List<String> lines = WorkflowCommands.addMaskLines(List.of(Secret.of("b", TOKEN)));
    assertThat(lines.get(0)).isEqualTo("::add-mask::" + TOKEN);
    assertThat(lines)
        .contains("::add-mask::" + base64(utf8("x-access-token:" + TOKEN)).replace("=", ""))
        .allSatisfy(line -> assertThat(line).startsWith("::add-mask::").doesNotContain("\n", "\r"))
        .doesNotHaveDuplicates();
  }

  @Test
  void registersEveryFormTheMaskerMasksSoTheRunnerLogMasksAsMuch() {
    List<String> lines = WorkflowCommands.addMaskLines(List.of(Secret.of("b", TOKEN)));
    for (SecretForms.Form form : SecretForms.of(TOKEN)) {
      assertThat(lines).contains("::add-mask::" + form.text());
    }
  }

  @Test
  void percentSignsAreEscapedAndAlsoRegisteredRaw() {
    String token = TestTokens.issue("abc%0Adef%25ghi");
    List<String> lines = WorkflowCommands.addMaskLines(List.of(Secret.of("p", token)));
    assertThat(lines).startsWith("::add-mask::abc%250Adef%2525ghi", "::add-mask::" + token);
  }

  @Test
  void severalSecretsShareNoLine() {
    List<String> lines =
        WorkflowCommands.addMaskLines(List.of(Secret.of("a", TOKEN), Secret.of("b", SPECIAL)));
    assertThat(lines).contains("::add-mask::" + TOKEN).doesNotHaveDuplicates();
    assertThat(lines.stream().filter(l -> l.equals("::add-mask::" + SPECIAL.replace("%", "%25"))))
        .hasSize(1);
  }

  @Test
  void shortSecretsAreRefusedAsByTheMasker() {
    assertThatThrownBy(() -> WorkflowCommands.addMaskLines(List.of(Secret.of("x", "1234567"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret x has 7 characters");
  }

  @Test
  void stopCommandsUseAFreshUnguessableToken() {
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      StopCommands stop = WorkflowCommands.stopCommands();
      assertThat(stop.token()).matches("[0-9a-f]{32}");
      assertThat(stop.stopLine()).isEqualTo("::stop-commands::" + stop.token());
      assertThat(stop.resumeLine()).isEqualTo("::" + stop.token() + "::");
      tokens.add(stop.token());
    }
    assertThat(tokens).hasSize(100);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abc",
        "0123456789abcdef0123456789abcde",
        "0123456789ABCDEF0123456789ABCDEF",
        "pause"
      })
  void weakStopTokensAreRefused(String token) {
    assertThatThrownBy(() -> new StopCommands(token)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A model of the runner's rule (github/docs, workflow commands): after {@code ::stop-commands::T}
   * no command runs until a line {@code ::T::}.
   */
  @Test
  void untrustedLinesBetweenStopAndResumeCannotRunCommands() {
    StopCommands stop = WorkflowCommands.stopCommands();
    List<String> log =
        List.of(
            stop.stopLine(),
            "::add-mask::harmless",
            "::error file=x::owned",
            "::stop-commands::attacker",
            "::attacker::",
            "::set-output name=x::y",
            stop.resumeLine(),
            "::group::ours");
    List<String> run = new java.util.ArrayList<>();
    String stoppedBy = null;
    for (String line : log) {
      if (stoppedBy != null) {
        if (line.equals("::" + stoppedBy + "::")) {
          stoppedBy = null;
        }
      } else if (line.startsWith("::stop-commands::")) {
        stoppedBy = line.substring("::stop-commands::".length());
      } else if (line.startsWith("::")) {
        run.add(line);
      }
    }
    assertThat(run).containsExactly("::group::ours");
  }
}
