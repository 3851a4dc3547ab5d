package dev.hydra.route;

import dev.hydra.config.ForgeSelection;
import dev.hydra.event.EventAction;
import dev.hydra.event.ForgeEvent;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.MetadataLabel;
import dev.hydra.label.Outcome;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.text.Texts;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Answers the question asked on every forge event: should a stage run, which one, and why.
 *
 * <p>A pure function of the event and the label scheme; it reads nothing else. The decision is
 * taken from the payload, which may be stale (a re-run replays an old payload): the stage itself
 * re-reads the live issue before any side effect.
 */
public final class Router {

  private Router() {}

  /**
   * Routes an event.
   *
   * @param event the normalised event
   * @param labels the label scheme in force
   * @param forge the forge and how it was chosen
   * @return the decision, always with a reason
   */
  public static RouteDecision route(ForgeEvent event, LabelScheme labels, ForgeSelection forge) {
    Builder out = new Builder(event, labels, forge);
    return switch (event.name()) {
      case ISSUES -> issues(event, labels, out);
      case PULL_REQUEST -> pullRequest(event, out);
      case PUSH -> push(event, out);
      case WORKFLOW_DISPATCH ->
          out.run(
              Workflow.IMAGE,
              "manual run" + onRef(event),
              "workflow_dispatch runs the image workflow: build and push the persona images");
      case SCHEDULE ->
          out.run(
              Workflow.IMAGE,
              "scheduled run",
              "schedule runs the image workflow: rebuild the persona images");
    };
  }

  private static RouteDecision issues(ForgeEvent event, LabelScheme labels, Builder out) {
    Issue issue = event.issueSnapshot().orElseThrow();
    out.issue = issue.number();
    String trigger = "`" + labels.trigger() + "`";
    if (issue.pullRequest()) {
      return out.skip(
          "issue #" + issue.number() + " is a pull request",
          "labels on pull requests do not start builds; only an issue labelled "
              + trigger
              + " does",
          "apply " + trigger + " to the issue the pull request implements");
    }
    if (event.action() != EventAction.LABELED) {
      return out.skip(
          event.describe() + " on issue #" + issue.number(),
          event.describe()
              + " does not start a stage; a build starts when "
              + trigger
              + " is added to an open issue",
          null);
    }
    Optional<String> added = event.changedLabel();
    String rebuild = labels.name(Stage.REBUILD, StageState.QUEUED);
    String retry = labels.name(Stage.RETRY, StageState.QUEUED);
    String who = event.sender().isEmpty() ? "" : " by @" + Texts.escape(event.sender(), 60);
    if (added.isPresent()) {
      String label = added.get();
      String seen = "label " + Texts.quote(label) + " added" + who + " to issue #" + issue.number();
      if (label.equals(rebuild)) {
        return requestIfOpen(
            issue,
            out,
            seen,
            rebuild,
            "the rebuild label `" + rebuild + "` was added (a person's reset)",
            "the build starts again");
      }
      if (label.equals(retry)) {
        return requestIfOpen(
            issue,
            out,
            seen,
            retry,
            "the retry label `" + retry + "` was added (a person asks for one fixer pass)",
            RETRY_RUNS);
      }
      if (!labels.isTrigger(label)) {
        if (labels.isPipelineLabel(label)) {
          return out.skip(
              seen,
              "label "
                  + Texts.quote(label)
                  + " is one of Hydra's own state labels; only "
                  + trigger
                  + " starts a build",
              null);
        }
        if (isMetadata(labels, label)) {
          return out.skip(
              seen,
              "label "
                  + Texts.quote(label)
                  + " is a metadata label; only "
                  + trigger
                  + " starts a build",
              null);
        }
        LabelScheme.Mismatch mismatch = labels.whyNotTrigger(label);
        return out.skip(seen, mismatch.reason(), mismatch.fix());
      }
      return buildIfReady(issue, labels, out, seen, "the trigger label " + trigger + " was added");
    }
    // No `label` field: Forgejo Actions before v9.0.2 and every Forgejo webhook. Which label
    // changed
    // is unknown (older Forgejo even reports removals as label_updated), so decide from the
    // issue's label set: the trigger is on it and no stage label is.
    String seen =
        event.describe()
            + who
            + " on issue #"
            + issue.number()
            + " without a `label` field; labels now: "
            + list(issue.labels());
    if (issue.labels().contains(rebuild)) {
      return requestIfOpen(
          issue,
          out,
          seen,
          rebuild,
          "the rebuild label `"
              + rebuild
              + "` is on the issue and the payload does not say which label was added",
          "the build starts again");
    }
    if (issue.labels().contains(retry)) {
      return requestIfOpen(
          issue,
          out,
          seen,
          retry,
          "the retry label `"
              + retry
              + "` is on the issue and the payload does not say which label was added",
          RETRY_RUNS);
    }
    if (!issue.labels().contains(labels.trigger())) {
      for (String label : issue.labels()) {
        if (!labels.isPipelineLabel(label) && !isMetadata(labels, label)) {
          LabelScheme.Mismatch mismatch = labels.whyNotTrigger(label);
          if (mismatch.nearMiss()) {
            return out.skip(seen, mismatch.reason(), mismatch.fix());
          }
        }
      }
      return out.skip(
          seen,
          "the trigger label "
              + trigger
              + " is not on issue #"
              + issue.number()
              + " ("
              + labels.describe()
              + ")",
          "apply " + trigger + " to the issue");
    }
    return buildIfReady(
        issue,
        labels,
        out,
        seen,
        "the trigger label "
            + trigger
            + " is on the issue and the payload does not say which"
            + " label was added");
  }

