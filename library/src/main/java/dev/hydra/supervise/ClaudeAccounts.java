package dev.hydra.supervise;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.TokenPoolState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Claude accounts out of rotation now, as the stages' model gateways left them: each stage's
 * gateway rotates through the accounts and writes what it learnt (an account rate-limited until its
 * reset, a refused one quarantined) to the token-state file the supervisor's stages share ({@code
 * HYDRA_TOKEN_STATE}, {@link TokenPoolState}). Read at every scrape; names and times only.
 */
public final class ClaudeAccounts {

  private final List<String> names;
  private final @Nullable Path state;
  private final Clock clock;

  private ClaudeAccounts(List<String> names, @Nullable Path state, Clock clock) {
    this.names = List.copyOf(names);
    this.state = state;
    this.clock = clock;
  }

  /** No shared token state: every account counts as available. */
  public static ClaudeAccounts none() {
    return new ClaudeAccounts(List.of(), null, Clock.systemUTC());
  }

  /**
   * The accounts of a token-state file.
   *
   * @param state the file the stages' gateways write ({@code HYDRA_TOKEN_STATE})
   * @param names the configured Claude tokens' names; a name the file remembers but no longer
   *     configured is not counted
   * @param clock when an exhaustion has reset
   */
  public static ClaudeAccounts fromState(Path state, List<String> names, Clock clock) {
    return new ClaudeAccounts(names, state, clock);
  }

  /** Accounts rate-limited until a reset still to come (not counting quarantined ones). */
  public double exhausted() {
    @Nullable ClaudeTokenPool pool = read();
    if (pool == null) {
      return names.isEmpty() ? 0 : Double.NaN;
    }
    Instant now = clock.instant();
    Map<String, String> quarantined = pool.quarantined();
    return pool.exhausted().entrySet().stream()
        .filter(e -> e.getValue().isAfter(now) && !quarantined.containsKey(e.getKey()))
        .count();
  }

  /** Accounts taken out of rotation because they were refused, until a person replaces them. */
  public double quarantined() {
    @Nullable ClaudeTokenPool pool = read();
    if (pool == null) {
      return names.isEmpty() ? 0 : Double.NaN;
    }
    return pool.quarantined().size();
  }

  /** The file's memory, or null when there is none or it cannot be read (the gauge says NaN). */
  private @Nullable ClaudeTokenPool read() {
    if (state == null || names.isEmpty()) {
      return null;
    }
    ClaudeTokenPool pool = new ClaudeTokenPool(names);
    try {
      TokenPoolState.load(state, pool);
    } catch (IOException e) {
      return null;
    }
    return pool;
  }
}
