package dev.hydra.gate;

import dev.hydra.text.Word;

/** What a gate checks: the whole tree, or the files the pull request changes. */
public enum GateScope implements Word {
  /** The whole tracked tree (the default). */
  FULL,
  /** The files changed from the base commit to the head, handed to the gate as a list. */
  DIFF
}
