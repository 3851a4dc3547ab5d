package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.PullRequest;
import org.junit.jupiter.api.Test;

class ClosesTest {

  static PullRequest pr(String head, String body) {
    return new PullRequest(
        12,
        "t",
        body,
        true,
        true,
        false,
        head,
        "abc",
        "main",
        "https://x/pr/12",
        "hydra",
        "N",
        "",
        java.util.List.of());
  }

  @Test
  void theClosingKeywordsAreReadLikeTheForgeReadsThem() {
    assertThat(Closes.issues("Fixes #3, closes: #7 and resolved #9; see #11"))
        .containsExactly(3, 7, 9);
  }

  @Test
  void theLinkIsAppendedOnlyWhenMissing() {
    assertThat(Closes.appendTo("Body", 7)).isEqualTo("Body\n\nCloses #7");
    assertThat(Closes.appendTo("Fixes #7", 7)).isEqualTo("Fixes #7");
  }

  @Test
  void aPullRequestMatchesWhenBranchAndBodyNameTheSameIssue() {
    assertThat(Closes.mismatch(pr("hydra/7-widget", "Closes #7"))).isEmpty();
    assertThat(Closes.issueOf(pr("hydra/7-widget", "Closes #7"))).isEqualTo(7);
    assertThat(Closes.mismatch(pr("hydra/7-widget", "Closes #8")))
        .hasValueSatisfying(why -> assertThat(why).contains("(issue #7)", "closes #8"));
    assertThat(Closes.mismatch(pr("hydra/7-widget", "no link")))
        .hasValueSatisfying(why -> assertThat(why).contains("closes no issue"));
    assertThat(Closes.mismatch(pr("feature/x", "Closes #7")))
        .hasValueSatisfying(why -> assertThat(why).contains("is not a Hydra branch"));
  }
}
