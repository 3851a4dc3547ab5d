package dev.hydra.model.scripted;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the scripted model answers, turn by turn: step n answers the request whose conversation
 * holds the tool calls of step n-1 (and none later). So a replayed request (the gateway's rotation
 * after a 429, a retry after a 529) gets the same step again, and no step is skipped or played
 * twice.
 *
 * @param name for messages
 * @param steps tool steps, then one {@link Step.Answer} last
 */
public record Script(String name, List<Step> steps) {

  /** Checks that the script ends with its answer and has no other. */
  public Script {
    steps = List.copyOf(steps);
    if (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof Step.Answer)) {
      throw new IllegalArgumentException("a script ends with its final answer: " + name);
    }
    if (steps.stream().filter(Step.Answer.class::isInstance).count() != 1) {
      throw new IllegalArgumentException("a script has exactly one final answer: " + name);
    }
  }

  /** A builder for a script. */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /**
   * The turns the CLI reports ({@code num_turns}) when the whole script is played: Claude Code
   * 2.1.332 counts one per tool call (two calls in one message are two) and one for the answer.
   */
  public int turns() {
    int turns = 0;
    for (Step step : steps) {
      turns += step instanceof Step.Tools tools ? tools.calls().size() : 1;
    }
    return turns;
  }

  /** The step for a conversation with this many assistant messages; the answer repeats. */
  Step step(int index) {
    return steps.get(Math.min(index, steps.size() - 1));
  }

  /** Builds a script step by step. */
  public static final class Builder {
    private final String name;
    private final List<Step> steps = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /** A step of one or more tool calls. */
    public Builder call(ToolCall... calls) {
      steps.add(new Step.Tools(Arrays.asList(calls)));
      return this;
    }

    /** Ends the script with its final text. */
    public Script answer(String text) {
      steps.add(new Step.Answer(text));
      return new Script(name, steps);
    }
  }
}
