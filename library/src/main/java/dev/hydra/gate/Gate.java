package dev.hydra.gate;

import dev.hydra.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One declared gate, validated ({@link GateFile#parse}).
 *
 * @param name the gate's name: letters, digits, {@code .}, {@code _} and {@code -}, at most 64
 * @param command the argv run in the gate's container; a command written as one string is {@code
 *     /bin/sh -c <string>}
 * @param image the image to run it in; empty for the builder's image
 * @param timeout the wall-clock limit
 * @param scope the whole tree or the pull request's changed files
 * @param registries the registries the gate says it needs (a network); refused by {@link
 *     GateRunner} in this version
 * @param runner whether the command follows the gate-runner contract: {@code [gate-N] <name>:
 *     PASS|FAIL — <reasons>|SKIPPED …|NOT APPLICABLE} lines, exit code = number of failing gates
 */
public record Gate(
    String name,
    List<String> command,
    Optional<ImageRef> image,
    Duration timeout,
    GateScope scope,
    List<String> registries,
    boolean runner) {

  /** What a gate's name may be. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** The timeout of a gate that declares none. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /** The longest timeout a gate may declare. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(2);

  /** Checks the name, the command and the timeout; copies the lists. */
  public Gate {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid gate name: " + name);
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("gate " + name + " has an empty command");
    }
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("gate " + name + " timeout out of range: " + timeout);
    }
    command = List.copyOf(command);
    registries = List.copyOf(registries);
  }
}
