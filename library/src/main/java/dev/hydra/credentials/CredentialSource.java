package dev.hydra.credentials;

import java.util.Optional;

/**
 * A place credentials may come from: a file, the environment, or an ordered chain of those (see
 * {@link CredentialSources}).
 */
@FunctionalInterface
public interface CredentialSource {

  /**
   * Loads the credentials.
   *
   * @return the credentials, restricted to what the run needs; {@link Optional#empty()} when this
   *     source holds nothing at all (its file does not exist, none of its variables is set), so
   *     that the next source in a chain may be tried
   * @throws CredentialException when the source holds something but it is unusable: unreadable,
   *     malformed, too widely readable, missing a needed persona's token, or sharing one token
   *     between personas. The message names the file or variable, the field and the fix, never a
   *     value.
   */
  Optional<Credentials> find() throws CredentialException;

  /**
   * Says what this source reads, for messages such as "attempted sources were: …"; for example
   * {@code file secrets/credentials.json}.
   */
  default String description() {
    return "credential source " + getClass().getSimpleName();
  }
}
