package dev.hydra.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Claude tokens of a deployment, tried in order, with what is known about each: exhausted until
 * a reset time, or quarantined because it was refused.
 *
 * <p>Tokens are named ({@code account-1}); the pool never holds their values, so it can be logged
 * and saved in a state file for long-running modes ({@link TokenPoolState}). It is thread-safe: the
 * model gateway rotates per request, and requests run in parallel.
 */
public final class ClaudeTokenPool {

  /** How long a token counts as exhausted when the agent did not say when its limit resets. */
  public static final Duration UNKNOWN_RESET = Duration.ofHours(1);

  private final List<String> order;
  private final Map<String, Instant> exhaustedUntil = new LinkedHashMap<>();
  private final Map<String, String> quarantined = new LinkedHashMap<>();

  /**
   * Creates a pool.
   *
   * @param names the token names in the order they are tried; unique and non-empty
   */
  public ClaudeTokenPool(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no Claude tokens configured");
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("Claude token names must be unique: " + names);
    }
    this.order = List.copyOf(names);
  }

  /** The token names in the order they are tried. */
  public List<String> names() {
    return order;
  }

  /**
   * The first token that is neither exhausted at {@code now} nor quarantined.
   *
   * @return the token's name, or empty when none can be used now
   */
  public synchronized Optional<String> next(Instant now) {
    for (String name : order) {
      if (quarantined.containsKey(name)) {
        continue;
      }
      Instant until = exhaustedUntil.get(name);
      if (until == null || !until.isAfter(now)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /**
   * Records that a token's account hit its limit.
   *
   * @param name the token
   * @param resetsAt when its limit resets; null when unknown ({@link #UNKNOWN_RESET} from now)
   * @param now the current time
   */
  public synchronized void markExhausted(String name, @Nullable Instant resetsAt, Instant now) {
    requireKnown(name);
    Instant until = resetsAt != null && resetsAt.isAfter(now) ? resetsAt : now.plus(UNKNOWN_RESET);
    exhaustedUntil.merge(name, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * Takes a refused token out of rotation until a person replaces it.
   *
   * @param name the token
   * @param why what showed it was refused
   */
  public synchronized void quarantine(String name, String why) {
    requireKnown(name);
    quarantined.put(name, why);
  }

  /** The earliest time an exhausted, non-quarantined token becomes usable again. */
  public synchronized Optional<Instant> nextReset(Instant now) {
    return exhaustedUntil.entrySet().stream()
        .filter(e -> !quarantined.containsKey(e.getKey()) && e.getValue().isAfter(now))
        .map(Map.Entry::getValue)
        .min(Instant::compareTo);
  }

  /** The quarantined tokens and why. */
  public synchronized Map<String, String> quarantined() {
    return Map.copyOf(quarantined);
  }

  /** The exhausted tokens and until when. */
  public synchronized Map<String, Instant> exhausted() {
    return Map.copyOf(exhaustedUntil);
  }

  /** Restores what a state file remembered, ignoring tokens no longer configured. */
  public synchronized void restore(Map<String, Instant> exhausted, Map<String, String> quarantine) {
    exhausted.forEach(
        (name, until) -> {
          if (order.contains(name)) {
            exhaustedUntil.merge(name, until, (a, b) -> a.isAfter(b) ? a : b);
          }
        });
    quarantine.forEach(
        (name, why) -> {
          if (order.contains(name)) {
            quarantined.put(name, why);
          }
        });
  }

  /** A one-line summary for messages: which tokens are out, and why. */
  public synchronized String describe(Instant now) {
    List<String> parts = new ArrayList<>();
    for (String name : order) {
      if (quarantined.containsKey(name)) {
        parts.add(name + " quarantined (" + quarantined.get(name) + ")");
      } else if (exhaustedUntil.containsKey(name) && exhaustedUntil.get(name).isAfter(now)) {
        parts.add(name + " exhausted until " + exhaustedUntil.get(name));
      } else {
        parts.add(name + " available");
      }
    }
    return String.join(", ", parts);
  }

  private void requireKnown(String name) {
    if (!order.contains(name)) {
      throw new IllegalArgumentException("unknown Claude token " + name);
    }
  }
}
