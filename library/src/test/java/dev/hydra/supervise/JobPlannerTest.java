package dev.hydra.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.Issue;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobPlannerTest {

  static final RepoRef REPO = RepoRef.of("acme", "app");
  final JobPlanner planner = new JobPlanner(LabelScheme.canonical());
  final JobPlanner prefixed = new JobPlanner(LabelScheme.of("p", LabelScheme.DEFAULT_TRIGGER));

  @ParameterizedTest(name = "{0} (sweep {1}) -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ready-to-build | false | BUILD",
        "ready-to-build bug | true | BUILD",
        "rebuild:queued | false | REBUILD",
        "rebuild:queued needs-input | false | REBUILD",
        "build:pass code-review:fail security-review:pass retry:queued | false | RETRY",
        "build:pass retry:queued needs-input | false | RETRY",
        "build:pass retry:pass retry:queued | true | RETRY",
        "build:pass retry:running | false | ''",
        "build:pass retry:running | true | RECONCILE",
        "build:pass retry:pass code-review:queued security-review:queued | false | REVIEWS",
        "build:pass code-review:queued security-review:queued | false | REVIEWS",
        "build:pass code-review:running security-review:queued | false | ''",
        "build:pass code-review:running security-review:queued | true | RECONCILE",
        "build:running | false | ''",
        "build:running | true | RECONCILE",
        "build:pass build:fail | true | RECONCILE",
        "done needs-input | true | RECONCILE",
        "build:pass code-review:pass security-review:pass done | true | ''",
        "build:fail needs-input | true | ''",
        "bug | true | ''",
        "p-ready-to-build | false | ''",
      })
  void plansOneJobPerIssueFromItsLabels(String labels, boolean sweep, String expected) {
    assertThat(planner.kind(Arrays.asList(labels.split(" ")), sweep))
        .isEqualTo(expected.isEmpty() ? Optional.empty() : Optional.of(Job.Kind.valueOf(expected)));
  }

  @Test
  void aPrefixedSchemeReadsOnlyItsOwnLabels() {
    assertThat(prefixed.kind(List.of("ready-to-build"), true)).isEmpty();
    assertThat(prefixed.kind(List.of("build:running"), true)).isEmpty();
    assertThat(prefixed.kind(List.of("p-ready-to-build"), false)).contains(Job.Kind.BUILD);
    assertThat(prefixed.kind(List.of("p-build:running"), true)).contains(Job.Kind.RECONCILE);
  }

  @Test
  void skipsPullRequestsAndClosedIssuesAndKeepsTheListOrder() {
    List<Issue> items =
        List.of(
            issue(3, true, false, "ready-to-build"),
            issue(4, true, true, "ready-to-build"),
            issue(5, false, false, "ready-to-build"),
            issue(6, true, false, "code-review:queued", "security-review:queued"),
            issue(7, true, false, "bug"));
    assertThat(planner.plan(REPO, items, false))
        .containsExactly(
            new Job(REPO, 3, "t3", Job.Kind.BUILD), new Job(REPO, 6, "t6", Job.Kind.REVIEWS));
  }

  static Issue issue(int number, boolean open, boolean pullRequest, String... labels) {
    return new Issue(number, "t" + number, "", open, "someone", List.of(labels), pullRequest);
  }
}
