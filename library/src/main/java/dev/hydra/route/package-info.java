/** The routing decision: should a stage run, which one, and why (pure). */
@NullMarked
package dev.hydra.route;

import org.jspecify.annotations.NullMarked;
