package dev.hydra.forge;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A label being added to an issue, from the history.
 *
 * @param actor the login of who added it
 * @param at when
 */
public record LabelEvent(String actor, Instant at) {
  public LabelEvent {
    requireNonNull(actor, "actor");
    requireNonNull(at, "at");
  }
}
