package dev.hydra.forge;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A label being added to an issue, from the history.
 *
 * @param actor the login of who added it
 * @param at when
 * @param bot whether the forge says the actor is a bot ({@code type: Bot}); a {@code [bot]} login
 *     is one whatever this says
 */
public record LabelEvent(String actor, Instant at, boolean bot) {
  public LabelEvent {
    requireNonNull(actor, "actor");
    requireNonNull(at, "at");
  }

  /** An addition by an actor the forge does not call a bot. */
  public static LabelEvent byUser(String actor, Instant at) {
    return new LabelEvent(actor, at, false);
  }
}
