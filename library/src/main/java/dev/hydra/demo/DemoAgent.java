package dev.hydra.demo;

import dev.hydra.image.publish.ImageBuildPlanner;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which agent runs in the demo's containers ({@code hydra demo --agent}).
 *
 * <p>{@link #DEMO}, the default, is the demo persona images' scripted shell agent ({@code
 * images/demo}), which the demo builds itself, offline. {@link #REAL} is the real persona images
 * ({@code hydra image build}: Debian, git, the Claude Code CLI, the egress firewall), each stage's
 * model gateway forwarding to a {@link dev.hydra.model.scripted.ScriptedModel} on loopback that
 * plays the persona's script ({@link DemoScripts}): the real agent path, with no account.
 */
public enum DemoAgent {

  /** The demo images' scripted agent: no model call, any outcome. */
  DEMO("the demo persona images' scripted agent, built by the demo from images/demo"),

  /** The real persona images and the real Claude Code CLI against the scripted model. */
  REAL("the real persona images (real Claude Code CLI) with a scripted model on loopback");

  /** The real images' default prefix: what {@code hydra image build --prefix} is told offline. */
  public static final String REAL_PREFIX = "localhost/hydra";

  private final String description;

  DemoAgent(String description) {
    this.description = description;
  }

  /** The option value: {@code demo} or {@code real}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What runs, in one line. */
  public String description() {
    return description;
  }

  /** The image prefix when none is given: {@code hydra-demo} or {@code localhost/hydra}. */
  public String defaultPrefix() {
    return this == DEMO ? DemoImages.PREFIX : REAL_PREFIX;
  }

  /**
   * The image tag when none is given: {@code local}, or {@code hydra image build}'s {@code latest}.
   */
  public String defaultTag() {
    return this == DEMO ? DemoImages.TAG : ImageBuildPlanner.DEFAULT_TAG;
  }

  /** The agent of an option value. */
  public static Optional<DemoAgent> fromId(String id) {
    return Arrays.stream(values()).filter(a -> a.id().equals(id)).findFirst();
  }

  /** Every option value with its description, for help texts. */
  public static String help() {
    return Arrays.stream(values())
        .map(a -> a.id() + ": " + a.description())
        .collect(Collectors.joining("; "));
  }

  /**
   * Why this agent cannot run with these options, when it cannot: the real agent plays the scripts
   * of a passing run only, and runs containers by definition. Pure.
   *
   * @param outcome the outcome asked for
   * @param scripted whether {@code --scripted} was given
   */
  public Optional<String> refusal(DemoOutcome outcome, boolean scripted) {
    if (this == DEMO) {
      return Optional.empty();
    }
    if (scripted) {
      return Optional.of(
          "--agent real runs the real persona images in containers; --scripted runs none. Choose"
              + " one");
    }
    if (outcome != DemoOutcome.PASS) {
      return Optional.of(
          "--agent real plays the scripted model's passing scripts only (--outcome pass); to"
              + " watch --outcome "
              + outcome.id()
              + ", run the demo images' agent: bin/hydra demo --outcome "
              + outcome.id());
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return id();
  }
}
