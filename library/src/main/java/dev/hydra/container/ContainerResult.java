package dev.hydra.container;

import java.time.Duration;

/**
 * How a stage container ended.
 *
 * @param exitCode the container's exit code (137 after a kill)
 * @param timedOut whether Hydra killed it at its deadline
 * @param duration how long it ran
 */
public record ContainerResult(int exitCode, boolean timedOut, Duration duration) {

  /** Exit code of a process killed by SIGKILL: the kernel's OOM killer, or Hydra at a deadline. */
  public static final int KILLED = 137;

  /** Whether it was killed without Hydra killing it: most likely out of memory. */
  public boolean outOfMemory() {
    return !timedOut && exitCode == KILLED;
  }

  /** One phrase for people: "exit 0", "timed out after PT35M", "killed: out of memory (137)". */
  public String describe() {
    if (timedOut) {
      return "timed out after " + duration.toSeconds() + " s and was killed";
    }
    if (outOfMemory()) {
      return "killed with exit code 137: out of memory (or killed from outside)";
    }
    return "exit code " + exitCode;
  }
}
