/**
 * The local forge: the {@link dev.hydra.forge.Forge} port backed by plain JSON files in a
 * directory, for the embedded default (no forge account) and for tests. See {@link
 * dev.hydra.forge.local.LocalForge} for the layout and docs/local-forge.md for how to inspect it.
 */
@NullMarked
package dev.hydra.forge.local;

import org.jspecify.annotations.NullMarked;
