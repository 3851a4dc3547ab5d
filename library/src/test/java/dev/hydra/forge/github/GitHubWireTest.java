package dev.hydra.forge.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kohsuke.github.GHPullRequestReviewEvent;

class GitHubWireTest {

  @ParameterizedTest
  @CsvSource({
    "admin, ADMIN",
    "maintain, MAINTAIN",
    "write, WRITE",
    "triage, TRIAGE",
    "read, READ",
    "none, NONE",
    "owner, NONE",
    "'', NONE"
  })
  void legacyPermissionWords(String word, Permission expected) {
    assertThat(GitHubWire.permission(word)).isEqualTo(expected);
  }

  @Test
  void noPermissionIsNone() {
    assertThat(GitHubWire.permission(null)).isEqualTo(Permission.NONE);
  }

  static GitHubWire.IssueEvent event(String what, String who, String label) {
    return new GitHubWire.IssueEvent(
        what, new GitHubWire.User(who), new GitHubWire.LabelName(label), "2026-11-20T09:00:00Z");
  }

  @Test
  void lastLabeledIgnoresRemovalsOtherLabelsAndUnreadableTimes() {
    List<GitHubWire.IssueEvent> events =
        List.of(
            event("labeled", "alice", "ready-to-build"),
            event("unlabeled", "bob", "ready-to-build"),
            event("labeled", "carol", "yolo"),
            new GitHubWire.IssueEvent("closed", new GitHubWire.User("dave"), null, null),
            new GitHubWire.IssueEvent(
                "labeled", new GitHubWire.User("eve"), new GitHubWire.LabelName("yolo"), "soon"));
    assertThat(GitHubWire.lastLabeled(events, "ready-to-build"))
        .contains(LabelEvent.byUser("alice", Instant.parse("2026-11-20T09:00:00Z")));
    assertThat(GitHubWire.lastLabeled(events, "yolo").map(LabelEvent::actor))
        .as("an event without a readable time is skipped")
        .contains("carol");
    assertThat(GitHubWire.lastLabeled(events, "done")).isEmpty();
  }

  @Test
  void nextLinks() {
    assertThat(
            GitHubWire.nextLink(
                "<https://api.github.com/x?page=1>; rel=\"prev\","
                    + " <https://api.github.com/x?page=3>; rel=\"next\","
                    + " <https://api.github.com/x?page=9>; rel=\"last\""))
        .contains("https://api.github.com/x?page=3");
    assertThat(GitHubWire.nextLink("<https://api.github.com/x?page=1>; rel=\"prev\"")).isEmpty();
    assertThat(GitHubWire.nextLink(null)).isEmpty();
  }

  @Test
  void headOfTheRepositoryItself() {
    GitHubWire.PullRequestItem fromFork =
        new GitHubWire.PullRequestItem(
            3,
            null,
            "t",
            null,
            "open",
            false,
            null,
            new GitHubWire.Branch("hydra/7-x", "abc", new GitHubWire.Repo("mallory/demo")),
            null,
            null,
            null);
    assertThat(fromFork.isHeadIn(RepoRef.of("hydra-org", "demo"), "hydra/7-x")).isFalse();
  }

  @Test
  void reviewEventsAreGitHubsWords() {
    assertThat(GitHubForge.event(Review.Event.COMMENT)).isEqualTo(GHPullRequestReviewEvent.COMMENT);
    assertThat(GitHubForge.event(Review.Event.REQUEST_CHANGES))
        .isEqualTo(GHPullRequestReviewEvent.REQUEST_CHANGES);
    assertThat(GitHubForge.event(Review.Event.APPROVE)).isEqualTo(GHPullRequestReviewEvent.APPROVE);
  }
}
