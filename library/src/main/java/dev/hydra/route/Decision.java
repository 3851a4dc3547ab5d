package dev.hydra.route;

import dev.hydra.text.Word;

/** Whether a stage runs for an event. */
public enum Decision implements Word {
  RUN,
  SKIP;
}
