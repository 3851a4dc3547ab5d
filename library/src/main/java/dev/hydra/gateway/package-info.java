/**
 * The model gateway (SPEC §5, issue 10 item 2): the runner serves the Messages API to a stage's
 * container, which holds only a placeholder credential; the gateway adds the real Claude token,
 * streams the answer through unchanged, rotates accounts per request and counts the stage's tokens
 * against its budget.
 */
@NullMarked
package dev.hydra.gateway;

import org.jspecify.annotations.NullMarked;
