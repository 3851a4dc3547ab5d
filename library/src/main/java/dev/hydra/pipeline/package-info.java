/**
 * Performing a routed stage for one issue: the guard, the claim, the stage container, the posts of
 * each persona and the label transitions of SPEC §4 ({@link dev.hydra.pipeline.Pipeline}); the
 * {@link dev.hydra.pipeline.StageExecutor} port runs a stage's container. {@link
 * dev.hydra.pipeline.Pipeline} dispatches to one class per step, each working on an {@code
 * IssueRun}.
 *
 * <h2>Who does what</h2>
 *
 * Every side effect is made through the forge instance of the persona that owns it: the builder
 * claims builds, opens the draft PR, owns the progress comment, the decision and the {@code
 * needs-input} comments; each reviewer claims and posts its own review; the applier runs when
 * reviewers pushed fixes and merges on {@code yolo}. Reviews never approve.
 *
 * <h2>Exactly once</h2>
 *
 * State lives in the labels. A stage is claimed by removing the label that queued it
 * ({@link dev.hydra.forge.Forge#takeLabel}): on GitHub the removal is itself a compare-and-set (a
 * second removal gets 404), on the local forge it is one locked read-modify-write, and on Forgejo,
 * whose removal always succeeds, the workflows' per-issue {@code concurrency} group keeps runs
 * apart. A replayed or duplicated event finds nothing to take and does nothing. The two review jobs
 * touch only their own stage's labels, with add and remove requests that cannot undo each other's.
 *
 * <h2>Requests</h2>
 *
 * A whole run on GitHub, build → both reviews → done, costs 19 requests (the budget is 20) with
 * {@code HYDRA_PERSONA_LOGINS} set (26 without: the accounts and the review jobs' checks): build 7
 * (read — it carries the sender's permission when that grants write —, take the trigger, running,
 * progress comment, reviews queued, draft PR, progress update), each review 4 (read for the input
 * folder, take — its answer is the guard's read —, running, review), decision 4 (read — the
 * progress comment comes with it —, labels, ready for review, edit the progress comment). {@code
 * GitHubPipelineTest} counts them; {@code GitHubRunRequestsTest} counts {@code hydra run}'s 20.
 */
@NullMarked
package dev.hydra.pipeline;

import org.jspecify.annotations.NullMarked;
