package dev.hydra.config;

import java.util.List;

/**
 * One entry of the configuration registry ({@link Variables}): a variable, secret or contract name
 * Hydra, its action, its images or its workflows read, with what docs/configuration.md says about
 * it. Several names share an entry when they differ only by stage or persona ({@code
 * HYDRA_BUILD_TIMEOUT}, {@code HYDRA_CODE_REVIEW_TIMEOUT}, …): one row in the table.
 *
 * @param names the names, in the order the table lists them; at least one
 * @param inputs the action input that sets each name ({@code registry-token} for {@code
 *     HYDRA_REGISTRY_TOKEN}), in the order of {@code names}; empty when the action has none
 * @param kind who sets it
 * @param section the table it is listed in
 * @param defaultText the default, markdown (one line in the table)
 * @param meaning what it does, markdown
 * @param readBy who reads it, markdown: a class, a command, a script
 * @param documentedOnly empty when something reads it; else why it is listed although nothing the
 *     agreement test scans reads it
 */
public record ConfigVariable(
    List<String> names,
    List<String> inputs,
    Kind kind,
    Section section,
    String defaultText,
    String meaning,
    String readBy,
    String documentedOnly) {

  /** Who sets a name. */
  public enum Kind {
    /** A repository or organisation variable, or the environment of a local run. */
    VARIABLE,
    /** A repository or organisation secret. */
    SECRET,
    /** Set by the Actions runner (GitHub or Forgejo). */
    ACTIONS,
    /** Set by Hydra's own action or launcher for the command it starts. */
    ACTION,
    /** Set by the runner in a container it starts (runner ⇄ image contract, gates). */
    CONTAINER,
    /** A build argument of an image. */
    BUILD_ARG,
    /** Read inside an image, set by the image itself or by a test. */
    IMAGE
  }

  /** The table of docs/configuration.md an entry is listed in. */
  public enum Section {
    GENERAL,
    SECRETS,
    STAGES,
    ACTION,
    ACTIONS,
    WORKFLOWS,
    CONTAINER,
    GATE,
    DEMO,
    IMAGE_INTERNAL,
    BUILD;

    /** The section's id in the generated markers: {@code image-internal}. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** Checks the entry and copies the lists. */
  public ConfigVariable {
    names = List.copyOf(names);
    inputs = List.copyOf(inputs);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a configuration entry needs a name");
    }
    if (!inputs.isEmpty() && inputs.size() != names.size()) {
      throw new IllegalArgumentException(
          names.get(0) + ": one action input per name, or none (" + inputs + ")");
    }
  }

  /** A new entry with these names and nothing else said yet. */
  static ConfigVariable of(Kind kind, Section section, List<String> names) {
    return new ConfigVariable(names, List.of(), kind, section, "", "", "", "");
  }

  /** A new entry with one name. */
  static ConfigVariable of(Kind kind, Section section, String name) {
    return of(kind, section, List.of(name));
  }

  /**
   * The one name of a single-name entry, as the readers use it.
   *
   * @throws IllegalStateException for an entry of several names (use its accessor in {@link
   *     Variables})
   */
  public String name() {
    if (names.size() != 1) {
      throw new IllegalStateException(names + " are several names: pick one by stage or persona");
    }
    return names.get(0);
  }

  /** With the action inputs that set the names, in their order. */
  ConfigVariable input(String... actionInputs) {
    return new ConfigVariable(
        names, List.of(actionInputs), kind, section, defaultText, meaning, readBy, documentedOnly);
  }

  /** With inputs given as a list. */
  ConfigVariable inputs(List<String> actionInputs) {
    return input(actionInputs.toArray(String[]::new));
  }

  /** With the default, markdown. */
  ConfigVariable byDefault(String markdown) {
    return new ConfigVariable(
        names, inputs, kind, section, markdown, meaning, readBy, documentedOnly);
  }

  /** With the meaning, markdown; line breaks become spaces in the table. */
  ConfigVariable means(String markdown) {
    return new ConfigVariable(
        names, inputs, kind, section, defaultText, markdown, readBy, documentedOnly);
  }

  /** With who reads it, markdown. */
  ConfigVariable readBy(String markdown) {
    return new ConfigVariable(
        names, inputs, kind, section, defaultText, meaning, markdown, documentedOnly);
  }

  /** Listed although nothing scanned reads it, for this reason. */
  ConfigVariable documentedOnly(String reason) {
    return new ConfigVariable(names, inputs, kind, section, defaultText, meaning, readBy, reason);
  }
}
