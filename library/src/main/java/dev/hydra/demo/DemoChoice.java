package dev.hydra.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * Which executor runs the demo's stages, and the lines that say so.
 *
 * @param containers whether the stages run as real containers
 * @param lines what to print about it: why, and what is missing with the fix
 */
public record DemoChoice(boolean containers, List<String> lines) {

  /** Copies the lines. */
  public DemoChoice {
    lines = List.copyOf(lines);
  }

  /**
   * Real containers of the real persona images ({@code --agent real}), saying what is real and what
   * is not. Pure.
   *
   * @param prefix the images' name prefix
   * @param tag their tag
   */
  public static DemoChoice real(String prefix, String tag) {
    return new DemoChoice(
        true,
        List.of(
            "containers: every stage runs as a real hardened container on the local Docker engine:"
                + " real persona images ("
                + prefix
                + "-{builder,reviewer,security,applier}:"
                + tag
                + "), real Claude Code CLI, scripted model on loopback (no account; nothing leaves"
                + " this machine), fake demo tokens shown as ***"));
  }

  /**
   * Chooses the executor: real containers when nothing is missing and scripting was not asked for;
   * scripted verdicts otherwise, saying why and, for each missing piece, the fix. Pure.
   *
   * @param scripted whether {@code --scripted} was given
   * @param missing what {@link DemoImages#check} found missing
   */
  public static DemoChoice choose(boolean scripted, List<DemoImages.Missing> missing) {
    if (scripted) {
      return new DemoChoice(
          false,
          List.of(
              "containers: off (--scripted): each stage is a scripted verdict; the docker run it"
                  + " would use is printed as its plan"));
    }
    if (missing.isEmpty()) {
      return new DemoChoice(
          true,
          List.of(
              "containers: every stage runs as a real hardened container on the local Docker"
                  + " engine (demo persona images, scripted agent, fake demo tokens shown as ***)"));
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "containers: cannot run here, so each stage is a scripted verdict and the docker run it"
            + " would use is printed as its plan. Missing:");
    for (DemoImages.Missing m : missing) {
      lines.add("  - " + m.what() + "; fix: " + m.fix());
    }
    return new DemoChoice(false, lines);
  }
}