  /** What the build workflow does for a person's {@code retry:queued}. */
  private static final String RETRY_RUNS =
      "the builder makes one fixer pass on the pull request, kept to the files the findings name,"
          + " and both reviews run again (round 2)";

  /**
   * A person's {@code rebuild:queued} or {@code retry:queued}: the build workflow runs although the
   * issue carries pipeline labels (that is the point of the request). The stage checks the rest on
   * the live issue: who applied it, that {@code needs-input} was removed first, and for a retry
   * that this round's retry is not used yet.
   *
   * @param label the request's label
   * @param runs what runs, for the reason
   */
  private static RouteDecision requestIfOpen(
      Issue issue, Builder out, String seen, String label, String because, String runs) {
    if (!issue.open()) {
      return out.skip(
          seen,
          "issue #" + issue.number() + " is closed",
          "reopen the issue, then remove and re-apply `" + label + "`");
    }
    return out.run(
        Workflow.BUILD, seen, because + " and issue #" + issue.number() + " is open: " + runs);
  }

  private static RouteDecision buildIfReady(
      Issue issue, LabelScheme labels, Builder out, String seen, String because) {
    if (!issue.open()) {
      return out.skip(
          seen,
          "issue #" + issue.number() + " is closed",
          "reopen the issue, then remove and re-apply `" + labels.trigger() + "`");
    }
    List<String> inPipeline =
        issue.labels().stream().filter(labels::isPipelineLabel).collect(Collectors.toList());
    if (!inPipeline.isEmpty()) {
      return out.skip(
          seen,
          "issue #" + issue.number() + " is already in the pipeline (" + list(inPipeline) + ")",
          "wait for the pipeline to finish; to start again after needs-input, remove `"
              + labels.name(Outcome.NEEDS_INPUT)
              + "` and apply `"
              + labels.name(Stage.REBUILD, StageState.QUEUED)
              + "`");
    }
    return out.run(
        Workflow.BUILD,
        seen,
        because + " and issue #" + issue.number() + " is open and not yet in the pipeline");
  }

