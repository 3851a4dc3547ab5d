/** The one place where Jackson is configured. */
@NullMarked
package dev.hydra.json;

import org.jspecify.annotations.NullMarked;
