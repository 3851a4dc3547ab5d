/**
 * The Forgejo adapter of the forge port, on the client generated from our subset of Forgejo's
 * swagger ({@code dev.hydra.forge.forgejo.client}). Its types never leave this package.
 */
@NullMarked
package dev.hydra.forge.forgejo;

import org.jspecify.annotations.NullMarked;
