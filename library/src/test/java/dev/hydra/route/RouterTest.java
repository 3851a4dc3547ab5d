package dev.hydra.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.ForgeSelection;
import dev.hydra.event.ForgeEvent;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouterTest {

  static final RepoRef REPO = RepoRef.of("octo-org", "hello-hydra");
  static final ForgeSelection GITHUB = new ForgeSelection(ForgeType.GITHUB, "--forge github");
  static final ForgeSelection FORGEJO =
      new ForgeSelection(ForgeType.FORGEJO, "detected: FORGEJO_ACTIONS=true");
  static final LabelScheme CANONICAL = LabelScheme.canonical();
  static final LabelScheme WILCO = LabelScheme.of("wilco", "");

  static Issue openIssue(String... labels) {
    return new Issue(7, "Add a /health endpoint", "", true, "mona", List.of(labels), false);
  }

  static Issue closedIssue(String... labels) {
    return new Issue(7, "Add a /health endpoint", "", false, "mona", List.of(labels), false);
  }

  static ForgeEvent issues(String rawAction, @Nullable String label, Issue issue) {
    return issues(rawAction, label, issue, "mona");
  }

  static ForgeEvent issues(String rawAction, @Nullable String label, Issue issue, String sender) {
    return ForgeEvent.ofIssue(
        new ForgeEvent.Origin(REPO, "main", sender, false), rawAction, label, issue);
  }

  static PullRequest pr(String headRef, boolean open, String headRepository) {
    return new PullRequest(
        8,
        "Add a /health endpoint",
        "Closes #12",
        open,
        true,
        false,
        headRef,
        "6dcb09b5b57875f334f61aebed695e2e4193db5e",
        "main",
        "https://github.com/octo/hello/pull/8",
        "hydra-builder",
        "PR_kwDOA",
        headRepository,
        List.of());
  }

  static ForgeEvent pullRequest(String rawAction, PullRequest pr) {
    return ForgeEvent.ofPullRequest(
        new ForgeEvent.Origin(REPO, "main", "hydra-builder", false), rawAction, null, pr);
  }

  static ForgeEvent push(String ref, String defaultBranch) {
    return ForgeEvent.push(new ForgeEvent.Origin(REPO, defaultBranch, "mona", false), ref);
  }

  static RouteDecision route(ForgeEvent event, LabelScheme labels) {
    RouteDecision d = Router.route(event, labels, GITHUB);
    // Shared by every decision: who, where and the resolved trigger.
    assertThat(d.repository()).isEqualTo(REPO);
    assertThat(d.forge()).isEqualTo(GITHUB);
    assertThat(d.triggerLabel()).isEqualTo(labels.trigger());
    assertThat(d.event()).isEqualTo(event.describe());
    assertThat(d.sender()).isEqualTo(event.sender());
    assertThat(d.label()).isEqualTo(event.label());
    assertThat(d.reason()).isNotBlank();
    assertThat(d.seen()).isNotBlank();
    assertSingleLine(d.reason());
    assertSingleLine(d.seen());
    String fix = d.fix();
    if (fix != null) {
      assertSingleLine(fix);
    }
    return d;
  }

  static void assertSingleLine(String text) {
    assertThat(text.codePoints())
        .as("control or invisible characters in: %s", text)
        .noneMatch(cp -> cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        .noneMatch(cp -> cp == 0x2028 || cp == 0x2029 || cp == 0x202E || cp == 0x200B)
        .noneMatch(cp -> Character.getType(cp) == Character.SURROGATE);
  }

  static void assertRunsBuild(RouteDecision d) {
    assertThat(d.decision()).isEqualTo(Decision.RUN);
    assertThat(d.runs()).isTrue();
    assertThat(d.workflow()).isEqualTo(Workflow.BUILD);
    assertThat(d.issue()).isEqualTo(7);
    assertThat(d.pullRequest()).isNull();
    assertThat(d.fix()).isNull();
  }

  static void assertSkipsIssue(RouteDecision d) {
    assertThat(d.decision()).isEqualTo(Decision.SKIP);
    assertThat(d.runs()).isFalse();
    assertThat(d.workflow()).isNull();
    assertThat(d.issue()).isEqualTo(7);
    assertThat(d.pullRequest()).isNull();
  }

  @Nested
  class Issues {

    @Test
    void triggerAddedToAnOpenIssueRunsTheBuild() {
      RouteDecision d =
          route(issues("labeled", "ready-to-build", openIssue("ready-to-build")), CANONICAL);

      assertRunsBuild(d);
      assertThat(d.reason())
          .isEqualTo(
              "the trigger label `ready-to-build` was added and issue #7 is open and not yet in"
                  + " the pipeline");
      assertThat(d.seen()).isEqualTo("label `ready-to-build` added by @mona to issue #7");
      assertThat(d.label()).isEqualTo("ready-to-build");
    }

    @Test
    void prefixedTrigger() {
      RouteDecision d =
          route(
              issues("labeled", "wilco-ready-to-build", openIssue("wilco-ready-to-build")), WILCO);

      assertRunsBuild(d);
      assertThat(d.triggerLabel()).isEqualTo("wilco-ready-to-build");
      assertThat(d.reason()).startsWith("the trigger label `wilco-ready-to-build` was added");
    }

    @Test
    void forgejoLabelUpdatedWithLabelRuns() {
      RouteDecision d =
          route(
              issues("label_updated", "ready-to-build", openIssue("bug", "ready-to-build")),
              CANONICAL);

      assertRunsBuild(d);
      assertThat(d.event()).isEqualTo("issues.label_updated");
    }

    @Test
    void aPullRequestIsNotAnIssue() {
      Issue prAsIssue = new Issue(7, "t", "", true, "mona", List.of("ready-to-build"), true);

      RouteDecision d = route(issues("labeled", "ready-to-build", prAsIssue), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.seen()).isEqualTo("issue #7 is a pull request");
      assertThat(d.reason())
          .isEqualTo(
              "labels on pull requests do not start builds; only an issue labelled"
                  + " `ready-to-build` does");
      assertThat(d.fix())
          .isEqualTo("apply `ready-to-build` to the issue the pull request implements");
    }

    @ParameterizedTest(name = "[{index}] issues.{0}")
    @ValueSource(
        strings = {
          "opened",
          "edited",
          "closed",
          "reopened",
          "unlabeled",
          "label_cleared",
          "assigned",
          "pinned",
          "Labeled",
          "labeled "
        })
    void otherActionsDoNotStartAStage(String action) {
      RouteDecision d =
          route(issues(action, "ready-to-build", openIssue("ready-to-build")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason())
          .isEqualTo(
              "issues."
                  + action
                  + " does not start a stage; a build starts when `ready-to-build` is added to an"
                  + " open issue");
      assertThat(d.fix()).isNull();
    }

    @ParameterizedTest(name = "[{index}] {0} added")
    @ValueSource(
        strings = {
          "build:queued",
          "build:running",
          "build:pass",
          "build:fail",
          "code-review:pass",
          "security-review:fail",
          "applier:running",
          "retry:running",
          "retry:pass",
          "done",
          "needs-input"
        })
    void ownStateLabelAddedIsNotATrigger(String label) {
      RouteDecision canonical = route(issues("labeled", label, openIssue(label)), CANONICAL);
      RouteDecision wilco =
          route(issues("labeled", "wilco-" + label, openIssue("wilco-" + label)), WILCO);

      assertSkipsIssue(canonical);
      assertThat(canonical.reason())
          .isEqualTo(
              "label `"
                  + label
                  + "` is one of Hydra's own state labels; only `ready-to-build` starts a build");
      assertThat(canonical.fix()).isNull();
      assertSkipsIssue(wilco);
      assertThat(wilco.reason()).contains("is one of Hydra's own state labels");
    }

    @Test
    void anotherHydrasStateLabelIsJustAnotherLabel() {
      RouteDecision d = route(issues("labeled", "build:queued", openIssue("build:queued")), WILCO);

      assertSkipsIssue(d);
      assertThat(d.reason())
          .isEqualTo(
              "label `build:queued` is not the trigger label `wilco-ready-to-build`"
                  + " (HYDRA_LABEL_PREFIX=wilco)");
    }

    @ParameterizedTest(name = "[{index}] {0} added")
    @ValueSource(strings = {"yolo", "openspec"})
    void metadataLabelAdded(String label) {
      for (LabelScheme scheme : List.of(CANONICAL, WILCO)) {
        RouteDecision d = route(issues("labeled", label, openIssue(label)), scheme);

        assertSkipsIssue(d);
        assertThat(d.reason())
            .isEqualTo(
                "label `"
                    + label
                    + "` is a metadata label; only `"
                    + scheme.trigger()
                    + "` starts a build");
      }
    }

    @Test
    void missingPrefixIsExplained() {
      RouteDecision d =
          route(issues("labeled", "ready-to-build", openIssue("ready-to-build")), WILCO);

      assertSkipsIssue(d);
      assertThat(d.reason())
          .isEqualTo(
              "label `wilco-ready-to-build` expected because HYDRA_LABEL_PREFIX=wilco;"
                  + " got `ready-to-build`");
      assertThat(d.fix()).contains("hydra labels seed --prefix wilco");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            Ready-To-Build         | differs in case
            'ready-to-build '      | leading or trailing white space
            ready-to-bu\u0456ld    | only looks like it
            ready-to-\u200Bbuild   | only looks like it
            wilco-ready-to-build   | belongs to a Hydra with HYDRA_LABEL_PREFIX=wilco
            ready-to-build'        | is not the trigger label `ready-to-build`
            ${{ secrets.X }}       | is not the trigger label `ready-to-build`
            bug                    | is not the trigger label `ready-to-build`
            """)
    void nearMissesAndOtherLabelsSkipWithAReason(String label, String because) {
      RouteDecision d = route(issues("labeled", label, openIssue(label)), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason()).contains(because);
      assertThat(d.fix()).contains("`ready-to-build`");
    }

    @Test
    void closedIssueIsSkipped() {
      RouteDecision d =
          route(issues("labeled", "ready-to-build", closedIssue("ready-to-build")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason()).isEqualTo("issue #7 is closed");
      assertThat(d.fix()).isEqualTo("reopen the issue, then remove and re-apply `ready-to-build`");
    }

    @Test
    void closedWinsOverAlreadyInPipeline() {
      RouteDecision d =
          route(
              issues("labeled", "ready-to-build", closedIssue("ready-to-build", "needs-input")),
              CANONICAL);

      assertThat(d.reason()).isEqualTo("issue #7 is closed");
    }

    @Test
    void alreadyInThePipeline() {
      RouteDecision d =
          route(
              issues(
                  "labeled",
                  "ready-to-build",
                  openIssue("ready-to-build", "build:running", "bug", "needs-input")),
              CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason())
          .isEqualTo("issue #7 is already in the pipeline (`build:running`, `needs-input`)");
      assertThat(d.fix())
          .isEqualTo(
              "wait for the pipeline to finish; to start again after needs-input, remove"
                  + " `needs-input` and apply `rebuild:queued`");
    }

    @Test
    void alreadyInThePipelineWithPrefix() {
      RouteDecision d =
          route(
              issues(
                  "labeled",
                  "wilco-ready-to-build",
                  openIssue("wilco-ready-to-build", "wilco-done")),
              WILCO);

      assertSkipsIssue(d);
      assertThat(d.reason()).contains("(`wilco-done`)");
      assertThat(d.fix()).contains("remove `wilco-needs-input` and apply `wilco-rebuild:queued`");
    }

    @Test
    void anotherHydrasPipelineLabelsDoNotBlock() {
      RouteDecision d =
          route(
              issues(
                  "labeled",
                  "wilco-ready-to-build",
                  openIssue("wilco-ready-to-build", "build:running", "needs-input", "x-done")),
              WILCO);

      assertRunsBuild(d);
    }

    @Test
    void rebuildAddedAfterNeedsInputRunsTheBuild() {
      RouteDecision d =
          route(
              issues(
                  "labeled",
                  "rebuild:queued",
                  openIssue("build:pass", "code-review:fail", "rebuild:queued", "bug")),
              CANONICAL);

      assertRunsBuild(d);
      assertThat(d.label()).isEqualTo("rebuild:queued");
      assertThat(d.seen()).isEqualTo("label `rebuild:queued` added by @mona to issue #7");
      assertThat(d.reason())
          .isEqualTo(
              "the rebuild label `rebuild:queued` was added (a person's reset) and issue #7 is"
                  + " open: the build starts again");
    }

    @Test
    void prefixedRebuildRunsTheBuild() {
      RouteDecision d =
          route(
              issues(
                  "labeled",
                  "wilco-rebuild:queued",
                  openIssue("wilco-build:fail", "wilco-rebuild:queued")),
              WILCO);

      assertRunsBuild(d);
      assertThat(d.reason()).startsWith("the rebuild label `wilco-rebuild:queued` was added");
    }

    @Test
    void rebuildWhileNeedsInputIsOnStillRoutes() {
      // The stage reads the live issue and explains once that needs-input must go first.
      RouteDecision d =
          route(
              issues(
                  "labeled",
                  "rebuild:queued",
                  openIssue("build:fail", "needs-input", "rebuild:queued")),
              CANONICAL);

      assertRunsBuild(d);
    }

    @Test
    void anotherHydrasRebuildLabelIsNotOurs() {
      RouteDecision canonical =
          route(
              issues("labeled", "wilco-rebuild:queued", openIssue("wilco-rebuild:queued")),
              CANONICAL);
      RouteDecision wilco =
          route(issues("labeled", "rebuild:queued", openIssue("rebuild:queued")), WILCO);

      assertSkipsIssue(canonical);
      assertSkipsIssue(wilco);
    }

    @Test
    void retryAddedAfterNeedsInputRunsTheBuildWorkflow() {
      RouteDecision d =
          route(
              issues(
                  "labeled",
                  "retry:queued",
                  openIssue("build:pass", "code-review:fail", "retry:queued")),
              CANONICAL);
      RouteDecision wilco =
          route(issues("labeled", "wilco-retry:queued", openIssue("wilco-retry:queued")), WILCO);
      RouteDecision others =
          route(issues("labeled", "retry:queued", openIssue("retry:queued")), WILCO);

      assertRunsBuild(d);
      assertThat(d.label()).isEqualTo("retry:queued");
      assertThat(d.reason())
          .isEqualTo(
              "the retry label `retry:queued` was added (a person asks for one fixer pass) and"
                  + " issue #7 is open: the builder makes one fixer pass on the pull request, kept"
                  + " to the files the findings name, and both reviews run again (round 2)");
      assertRunsBuild(wilco);
      assertThat(wilco.reason()).startsWith("the retry label `wilco-retry:queued` was added");
      assertSkipsIssue(others);
    }

    @Test
    void retryOnAClosedIssueOrWithoutTheLabelFieldIsDecidedFromTheIssue() {
      RouteDecision closed =
          route(issues("labeled", "retry:queued", closedIssue("retry:queued")), CANONICAL);
      RouteDecision forgejo =
          route(issues("label_updated", null, openIssue("build:pass", "retry:queued")), CANONICAL);

      assertSkipsIssue(closed);
      assertThat(closed.fix())
          .isEqualTo("reopen the issue, then remove and re-apply `retry:queued`");
      assertRunsBuild(forgejo);
      assertThat(forgejo.reason())
          .startsWith(
              "the retry label `retry:queued` is on the issue and the payload does not say which"
                  + " label was added and issue #7 is open: the builder makes one fixer pass");
    }

    @Test
    void rebuildOnAClosedIssueIsSkipped() {
      RouteDecision d =
          route(issues("labeled", "rebuild:queued", closedIssue("rebuild:queued")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason()).isEqualTo("issue #7 is closed");
      assertThat(d.fix()).isEqualTo("reopen the issue, then remove and re-apply `rebuild:queued`");
    }

    @Test
    void noSenderNoBy() {
      RouteDecision d =
          route(issues("labeled", "ready-to-build", openIssue("ready-to-build"), ""), CANONICAL);

      assertThat(d.seen()).isEqualTo("label `ready-to-build` added to issue #7");
    }

    @Test
    void hostileLabelStaysOnOneLine() {
      String label = "ready-to-build\n::add-mask::x\u202E\u2028";

      RouteDecision d = route(issues("labeled", label, openIssue(label)), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.seen())
          .isEqualTo(
              "label `ready-to-build\\u000A::add-mask::x\\u202E\\u2028` added by @mona to issue #7");
      assertThat(d.label()).as("the raw label is kept for JSON output").isEqualTo(label);
    }

    @Test
    void loneSurrogateLabelIsEscaped() {
      RouteDecision d = route(issues("labeled", "\uD800", openIssue("\uD800")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason()).startsWith("label `\\uD800` is not the trigger label");
    }
  }

  /** Forgejo webhooks and Forgejo Actions before v9.0.2 do not say which label was added. */
  @Nested
  class IssuesWithoutLabelField {

    @Test
    void triggerOnTheIssueRuns() {
      RouteDecision d =
          route(issues("label_updated", null, openIssue("bug", "ready-to-build")), CANONICAL);

      assertRunsBuild(d);
      assertThat(d.label()).isNull();
      assertThat(d.seen())
          .isEqualTo(
              "issues.label_updated by @mona on issue #7 without a `label` field; labels now:"
                  + " `bug`, `ready-to-build`");
      assertThat(d.reason())
          .isEqualTo(
              "the trigger label `ready-to-build` is on the issue and the payload does not say"
                  + " which label was added and issue #7 is open and not yet in the pipeline");
    }

    @Test
    void rebuildOnTheIssueRuns() {
      RouteDecision d =
          route(
              issues("label_updated", null, openIssue("build:fail", "rebuild:queued")), CANONICAL);

      assertRunsBuild(d);
      assertThat(d.reason())
          .isEqualTo(
              "the rebuild label `rebuild:queued` is on the issue and the payload does not say"
                  + " which label was added and issue #7 is open: the build starts again");
    }

    @Test
    void prefixedRebuildOnTheIssueRuns() {
      RouteDecision prefixed =
          route(
              issues(
                  "label_updated",
                  null,
                  openIssue("wilco-build:fail", "wilco-rebuild:queued", "rebuild:queued")),
              WILCO);
      RouteDecision othersOnly =
          route(issues("label_updated", null, openIssue("build:fail", "rebuild:queued")), WILCO);

      assertRunsBuild(prefixed);
      assertThat(prefixed.reason()).startsWith("the rebuild label `wilco-rebuild:queued` is on");
      assertSkipsIssue(othersOnly);
    }

    @Test
    void triggerNotOnTheIssue() {
      RouteDecision d = route(issues("label_updated", null, openIssue("bug")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason())
          .isEqualTo(
              "the trigger label `ready-to-build` is not on issue #7 (HYDRA_LABEL_PREFIX is not"
                  + " set)");
      assertThat(d.fix()).isEqualTo("apply `ready-to-build` to the issue");
    }

    @Test
    void noLabelsAtAll() {
      RouteDecision d = route(issues("label_updated", null, openIssue()), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.seen()).endsWith("labels now: none");
    }

    @Test
    void nearMissOnTheIssueLabelsIsExplained() {
      RouteDecision d =
          route(issues("label_updated", null, openIssue("bug", "ready-to-build")), WILCO);

      assertSkipsIssue(d);
      assertThat(d.reason())
          .isEqualTo(
              "label `wilco-ready-to-build` expected because HYDRA_LABEL_PREFIX=wilco;"
                  + " got `ready-to-build`");
      assertThat(d.fix()).contains("apply `wilco-ready-to-build`");
    }

    @Test
    void metadataAndPipelineLabelsAreNotTakenForNearMisses() {
      RouteDecision d =
          route(
              issues(
                  "label_updated",
                  null,
                  openIssue("yolo", "wilco-build:fail", "bug", "Wilco-Ready-To-Build")),
              WILCO);

      assertSkipsIssue(d);
      assertThat(d.reason()).contains("`Wilco-Ready-To-Build`").contains("differs in case");
    }

    @Test
    void triggerAndAStateLabel() {
      // Older Forgejo reports a removal as label_updated too: the state labels decide.
      RouteDecision d =
          route(
              issues("label_updated", null, openIssue("ready-to-build", "build:pass")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason()).isEqualTo("issue #7 is already in the pipeline (`build:pass`)");
    }

    @Test
    void closed() {
      RouteDecision d =
          route(issues("label_updated", null, closedIssue("ready-to-build")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason()).isEqualTo("issue #7 is closed");
    }

    @Test
    void labelClearedDoesNotStartAStage() {
      RouteDecision d =
          route(issues("label_cleared", null, openIssue("ready-to-build")), CANONICAL);

      assertSkipsIssue(d);
      assertThat(d.reason()).startsWith("issues.label_cleared does not start a stage");
    }

    @Test
    void forgejoSelectionIsReported() {
      RouteDecision d =
          Router.route(
              issues("label_updated", null, openIssue("ready-to-build")), CANONICAL, FORGEJO);

      assertThat(d.forge()).isEqualTo(FORGEJO);
      assertThat(d.runs()).isTrue();
    }
  }

  @Nested
  class PullRequests {

    static final String HEAD = "hydra/12-add-a-health-endpoint";

    static void assertSkipsPr(RouteDecision d) {
      assertThat(d.decision()).isEqualTo(Decision.SKIP);
      assertThat(d.workflow()).isNull();
      assertThat(d.pullRequest()).isEqualTo(8);
    }

    @ParameterizedTest(name = "[{index}] head \"{0}\"")
    @ValueSource(
        strings = {
          "feature/login",
          "main",
          "hydra",
          "hydra/",
          "hydra/12",
          "hydra/0-x",
          "hydra/12-Upper",
          "Hydra/12-x",
          "refs/heads/hydra/12-x",
          "hydra/12-x/../../main",
          "xhydra/12-x",
          "hydra/12-x "
        })
    void notAHydraBranch(String head) {
      RouteDecision d =
          route(pullRequest("opened", pr(head, true, "octo-org/hello-hydra")), CANONICAL);

      assertSkipsPr(d);
      assertThat(d.issue()).isNull();
      assertThat(d.reason())
          .endsWith("is not a Hydra branch (hydra/<issue>-<slug>); only Hydra's PRs are reviewed")
          .startsWith("head branch `");
    }

    @ParameterizedTest(name = "[{index}] pull_request.{0}")
    @ValueSource(strings = {"opened", "synchronize", "synchronized", "reopened"})
    void hydraBranchRunsTheReview(String action) {
      RouteDecision d =
          route(pullRequest(action, pr(HEAD, true, "octo-org/hello-hydra")), CANONICAL);

      assertThat(d.decision()).isEqualTo(Decision.RUN);
      assertThat(d.workflow()).isEqualTo(Workflow.REVIEW);
      assertThat(d.pullRequest()).isEqualTo(8);
      assertThat(d.issue()).isEqualTo(12);
      assertThat(d.fix()).isNull();
      assertThat(d.seen()).isEqualTo("pull_request." + action + " for PR #8 from `" + HEAD + "`");
      assertThat(d.reason())
          .isEqualTo("head branch `" + HEAD + "` is Hydra's branch for issue #12");
    }

    @ParameterizedTest(name = "[{index}] pull_request.{0}")
    @ValueSource(
        strings = {
          "closed",
          "edited",
          "labeled",
          "label_updated",
          "unlabeled",
          "assigned",
          "ready_for_review",
          "converted_to_draft",
          "review_requested",
          "Opened"
        })
    void otherActionsDoNotStartReviews(String action) {
      RouteDecision d =
          route(pullRequest(action, pr(HEAD, true, "octo-org/hello-hydra")), CANONICAL);

      assertSkipsPr(d);
      assertThat(d.issue()).isEqualTo(12);
      assertThat(d.reason())
          .isEqualTo(
              "pull_request."
                  + action
                  + " does not start reviews; they run when a hydra/* PR is opened, synchronized"
                  + " or reopened");
    }

    @Test
    void closedPr() {
      RouteDecision d =
          route(pullRequest("reopened", pr(HEAD, false, "octo-org/hello-hydra")), CANONICAL);

      assertSkipsPr(d);
      assertThat(d.reason()).isEqualTo("PR #8 is closed");
      assertThat(d.fix()).isEqualTo("reopen the PR to review it");
    }

    @Test
    void forkHeadRepository() {
      RouteDecision d =
          route(pullRequest("opened", pr(HEAD, true, "mallory/hello-hydra")), CANONICAL);

      assertSkipsPr(d);
      assertThat(d.seen()).endsWith(" in `mallory/hello-hydra`");
      assertThat(d.reason())
          .isEqualTo(
              "PR #8 comes from another repository; Hydra reviews only branches its Builder"
                  + " pushed to octo-org/hello-hydra");
    }

    @Test
    void sameRepositoryInAnotherCase() {
      RouteDecision d =
          route(pullRequest("opened", pr(HEAD, true, "Octo-Org/Hello-Hydra")), CANONICAL);

      assertThat(d.runs()).isTrue();
    }

    @Test
    void unknownHeadRepositoryIsNotTakenForOurs() {
      // GitHub sends head.repo = null when the fork was deleted: nothing shows the branch is ours.
      RouteDecision d = route(pullRequest("reopened", pr(HEAD, true, "")), CANONICAL);

      assertSkipsPr(d);
      assertThat(d.reason())
          .isEqualTo(
              "the payload does not name the head repository of PR #8 (a deleted fork?); Hydra"
                  + " reviews only branches its Builder pushed to octo-org/hello-hydra");
    }

    @Test
    void hostileHeadRefIsEscaped() {
      String head = "hydra/12-x\n::add-mask::x";

      RouteDecision d =
          route(pullRequest("opened", pr(head, true, "octo-org/hello-hydra")), CANONICAL);

      assertSkipsPr(d);
      assertThat(d.reason()).startsWith("head branch `hydra/12-x\\u000A::add-mask::x` is not");
    }
  }

  @Nested
  class Push {

    static void assertRunsImage(RouteDecision d) {
      assertThat(d.decision()).isEqualTo(Decision.RUN);
      assertThat(d.workflow()).isEqualTo(Workflow.IMAGE);
      assertThat(d.issue()).isNull();
      assertThat(d.pullRequest()).isNull();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"refs/tags/v1.2.3", "refs/tags/latest"})
    void tag(String ref) {
      RouteDecision d = route(push(ref, "main"), CANONICAL);

      assertRunsImage(d);
      assertThat(d.reason()).isEqualTo("a tag push builds and pushes the persona images");
      assertThat(d.seen()).isEqualTo("push to `" + ref + "`");
    }

    @Test
    void defaultBranch() {
      RouteDecision d = route(push("refs/heads/main", "main"), CANONICAL);

      assertRunsImage(d);
      assertThat(d.reason())
          .isEqualTo("a push to the default branch builds and pushes the persona images");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
        strings = {
          "refs/heads/feature",
          "refs/heads/hydra/7-x",
          "refs/heads/Main",
          "refs/heads/main2"
        })
    void otherBranch(String ref) {
      RouteDecision d = route(push(ref, "main"), CANONICAL);

      assertThat(d.decision()).isEqualTo(Decision.SKIP);
      assertThat(d.workflow()).isNull();
      assertThat(d.reason())
          .isEqualTo("pushes build images only on the default branch `main` and on tags");
    }

    @Test
    void unknownDefaultBranchLeavesItToTheWorkflowFilter() {
      RouteDecision d = route(push("refs/heads/anything", ""), CANONICAL);

      assertRunsImage(d);
      assertThat(d.reason()).contains("the workflow's on.push.branches filter decides");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(
        strings = {
          "main",
          "",
          "refs/heads/",
          "refs/pull/1/merge",
          "refs/remotes/origin/main",
          "heads/main",
          "refs/heads"
        })
    void neitherBranchNorTag(String ref) {
      RouteDecision d = route(push(ref, "main"), CANONICAL);

      assertThat(d.decision()).isEqualTo(Decision.SKIP);
      assertThat(d.reason()).isEqualTo("push to `" + ref + "` is neither a branch nor a tag");
    }
  }

  @Nested
  class ManualAndScheduled {

    @Test
    void workflowDispatchOnARef() {
      ForgeEvent event =
          ForgeEvent.workflowDispatch(
              new ForgeEvent.Origin(REPO, "main", "mona", false), "refs/heads/main");

      RouteDecision d = route(event, CANONICAL);

      assertThat(d.decision()).isEqualTo(Decision.RUN);
      assertThat(d.workflow()).isEqualTo(Workflow.IMAGE);
      assertThat(d.seen()).isEqualTo("manual run on `refs/heads/main`");
      assertThat(d.reason()).startsWith("workflow_dispatch runs the image workflow");
    }

    @Test
    void workflowDispatchWithoutRef() {
      ForgeEvent event =
          ForgeEvent.workflowDispatch(new ForgeEvent.Origin(REPO, "", "", false), null);

      assertThat(route(event, CANONICAL).seen()).isEqualTo("manual run");
    }

    @Test
    void schedule() {
      ForgeEvent event = ForgeEvent.schedule(new ForgeEvent.Origin(REPO, "", "", false), null);

      RouteDecision d = route(event, CANONICAL);

      assertThat(d.decision()).isEqualTo(Decision.RUN);
      assertThat(d.workflow()).isEqualTo(Workflow.IMAGE);
      assertThat(d.seen()).isEqualTo("scheduled run");
    }
  }
}
