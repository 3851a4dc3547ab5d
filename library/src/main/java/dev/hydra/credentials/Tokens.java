package dev.hydra.credentials;

import dev.hydra.secret.Secret;
import java.util.function.Function;

/** Turns a raw value into a {@link Secret}, with messages that name the place, never the value. */
final class Tokens {

  private Tokens() {}

  /**
   * Checks a token and wraps it.
   *
   * @param name the secret's name (the field or variable)
   * @param value the raw value
   * @param place renders a problem as a full message, for example {@code p -> "secrets/.env line 3:
   *     HYDRA_BUILDER_TOKEN " + p}
   * @throws CredentialException when the value is not a usable token
   */
  static Secret secret(String name, String value, Function<String, String> place)
      throws CredentialException {
    String problem = Secret.problem(value);
    if (problem != null) {
      throw new CredentialException(place.apply(problem));
    }
    if (value.startsWith("$")) {
      throw new CredentialException(
          place.apply(
              "looks like a variable reference ($…); nothing is expanded here, put the token"
                  + " itself"));
    }
    if (value.length() < Secret.MIN_MASKABLE_LENGTH) {
      throw new CredentialException(
          place.apply(
              "is too short to be a token ("
                  + value.length()
                  + " characters, tokens have at least "
                  + Secret.MIN_MASKABLE_LENGTH
                  + "); paste the whole token"));
    }
    return Secret.of(name, value);
  }
}
