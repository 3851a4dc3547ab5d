package dev.hydra.gate;

import java.time.Duration;

/**
 * The result of one gate, or of one check a gate-runner gate reported.
 *
 * @param name the gate's name; for a runner's checks {@code <gate>/gate-<N> <check>} (untrusted:
 *     rendered only through {@code Texts})
 * @param status pass, fail or skipped
 * @param time how long the gate's container ran (a runner's checks each carry the runner's time)
 * @param reason one line: why it failed or was skipped; empty when it passed
 * @param report the last lines of the gate's output, masked and bounded ({@link GateOutput})
 */
public record GateResult(
    String name, GateStatus status, Duration time, String reason, String report) {

  /** Whether it failed. */
  public boolean failed() {
    return status == GateStatus.FAIL;
  }
}
