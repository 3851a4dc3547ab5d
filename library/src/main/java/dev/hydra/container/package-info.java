/** The container runtime port: start a hardened stage container, stream it, stop it, sweep it. */
@NullMarked
package dev.hydra.container;

import org.jspecify.annotations.NullMarked;
