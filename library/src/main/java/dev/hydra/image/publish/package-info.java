/**
 * Building the persona images (SPEC §7): {@link dev.hydra.image.publish.ImageBuilder} drives {@code
 * docker build} through the {@link dev.hydra.container.docker.CommandRunner} seam — base first,
 * then the personas (or the four demo images) — tags, OCI labels, an optional extra CA for a
 * TLS-intercepting proxy, an optional push, and the digests. {@link
 * dev.hydra.image.publish.ImageBuildPlanner} turns the options of {@code hydra image build} and the
 * environment into a request; {@link dev.hydra.image.publish.ImageReport} renders what was built.
 */
@NullMarked
package dev.hydra.image.publish;

import org.jspecify.annotations.NullMarked;
