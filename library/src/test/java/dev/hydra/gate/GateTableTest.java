package dev.hydra.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.json.Json;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GateTableTest {

  static final Duration T = Duration.ofMillis(2500);
  final Gate runner = gate("hydra-gates", true);
  final Gate plain = gate("unit-tests", false);

  static Gate gate(String name, boolean runner) {
    return new Gate(
        name,
        List.of("run"),
        Optional.empty(),
        Duration.ofMinutes(1),
        GateScope.FULL,
        List.of(),
        runner);
  }

  @Test
  void aPlainGatePassesOnExitZeroOnly() {
    assertThat(GateTable.plain(plain, 0, false, T, "ok").status()).isEqualTo(GateStatus.PASS);
    GateResult failed = GateTable.plain(plain, 3, false, T, "boom");
    assertThat(failed.status()).isEqualTo(GateStatus.FAIL);
    assertThat(failed.reason()).isEqualTo("exit code 3");
    GateResult late = GateTable.plain(plain, 0, true, Duration.ofSeconds(61), "");
    assertThat(late.status()).isEqualTo(GateStatus.FAIL);
    assertThat(late.reason()).isEqualTo("timed out after 61 s (limit 60 s)");
  }

  @Test
  void theRunnerContractIsReadGateByGate() {
    List<GateResult> results =
        RunnerContract.read(
            runner,
            1,
            false,
            T,
            List.of(
                "[gate-1] spdx-headers: PASS",
                "[gate-2] forbidden-patterns: FAIL — var_dump( in lib/A.php:3",
                "[gate-3] stub-scan: SKIPPED (structural)",
                "[gate-16] spec-coverage: NOT APPLICABLE"),
            "tail");

    assertThat(results)
        .extracting(GateResult::name, GateResult::status, GateResult::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "hydra-gates/gate-1 spdx-headers", GateStatus.PASS, ""),
            org.assertj.core.groups.Tuple.tuple(
                "hydra-gates/gate-2 forbidden-patterns",
                GateStatus.FAIL,
                "var_dump( in lib/A.php:3"),
            org.assertj.core.groups.Tuple.tuple(
                "hydra-gates/gate-3 stub-scan", GateStatus.SKIPPED, "structural"),
            org.assertj.core.groups.Tuple.tuple(
                "hydra-gates/gate-16 spec-coverage", GateStatus.SKIPPED, "not applicable"));
  }

  @Test
  void aRunnerWhoseExitCodeDisagreesFails() {
    List<GateResult> results =
        RunnerContract.read(runner, 0, false, T, List.of("[gate-1] a: FAIL — x"), "");

    assertThat(results)
        .last()
        .satisfies(
            r -> {
              assertThat(r.name()).isEqualTo("hydra-gates");
              assertThat(r.status()).isEqualTo(GateStatus.FAIL);
              assertThat(r.reason())
                  .isEqualTo(
                      "exit code 0 but 1 check(s) reported FAIL: the runner's result cannot be trusted");
            });
    assertThat(RunnerContract.read(runner, 2, false, T, List.of("[gate-1] a: PASS"), ""))
        .anyMatch(r -> r.failed() && r.reason().startsWith("exit code 2 but 0"));
  }

  @Test
  void aRunnerWithoutLinesOrThatCouldNotRunOrTimedOutNeverPasses() {
    assertThat(RunnerContract.read(runner, 0, false, T, List.of(), ""))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.reason())
                    .isEqualTo("the gate runner printed no [gate-N] line (exit code 0)"));
    assertThat(RunnerContract.read(runner, 99, false, T, List.of("[gate-1] a: PASS"), ""))
        .last()
        .satisfies(
            r -> assertThat(r.reason()).isEqualTo("the gate runner could not run (exit code 99)"));
    assertThat(
            RunnerContract.read(
                runner, 137, true, Duration.ofSeconds(61), List.of("[gate-1] a: PASS"), ""))
        .last()
        .satisfies(r -> assertThat(r.reason()).startsWith("timed out after 61 s"));
  }

  @Test
  void aCheckReportedTwiceKeepsItsWorseResult() {
    List<GateResult> results =
        RunnerContract.read(
            runner, 1, false, T, List.of("[gate-1] a: FAIL — x", "[gate-1] a: PASS"), "");
    assertThat(results).singleElement().satisfies(r -> assertThat(r.failed()).isTrue());
  }

  @Test
  void theOutputIsMaskedBoundedAndItsContractLinesKept() {
    String token = "gh" + "p_" + "A".repeat(36);
    GateOutput output = new GateOutput(SecretMasker.of(List.of(Secret.of("test", token))));
    output.accept("leaked " + token);
    output.accept("[gate-1] a: PASS");
    for (int i = 0; i < GateOutput.TAIL_LINES; i++) {
      output.accept("line " + i + " " + "x".repeat(GateOutput.MAX_LINE));
    }

    assertThat(output.report()).doesNotContain(token).doesNotContain("leaked").contains("…(cut)");
    assertThat(output.report().lines()).hasSize(GateOutput.TAIL_LINES);
    assertThat(output.contractLines()).containsExactly("[gate-1] a: PASS");
    GateOutput first = new GateOutput(SecretMasker.of(List.of(Secret.of("test", token))));
    first.accept("leaked " + token);
    assertThat(first.report()).isEqualTo("leaked ***");
  }

  @Test
  void theMarkdownTableEscapesUntrustedNamesAndReasons() {
    GateTable table =
        new GateTable(
            List.of(
                new GateResult("unit-tests", GateStatus.PASS, T, "", ""),
                new GateResult("h/gate-2 a|b`c", GateStatus.FAIL, T, "line\n::error::x | y", "")),
            "2 gates declared in .hydra/gates.yml");

    assertThat(table.markdown())
        .isEqualTo(
            """
            | Gate | Result | Time | Detail |
            |---|---|---|---|
            | `unit-tests` | ✅ PASS | 2.5 s |  |
            | `h/gate-2 a\\|b\\u0060c` | ❌ FAIL | 2.5 s | line\\u000A::error::x \\| y |
            """);
    assertThat(table.passed()).isFalse();
    assertThat(table.failures()).hasSize(1);
    assertThat(
            new GateTable(List.of(), "no gates declared (.hydra/gates.yml not found)").markdown())
        .isEqualTo("_no gates declared (.hydra/gates.yml not found)_\n");
  }

  @Test
  void theJsonCarriesEveryGateForTheRunRecord() throws Exception {
    GateTable table =
        new GateTable(
            List.of(
                new GateResult("unit-tests", GateStatus.PASS, T, "", "ok"),
                new GateResult("lint", GateStatus.FAIL, T, "exit code 1", "a\nb\u202e")),
            "2 gates declared");

    JsonNode json = Json.mapper().readTree(table.json());
    assertThat(json.get("passed").booleanValue()).isFalse();
    assertThat(json.get("gates")).hasSize(2);
    assertThat(json.get("gates").get(1).get("status").textValue()).isEqualTo("FAIL");
    assertThat(json.get("gates").get(1).get("seconds").doubleValue()).isEqualTo(2.5);
    assertThat(json.get("gates").get(1).get("report").textValue()).isEqualTo("a\nb\\u202E");
  }
}
