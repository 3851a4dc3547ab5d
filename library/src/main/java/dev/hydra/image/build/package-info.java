/**
 * Building the persona images (SPEC §7): {@link dev.hydra.image.build.ImageBuilder} drives {@code
 * docker build} through the {@link dev.hydra.container.docker.CommandRunner} seam — base first,
 * then the personas (or the four demo images) — tags, OCI labels, an optional extra CA for a
 * TLS-intercepting proxy, an optional push, and the digests.
 */
@NullMarked
package dev.hydra.image.build;

import org.jspecify.annotations.NullMarked;
