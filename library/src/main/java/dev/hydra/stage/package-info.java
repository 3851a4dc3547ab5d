/**
 * Running one stage: {@link dev.hydra.stage.StageProfile} (limits, capabilities, timeouts and
 * models per stage, pure) and {@link dev.hydra.stage.StageRunner}, which starts the persona's
 * container through the {@link dev.hydra.container.ContainerRuntime} port with Claude token
 * rotation, masks its output and reads its verdict into a {@link dev.hydra.stage.StageResult}.
 */
@NullMarked
package dev.hydra.stage;

import org.jspecify.annotations.NullMarked;
