/** Workflow event payloads parsed into one normalised, forge-neutral event (pure parsing). */
@NullMarked
package dev.hydra.event;

import org.jspecify.annotations.NullMarked;
