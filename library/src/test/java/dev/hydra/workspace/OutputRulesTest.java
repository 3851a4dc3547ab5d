package dev.hydra.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.secret.SecretMasker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure rules, on records: what the integration test cannot build easily. */
class OutputRulesTest {

  static final String BASE = "b".repeat(40);

  static OutputFacts facts(OutputFacts.Change change) {
    return new OutputFacts(
        "hydra/1-x",
        List.of("refs/heads/hydra/1-x"),
        BASE,
        "c".repeat(40),
        true,
        100,
        List.of(
            new OutputFacts.Commit(
                "c".repeat(40), List.of(BASE), List.of("msg"), List.of(change))));
  }

  @Test
  void aSubmoduleChangeIsRejected() {
    OutputFacts.Change gitlink =
        new OutputFacts.Change(null, "vendor/lib", 0, OutputRules.GITLINK, 0, List.of());

    assertThat(OutputRules.problems(facts(gitlink), OutputLimits.defaults(), SecretMasker.NONE))
        .singleElement()
        .asString()
        .contains("submodule `vendor/lib`");
  }

  @Test
  void anOrdinaryChangePassesAndOnlyTopLevelProtectedFoldersCount() {
    OutputFacts.Change ok =
        new OutputFacts.Change("src/a.txt", "src/a.txt", 0100644, 0100644, 3, List.of());

    assertThat(OutputRules.problems(facts(ok), OutputLimits.defaults(), SecretMasker.NONE))
        .isEmpty();
    assertThat(OutputRules.isProtected(".GITHUB/workflows/x.yml")).isTrue();
    assertThat(OutputRules.isProtected(".forgejo")).isTrue();
    assertThat(OutputRules.isProtected("docs/.github/x")).isFalse();
    assertThat(OutputRules.isProtected(".githubx/y")).isFalse();
  }
}
