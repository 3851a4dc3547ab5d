package dev.hydra.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForgeEventTest {

  static final RepoRef REPO = RepoRef.parse("octo/hello");
  static final ForgeEvent.Origin ORIGIN = new ForgeEvent.Origin(REPO, "main", "mona", true);
  static final Issue ISSUE = new Issue(7, "t", "", true, "mona", List.of(), false);
  static final PullRequest PR =
      new PullRequest(
          8, "t", "", true, true, false, "hydra/7-t", "abc", "main", "", "", "", "", List.of());

  @Test
  void anIssuesEventNormalisesTheActionAndKeepsThePayloadsWord() {
    ForgeEvent event = ForgeEvent.ofIssue(ORIGIN, "label_updated", "ready-to-build", ISSUE);

    assertThat(event.name()).isEqualTo(EventName.ISSUES);
    assertThat(event.action()).isEqualTo(EventAction.LABELED);
    assertThat(event.describe()).isEqualTo("issues.label_updated");
    assertThat(event.issueSnapshot()).contains(ISSUE);
    assertThat(event.pullRequestSnapshot()).isEmpty();
    assertThat(event.changedLabel()).contains("ready-to-build");
  }

  @Test
  void theOriginAnswersForTheEvent() {
    ForgeEvent event = ForgeEvent.ofPullRequest(ORIGIN, "opened", null, PR);

    assertThat(event.repository()).isEqualTo(REPO);
    assertThat(event.defaultBranch()).isEqualTo("main");
    assertThat(event.sender()).isEqualTo("mona");
    assertThat(event.senderBot()).isTrue();
    assertThat(event.action()).isEqualTo(EventAction.OPENED);
    assertThat(event.pullRequestSnapshot()).contains(PR);
  }

  @Test
  void eventsWithoutAnActionCarryOnlyTheirRef() {
    assertThat(ForgeEvent.push(ORIGIN, "refs/heads/main"))
        .returns(EventName.PUSH, ForgeEvent::name)
        .returns(EventAction.NONE, ForgeEvent::action)
        .returns("push", ForgeEvent::describe);
    assertThat(ForgeEvent.workflowDispatch(ORIGIN, null).gitRef()).isEmpty();
    assertThat(ForgeEvent.schedule(ORIGIN, null).name()).isEqualTo(EventName.SCHEDULE);
  }

  @Test
  void anIssueOrPullRequestComesOnlyWithItsOwnEvent() {
    assertThatThrownBy(
            () -> new ForgeEvent(EventName.PUSH, "", ORIGIN, null, ISSUE, null, "refs/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issue");
    assertThatThrownBy(
            () -> new ForgeEvent(EventName.ISSUES, "opened", ORIGIN, null, ISSUE, PR, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pull request");
  }

  @Test
  void numbersArePositive() {
    assertThatThrownBy(() -> new Issue(0, "t", "", true, "mona", List.of(), false))
        .hasMessage("issue number must be positive, got 0");
    assertThatThrownBy(
            () ->
                new PullRequest(
                    0, "", "", true, false, false, "", "", "", "", "", "", "", List.of()))
        .hasMessage("pull request number must be positive, got 0");
  }
}
