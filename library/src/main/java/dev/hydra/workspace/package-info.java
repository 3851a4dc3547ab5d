/**
 * A stage's git workspace (SPEC §5, issue 10 items 1 and 3), on JGit: the runner clones with the
 * persona's token, bound to the remote's origin, into a bare mirror that is never mounted and makes
 * the container's working clone from it; after the container it reads only the bundle the
 * entrypoint wrote, validates it with pure rules and pushes it from the mirror with a
 * compare-and-set.
 */
@NullMarked
package dev.hydra.workspace;

import org.jspecify.annotations.NullMarked;
