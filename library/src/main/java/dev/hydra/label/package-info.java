/** Hydra's labels as values, the label scheme (prefix, trigger) and label transitions (pure). */
@NullMarked
package dev.hydra.label;

import org.jspecify.annotations.NullMarked;
