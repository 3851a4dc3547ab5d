/** The Docker adapter of the container runtime: the {@code docker} CLI through commons-exec. */
@NullMarked
package dev.hydra.container.docker;

import org.jspecify.annotations.NullMarked;
