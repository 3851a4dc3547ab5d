package dev.hydra.model.scripted;

import java.util.List;

/** One assistant turn of a {@link Script}: tool calls, or the final text. */
public sealed interface Step {

  /**
   * Tool calls in one assistant message (stop reason {@code tool_use}); the CLI runs them and asks
   * again with their results.
   *
   * @param calls one or more calls
   */
  record Tools(List<ToolCall> calls) implements Step {
    public Tools {
      if (calls.isEmpty()) {
        throw new IllegalArgumentException("a tool step needs at least one call");
      }
      calls = List.copyOf(calls);
    }
  }

  /**
   * The final answer (stop reason {@code end_turn}): the persona's summary ending in its verdict
   * block.
   *
   * @param text the whole text
   */
  record Answer(String text) implements Step {}
}
