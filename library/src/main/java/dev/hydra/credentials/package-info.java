/**
 * Credentials: the personas' git tokens and the ordered Claude tokens, loaded from {@code
 * secrets/credentials.json} (plus {@code secrets/.env}) or from the environment, as redacting
 * {@link dev.hydra.secret.Secret} values.
 */
@NullMarked
package dev.hydra.credentials;

import org.jspecify.annotations.NullMarked;
