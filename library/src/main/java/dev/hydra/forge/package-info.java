/** The forge port (GitHub, Forgejo) and the values it speaks in. */
@NullMarked
package dev.hydra.forge;

import org.jspecify.annotations.NullMarked;