  private static RouteDecision pullRequest(ForgeEvent event, Builder out) {
    PullRequest pr = event.pullRequestSnapshot().orElseThrow();
    out.pullRequest = pr.number();
    String head = Texts.quote(pr.head());
    String seen = event.describe() + " for PR #" + pr.number() + " from " + head;
    Optional<HydraBranch> branch = HydraBranch.parse(pr.head());
    if (branch.isEmpty()) {
      return out.skip(
          seen,
          "head branch "
              + head
              + " is not a Hydra branch (hydra/<issue>-<slug>); only Hydra's PRs are reviewed",
          null);
    }
    out.issue = branch.get().issue();
    EventAction action = event.action();
    if (action != EventAction.OPENED
        && action != EventAction.SYNCHRONIZE
        && action != EventAction.REOPENED) {
      return out.skip(
          seen,
          event.describe()
              + " does not start reviews; they run when a hydra/* PR is opened, synchronized or"
              + " reopened",
          null);
    }
    if (!pr.open()) {
      return out.skip(seen, "PR #" + pr.number() + " is closed", "reopen the PR to review it");
    }
    String own = event.repository().fullName();
    if (pr.headRepository().isEmpty()) {
      // GitHub sends head.repo = null once a fork is deleted; unknown is not ours.
      return out.skip(
          seen,
          "the payload does not name the head repository of PR #"
              + pr.number()
              + " (a deleted fork?); Hydra reviews only branches its Builder pushed to "
              + own,
          null);
    }
    if (!pr.headRepository().equalsIgnoreCase(own)) {
      return out.skip(
          seen + " in " + Texts.quote(pr.headRepository()),
          "PR #"
              + pr.number()
              + " comes from another repository; Hydra reviews only branches its"
              + " Builder pushed to "
              + own,
          null);
    }
    return out.run(
        Workflow.REVIEW,
        seen,
        "head branch " + head + " is Hydra's branch for issue #" + branch.get().issue());
  }

  private static RouteDecision push(ForgeEvent event, Builder out) {
    String ref = event.gitRef().orElse("");
    String seen = "push to " + Texts.quote(ref);
    if (ref.startsWith("refs/tags/")) {
      return out.run(Workflow.IMAGE, seen, "a tag push builds and pushes the persona images");
    }
    String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : "";
    if (branch.isEmpty()) {
      return out.skip(seen, "push to " + Texts.quote(ref) + " is neither a branch nor a tag", null);
    }
    if (event.defaultBranch().isEmpty()) {
      return out.run(
          Workflow.IMAGE,
          seen,
          "a push builds the persona images; the payload does not name the default branch, so the"
              + " workflow's on.push.branches filter decides");
    }
    if (!branch.equals(event.defaultBranch())) {
      return out.skip(
          seen,
          "pushes build images only on the default branch "
              + Texts.quote(event.defaultBranch())
              + " and on tags",
          null);
    }
    return out.run(
        Workflow.IMAGE, seen, "a push to the default branch builds and pushes the persona images");
  }

  private static boolean isMetadata(LabelScheme labels, String label) {
    for (MetadataLabel metadata : MetadataLabel.values()) {
      if (labels.name(metadata).equals(label)) {
        return true;
      }
    }
    return false;
  }

  private static String onRef(ForgeEvent event) {
    return event.gitRef().map(ref -> " on " + Texts.quote(ref)).orElse("");
  }

  private static String list(List<String> labels) {
    if (labels.isEmpty()) {
      return "none";
    }
    return labels.stream().map(Texts::quote).collect(Collectors.joining(", "));
  }

  /** Collects the fields every decision shares. */
  private static final class Builder {
    private final ForgeEvent event;
    private final LabelScheme labels;
    private final ForgeSelection forge;
    @Nullable Integer issue;
    @Nullable Integer pullRequest;

    Builder(ForgeEvent event, LabelScheme labels, ForgeSelection forge) {
      this.event = event;
      this.labels = labels;
      this.forge = forge;
    }

    RouteDecision run(Workflow workflow, String seen, String reason) {
      return decide(Decision.RUN, workflow, seen, reason, null);
    }

    RouteDecision skip(String seen, String reason, @Nullable String fix) {
      return decide(Decision.SKIP, null, seen, reason, fix);
    }

    private RouteDecision decide(
        Decision decision,
        @Nullable Workflow workflow,
        String seen,
        String reason,
        @Nullable String fix) {
      return new RouteDecision(
          decision,
          workflow,
          forge,
          event.repository(),
          event.describe(),
          issue,
          pullRequest,
          labels.trigger(),
          event.changedLabel().orElse(null),
          event.sender(),
          seen,
          reason,
          fix);
    }
  }
}
