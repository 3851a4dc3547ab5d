/**
 * Hydra's library: all pipeline logic behind small ports; the command line lives in runner-entry.
 */
@NullMarked
package dev.hydra;

import org.jspecify.annotations.NullMarked;
