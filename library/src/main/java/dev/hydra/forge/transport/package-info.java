/**
 * What the GitHub and Forgejo adapters share, and nothing else may use: the host-bound HTTP
 * transport (the token goes to the configured host only), rate-limit waits within a budget, and the
 * one place where a failed request becomes a {@link dev.hydra.forge.ForgeException} naming persona,
 * repository and fix. Public only because Java has no visibility for sibling packages; not an API.
 */
@NullMarked
package dev.hydra.forge.transport;

import org.jspecify.annotations.NullMarked;
