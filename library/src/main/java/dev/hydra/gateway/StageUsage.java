package dev.hydra.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one stage used through the gateway, for its run record: names and counts only.
 *
 * @param requests the requests the agent made (each answered once, whatever the rotation did)
 * @param calls every request sent upstream, in order, with the account it used
 * @param tokens the tokens of every answer
 * @param budget the stage's token budget, when it has one
 * @param ended why the gateway refused further requests (the budget was spent), when it did
 */
public record StageUsage(
    int requests,
    List<UpstreamCall> calls,
    TokenUsage tokens,
    OptionalLong budget,
    Optional<String> ended) {

  /** Nothing used: no gateway ran, or the agent made no request. */
  public static final StageUsage NONE =
      new StageUsage(0, List.of(), TokenUsage.ZERO, OptionalLong.empty(), Optional.empty());

  /** Copies the calls. */
  public StageUsage {
    calls = List.copyOf(calls);
  }

  /** How many upstream requests each account served, in the order accounts were first used. */
  public Map<String, Integer> callsByAccount() {
    Map<String, Integer> out = new LinkedHashMap<>();
    calls.forEach(c -> out.merge(c.account(), 1, Integer::sum));
    return out;
  }
}
