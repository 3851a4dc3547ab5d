package dev.hydra.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class OutputScopeTest {

  static final OutputScope SCOPE = OutputScope.retry(Set.of("src/App.java"));

  static OutputFacts.Change change(@Nullable String oldPath, @Nullable String newPath) {
    return new OutputFacts.Change(oldPath, newPath, 0100644, 0100644, 10, List.of());
  }

  /** Commits newest first, as the facts hold them. */
  static OutputFacts facts(OutputFacts.Commit... commits) {
    return new OutputFacts(
        "hydra/7-a", List.of("refs/heads/hydra/7-a"), "b", "h", true, 10, List.of(commits));
  }

  static OutputFacts.Commit commit(String sha, String message, OutputFacts.Change... changes) {
    return new OutputFacts.Commit(sha, List.of("p"), List.of(message), List.of(changes));
  }

  @Test
  void changesToNamedFilesAndNewFilesPass() {
    OutputFacts facts =
        facts(
            commit("c2", "fix (retry): use the guard", change("src/Guard.java", "src/Guard.java")),
            commit(
                "c1",
                "fix (retry): parameterise",
                change("src/App.java", "src/App.java"),
                change(null, "src/Guard.java")));

    assertThat(SCOPE.problems(facts)).isEmpty();
  }

  @Test
  void anExistingFileNotNamedIsRefusedWhetherChangedDeletedOrRenamedAway() {
    OutputFacts facts =
        facts(
            commit(
                "c1",
                "fix (retry): more",
                change("src/Other.java", "src/Other.java"),
                change("src/Gone.java", null),
                change("src/Old.java", "src/New.java")));

    assertThat(SCOPE.problems(facts))
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith("`src/Other.java` is not one of the files"))
        .anySatisfy(p -> assertThat(p).startsWith("`src/Gone.java`"))
        .anySatisfy(p -> assertThat(p).startsWith("`src/Old.java`"));
  }

  @Test
  void aFileDeletedThenAddedAgainIsNotNew() {
    OutputFacts facts =
        facts(
            commit("c2", "fix (retry): back", change(null, "src/Other.java")),
            commit("c1", "fix (retry): away", change("src/Other.java", null)));

    assertThat(SCOPE.problems(facts)).singleElement().asString().startsWith("`src/Other.java`");
  }

  @Test
  void everyCommitNeedsThePrefix() {
    OutputFacts facts =
        facts(commit("c1", "fix: parameterise", change("src/App.java", "src/App.java")));

    assertThat(SCOPE.problems(facts))
        .containsExactly(
            "commit c1 does not start its message with `fix (retry):`; start every commit message"
                + " of this pass with it");
  }
}
