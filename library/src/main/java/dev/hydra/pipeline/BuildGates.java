package dev.hydra.pipeline;

import dev.hydra.gate.GateTable;
import dev.hydra.stage.StageResult;
import java.util.Map;

/**
 * What the runner does with a builder pass whose commits it collected and gated, before any push
 * (issue 13 item 2): push them, give the builder another pass with files in its input folder, or
 * stop. The executor asks; {@link GatePasses} decides.
 */
@FunctionalInterface
public interface BuildGates {

  /**
   * Decides after one pass's gates.
   *
   * @param table every gate's result on the pass's commits
   * @return what the executor does next
   */
  Next afterGates(GateTable table);

  /**
   * Told of every agent pass the executor ran under this policy, as it ended, before its gates (a
   * pass that failed has none): the run record carries each pass's usage.
   */
  default void ran(StageResult pass) {}

  /** What comes after a gated pass. */
  sealed interface Next {}

  /** Every gate passed: push the commits. */
  record Push() implements Next {}

  /**
   * Another builder pass on the same workspace, with these files added to its input folder.
   *
   * @param inputs file name → content, for example {@code gates.md}
   */
  record FixPass(Map<String, String> inputs) implements Next {
    /** Copies the map. */
    public FixPass {
      inputs = Map.copyOf(inputs);
    }
  }

  /**
   * Nothing is pushed: the stage fails with the reason.
   *
   * @param why one line for people
   */
  record Stop(String why) implements Next {}
}
