package dev.hydra.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GateFileTest {

  static final String EXAMPLE =
      """
      version: 1
      gates:
        - name: unit-tests
          command: [./mvnw, -q, test]
          image: maven:3-eclipse-temurin-21
          timeout: 15m
        - name: lint
          command: ./bin/lint --changed "$(cat "$HYDRA_GATE_CHANGED_FILES")"
          scope: diff
        - name: hydra-gates
          command: [./scripts/run-hydra-gates.sh]
          runner: true
          timeout: PT1M30S
      """;

  @Test
  void readsEveryFieldAndItsDefault() throws Exception {
    GateFile file = GateFile.parse(EXAMPLE);

    assertThat(file.found()).isTrue();
    assertThat(file.note()).isEqualTo("3 gates declared in .hydra/gates.yml");
    Gate unit = file.gates().get(0);
    assertThat(unit.name()).isEqualTo("unit-tests");
    assertThat(unit.command()).containsExactly("./mvnw", "-q", "test");
    assertThat(unit.image())
        .hasValueSatisfying(i -> assertThat(i.toString()).isEqualTo("maven:3-eclipse-temurin-21"));
    assertThat(unit.timeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(unit.scope()).isEqualTo(GateScope.FULL);
    assertThat(unit.runner()).isFalse();
    Gate lint = file.gates().get(1);
    assertThat(lint.command())
        .containsExactly(
            "/bin/sh", "-c", "./bin/lint --changed \"$(cat \"$HYDRA_GATE_CHANGED_FILES\")\"");
    assertThat(lint.image()).isEmpty();
    assertThat(lint.timeout()).isEqualTo(Gate.DEFAULT_TIMEOUT);
    assertThat(lint.scope()).isEqualTo(GateScope.DIFF);
    Gate runner = file.gates().get(2);
    assertThat(runner.runner()).isTrue();
    assertThat(runner.timeout()).isEqualTo(Duration.ofSeconds(90));
  }

  @ParameterizedTest
  @CsvSource({"90s,90", "5m,300", "2h,7200", "PT1M30S,90", "1s,1"})
  void timeoutsInShortFormOrIso(String text, long seconds) throws Exception {
    Gate gate = GateFile.parse(one("timeout: " + text)).gates().get(0);
    assertThat(gate.timeout()).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @CsvSource({
    "90x,is not a duration",
    "90,a number",
    "3h,is out of range",
    "PT0S,is out of range",
    "0s,is not a duration",
    "P1D,is not a duration"
  })
  void badTimeoutsNameTheGateAndTheFix(String text, String what) {
    assertThatThrownBy(() -> GateFile.parse(one("timeout: " + text)))
        .isInstanceOf(GateFileException.class)
        .hasMessageContaining(".hydra/gates.yml: gate 1 (`check`): field `timeout`")
        .hasMessageContaining(what)
        .hasMessageContaining("write it as 90s, 5m, 1h or ISO-8601 (PT5M), from 1s to 2h");
  }

  @Test
  void everyProblemIsReportedWithTheGateItsFieldAndTheFix() {
    String text =
        """
        version: 1
        colour: blue
        gates:
          - name: a
            command: [make]
            scope: partial
            extra: 1
          - command: [make]
          - name: b
          - name: a
            command: make
          - name: c
            command: [make, 3]
          - name: d
            command: [make]
            image: "maven: 3"
          - name: e
            command: 42
          - name: f
            command: [make]
            runner: "yes"
        """;
    assertThatThrownBy(() -> GateFile.parse(text))
        .isInstanceOf(GateFileException.class)
        .hasMessageContaining(
            ".hydra/gates.yml: unknown key `colour`; remove it or use one of version, gates")
        .hasMessageContaining(
            ".hydra/gates.yml: gate 1 (`a`): unknown key `extra`; remove it or use one of name, command")
        .hasMessageContaining("gate 1 (`a`): field `scope` is `partial`; write `full` or `diff`")
        .hasMessageContaining("gate 2: field `name` is missing; give the gate a name")
        .hasMessageContaining("gate 3 (`b`): field `command` is missing; write the command")
        .hasMessageContaining(
            "gate 4: field `name`: `a` is also the name of gate 1; give each gate its own name")
        .hasMessageContaining(
            "gate 5 (`c`): field `command`: item 2 is a number; every item must be a string")
        .hasMessageContaining(
            "gate 6 (`d`): field `image` `maven: 3` contains white space; remove it")
        .hasMessageContaining(
            "gate 7 (`e`): field `command` is a number; write a string (run by /bin/sh -c) or a list")
        .hasMessageContaining("gate 8 (`f`): field `runner` is `yes`; write `true` or `false`");
  }

  @Test
  void tooManyGatesAreRefused() {
    StringBuilder text = new StringBuilder("version: 1\ngates:\n");
    for (int i = 0; i <= GateFile.MAX_GATES; i++) {
      text.append("  - {name: g").append(i).append(", command: [true]}\n");
    }
    assertThatThrownBy(() -> GateFile.parse(text.toString()))
        .hasMessageContaining("`gates` lists 51 gates, more than 50; merge some");
  }

  @Test
  void theVersionIsRequiredAndOnlyOneIsRead() {
    assertThatThrownBy(() -> GateFile.parse("gates: []\n"))
        .hasMessage(".hydra/gates.yml: `version` is missing; add `version: 1`");
    assertThatThrownBy(() -> GateFile.parse("version: 2\ngates: []\n"))
        .hasMessageContaining("`version` is a number `2`; this Hydra reads `version: 1` only");
  }

  @Test
  void notYamlEmptyAndDuplicateKeysAreRefused() {
    assertThatThrownBy(() -> GateFile.parse("version: [1\n"))
        .hasMessage(
            ".hydra/gates.yml is not valid YAML (while parsing a flow sequence at line 1, column"
                + " 10 expected ',' or ']', but got <stream end>); fix its syntax");
    assertThatThrownBy(() -> GateFile.parse(""))
        .hasMessage(
            ".hydra/gates.yml is empty; write `version: 1` and a `gates:` list, or delete the file");
    assertThatThrownBy(() -> GateFile.parse("- a\n")).hasMessageContaining("is not a mapping");
    assertThatThrownBy(() -> GateFile.parse("version: 1\nversion: 1\n"))
        .hasMessageContaining("is not valid YAML")
        .hasMessageContaining("version");
  }

  @Test
  void registriesAreHostNames() throws Exception {
    Gate gate =
        GateFile.parse(one("registries: [repo.maven.apache.org, \"registry.local:5000\"]"))
            .gates()
            .get(0);
    assertThat(gate.registries()).containsExactly("repo.maven.apache.org", "registry.local:5000");
    assertThatThrownBy(() -> GateFile.parse(one("registries: [\"https://x\"]")))
        .hasMessageContaining(
            "gate 1 (`check`): field `registries`: `https://x` is not a host name");
  }

  @Test
  void noGatesIsNotAnError() throws Exception {
    assertThat(GateFile.parse("version: 1\n").gates()).isEmpty();
    assertThat(GateFile.parse("version: 1\ngates: []\n").note())
        .isEqualTo("no gates declared (.hydra/gates.yml lists none)");
  }

  @Test
  void anAbsentFileDeclaresNoGates(@TempDir Path root) throws Exception {
    GateFile file = GateFiles.read(root);

    assertThat(file).isEqualTo(GateFile.absent());
    assertThat(file.note()).isEqualTo("no gates declared (.hydra/gates.yml not found)");
  }

  @Test
  void theFileIsReadFromTheCheckout(@TempDir Path root) throws Exception {
    Files.createDirectory(root.resolve(".hydra"));
    Files.writeString(root.resolve(GateFile.PATH), EXAMPLE);

    assertThat(GateFiles.read(root).gates())
        .extracting(Gate::name)
        .containsExactly("unit-tests", "lint", "hydra-gates");
  }

  @Test
  void aLinkIsNeverFollowed(@TempDir Path root) throws Exception {
    Path elsewhere = Files.writeString(root.resolve("elsewhere.yml"), EXAMPLE);
    Files.createDirectory(root.resolve(".hydra"));
    Files.createSymbolicLink(root.resolve(GateFile.PATH), elsewhere);

    assertThatThrownBy(() -> GateFiles.read(root))
        .isInstanceOf(GateFileException.class)
        .hasMessage(".hydra/gates.yml is a link or not a regular file; commit it as a plain file");
  }

  @Test
  void aFileThatIsNotUtf8IsRefused(@TempDir Path root) throws Exception {
    Files.createDirectory(root.resolve(".hydra"));
    Files.write(root.resolve(GateFile.PATH), new byte[] {'v', (byte) 0xff, '\n'});

    assertThatThrownBy(() -> GateFiles.read(root))
        .hasMessage(".hydra/gates.yml is not UTF-8; save it as UTF-8");
  }

  @Test
  void duplicateNamesNeverBothRun() {
    assertThatThrownBy(
            () ->
                GateFile.parse(
                    "version: 1\ngates:\n  - {name: x, command: a}\n  - {name: x, command: b}\n"))
        .hasMessageContaining("gate 2: field `name`: `x` is also the name of gate 1");
  }

  private static String one(String field) {
    return "version: 1\ngates:\n  - name: check\n    command: [make, check]\n    " + field + "\n";
  }
}
