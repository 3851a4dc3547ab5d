package dev.hydra.pipeline;

import dev.hydra.event.EventAction;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Asks {@link Authority} (the pure rule) about one issue's acts, with what this job knows: the
 * persona accounts, the trusted labellers, the label history and the forge's permission answer.
 *
 * <p>Only a person with write access moves the pipeline (the rule: {@link Authority}): the trigger,
 * {@code rebuild:queued} and {@code yolo} count only when the user who applied them is not a bot,
 * not one of Hydra's persona accounts ({@code HYDRA_PERSONA_LOGINS}, or the accounts of the tokens
 * this job holds), and has write access or more ({@link Forge#userPermission}): for the trigger,
 * the event's sender when the event says it added the trigger (security-anchors §1.6), otherwise
 * the issue's label history ({@link Forge#lastLabeled}). Forgejo answers the permission question
 * only to administrators: when it refuses ({@link ForgeForbiddenException}), the operator's
 * allow-list {@code HYDRA_TRUSTED_LABELERS} decides. A review starts only from Hydra's own
 * transition (the builder's account opened or reopened the pull request, or queued the review) or
 * from such a person, checked before its claim; the decision believes a review job's report only
 * when the job's result is success ({@link ReviewReport#fromNeeds}).
 */
final class AuthorityStep {

  private final PersonaForges forges;
  private final Set<String> trusted;

  AuthorityStep(PersonaForges forges, PipelineOptions options) {
    this.forges = forges;
    this.trusted = options.trustedLabelers();
  }

  /**
   * Whether {@code label} on the issue carries authority ({@link Authority#ofPerson}): applied by a
   * person with write access, never by a bot or one of Hydra's persona accounts.
   *
   * @param labeller who applied it according to the event, or null to read the label history
   */
  Authority.Result ofPerson(
      IssueRun run, Forge forge, String label, Authority.@Nullable Actor labeller)
      throws ForgeException {
    RepoRef repo = run.repo();
    int number = run.number();
    Authority.Actor who = labeller;
    if (who == null) {
      Optional<LabelEvent> last = forge.lastLabeled(repo, number, label);
      if (last.isEmpty()) {
        return new Authority.Result(
            false, "the forge does not say who applied `" + label + "` to #" + number);
      }
      who = new Authority.Actor(last.get().actor(), last.get().bot());
    }
    return Authority.ofPerson(
        "`" + label + "` was applied to #" + number,
        who,
        forges::personas,
        trusted,
        repo,
        login -> forge.userPermission(repo, login));
  }

  /**
   * Why a review must not start, read before its claim: a pull request opened or reopened by anyone
   * but the builder (Hydra's own transition) or a person with write access — a triage user may
   * reopen a pull request —, or a {@code :queued} label applied by anyone but those. Costs nothing
   * when the builder opened or reopened the pull request and its login is known (then the labels
   * are its own write of the moment before); otherwise the label history, and the permission of a
   * person.
   */
  Optional<String> reviewRefused(
      IssueRun run, Forge own, PullRequest pr, String queued, Pipeline.@Nullable Start start)
      throws ForgeException {
    int number = run.number();
    String builder = forges.builderLogin();
    String unknown =
        builder == null
            ? " (this job holds no builder token, so it knows Hydra's builder account only from "
                + PipelineOptions.PERSONA_LOGINS
                + ", which is not set)"
            : "";
    Authority.@Nullable Actor passed = null;
    if (start != null
        && (start.action() == EventAction.OPENED || start.action() == EventAction.REOPENED)) {
      String act =
          "PR #"
              + pr.number()
              + (start.action() == EventAction.OPENED ? " was opened" : " was reopened");
      Authority.Result sender = ofHydraOrPerson(act, start.sender(), builder, run.repo(), own);
      if (!sender.ok()) {
        return refused(sender, "the reviews start only from Hydra's own transitions", unknown);
      }
      if (builder != null && Authority.same(builder, start.sender().login())) {
        return Optional.empty(); // the builder's transition: the labels are its own
      }
      passed = start.sender();
    }
    Optional<LabelEvent> last = own.lastLabeled(run.repo(), number, queued);
    if (last.isEmpty()) {
      return Optional.of(
          "the forge's history of #"
              + number
              + " shows no one applying `"
              + queued
              + "`; the review is not queued");
    }
    Authority.Actor labeller = new Authority.Actor(last.get().actor(), last.get().bot());
    if (passed != null && !labeller.isBot() && Authority.same(passed.login(), labeller.login())) {
      return Optional.empty(); // the same person, whose authority was just established
    }
    Authority.Result label =
        ofHydraOrPerson(
            "`" + queued + "` was applied to #" + number, labeller, builder, run.repo(), own);
    if (!label.ok()) {
      return refused(label, "a review is queued only by Hydra's own transition", unknown);
    }
    return Optional.empty();
  }

  private static Optional<String> refused(Authority.Result result, String rule, String unknown) {
    return Optional.of(result.why() + "; " + rule + " or a person with write access" + unknown);
  }

  /** {@link Authority#ofHydraOrPerson} with this run's personas, trusted labellers and forge. */
  private Authority.Result ofHydraOrPerson(
      String act, Authority.Actor who, @Nullable String builder, RepoRef repo, Forge own)
      throws ForgeException {
    return Authority.ofHydraOrPerson(
        act,
        who,
        builder,
        forges::personas,
        trusted,
        repo,
        login -> own.userPermission(repo, login));
  }
}
