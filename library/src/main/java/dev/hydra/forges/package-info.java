/**
 * Opening a forge: {@link dev.hydra.forges.Forges} chooses and builds the adapter of the {@code
 * dev.hydra.forge} port, so the port package imports none of its adapters.
 */
@NullMarked
package dev.hydra.forges;

import org.jspecify.annotations.NullMarked;
