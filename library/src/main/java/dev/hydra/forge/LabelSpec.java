package dev.hydra.forge;

import java.util.regex.Pattern;

/**
 * A repository label as Hydra seeds it.
 *
 * @param name the full label name (prefix applied)
 * @param color six hex digits, without {@code #}
 * @param description one line for people
 */
public record LabelSpec(String name, String color, String description) {

  private static final Pattern COLOR = Pattern.compile("[0-9a-f]{6}");

  public LabelSpec {
    if (!COLOR.matcher(color).matches()) {
      throw new IllegalArgumentException(
          "label colour must be six lower-case hex digits: " + color);
    }
  }
}
