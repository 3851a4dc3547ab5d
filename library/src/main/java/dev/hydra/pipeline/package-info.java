/**
 * Performing a routed stage for one issue: the guard, the claim, the stage container, the posts of
 * each persona and the label transitions of SPEC §4 ({@link dev.hydra.pipeline.Pipeline}); the
 * {@link dev.hydra.pipeline.StageExecutor} port runs a stage's container.
 */
@NullMarked
package dev.hydra.pipeline;

import org.jspecify.annotations.NullMarked;
