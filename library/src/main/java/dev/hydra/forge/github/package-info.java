/**
 * The GitHub adapter of the forge port, on {@code org.kohsuke:github-api}. Its types never leave
 * this package.
 */
@NullMarked
package dev.hydra.forge.github;

import org.jspecify.annotations.NullMarked;
