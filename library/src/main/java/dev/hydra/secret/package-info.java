/**
 * Keeping secrets and workflow commands out of output: {@link dev.hydra.secret.SecretMasker} (every
 * encoded form of every secret becomes {@code ***}), {@link
 * dev.hydra.secret.LineMaskingOutputStream} for streamed output, and {@link
 * dev.hydra.secret.WorkflowCommands} for the Actions log ({@code ::add-mask::}, {@code
 * ::stop-commands::}).
 *
 * <p>Separate from {@code credentials}, which loads tokens: this package only needs the {@link
 * dev.hydra.secret.Secret} values, does no I/O of its own, and is used on every line of container
 * output by the stage runtime and the CLI.
 */
@NullMarked
package dev.hydra.secret;

import org.jspecify.annotations.NullMarked;
