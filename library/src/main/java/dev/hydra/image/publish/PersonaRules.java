package dev.hydra.image.publish;

import dev.hydra.config.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a persona of Hydra's own images denies: the {@code deny} list of its managed settings
 * ({@code images/<role>/settings.json}), its {@code HYDRA_DISALLOWED_TOOLS} ({@code persona.env})
 * and, for every persona whatever the files say, {@code Bash(git push:*)}. {@link #denial} tells
 * whether an extra allowed tool would allow any of it. Pure over the two texts.
 *
 * @param role the persona
 * @param denied the denied rules, in order
 */
record PersonaRules(String role, List<String> denied) {

  static final String GIT_PUSH = "Bash(git push:*)";

  private static final Pattern DISALLOWED =
      Pattern.compile("(?m)^HYDRA_DISALLOWED_TOOLS='([^']*)'\\s*$");
  private static final Pattern BASH = Pattern.compile("Bash\\((.*)\\)");
  private static final Pattern STRING = Pattern.compile("\"([^\"\\\\]*)\"");

  PersonaRules {
    denied = List.copyOf(denied);
  }

  /**
   * The rules of a role in Hydra's images.
   *
   * @throws InvalidConfigurationException when the files are missing or unreadable: not Hydra's
   *     images
   */
  static PersonaRules of(java.nio.file.Path hydraImages, String role)
      throws InvalidConfigurationException {
    java.nio.file.Path dir = hydraImages.resolve(role);
    String settings = ImageOverlay.text(dir.resolve("settings.json"));
    String env = ImageOverlay.text(dir.resolve("persona.env"));
    if (settings.isEmpty() || env.isEmpty()) {
      throw new InvalidConfigurationException(
          dir
              + " holds no settings.json or persona.env: not Hydra's images/; pass --context with"
              + " the images/ directory of the Hydra release you customise");
    }
    return parse(role, settings, env);
  }

  /** The rules from the texts of {@code settings.json} and {@code persona.env}. */
  static PersonaRules parse(String role, String settingsJson, String personaEnv)
      throws InvalidConfigurationException {
    Set<String> denied = new LinkedHashSet<>(list(settingsJson, "deny", role));
    Matcher m = DISALLOWED.matcher(personaEnv);
    if (m.find()) {
      for (String rule : m.group(1).split(",", -1)) {
        if (!rule.isBlank()) {
          denied.add(rule.strip());
        }
      }
    }
    denied.add(GIT_PUSH);
    return new PersonaRules(role, new ArrayList<>(denied));
  }

  /**
   * The denied rule an extra allowed tool would allow, or null when it allows none: the same rule;
   * a specifier of a tool denied as a whole ({@code Write(src/**)} when {@code Write} is denied); a
   * {@code Bash} rule whose command starts with a denied one ({@code Bash(git push origin)}) or, as
   * a prefix pattern, covers one ({@code Bash(git:*)}, {@code Bash(*)}).
   */
  @Nullable String denial(String tool) {
    int paren = tool.indexOf('(');
    String name = paren < 0 ? tool : tool.substring(0, paren);
    Matcher bash = BASH.matcher(tool);
    if (denied.contains(tool)) {
      return tool;
    }
    for (String rule : denied) {
      if (rule.equals(name) && paren >= 0) {
        return rule;
      }
      Matcher deniedBash = BASH.matcher(rule);
      if (bash.matches() && deniedBash.matches()) {
        String command = command(bash.group(1));
        String deniedCommand = command(deniedBash.group(1));
        boolean pattern = bash.group(1).strip().endsWith("*");
        if (command.startsWith(deniedCommand) || (pattern && deniedCommand.startsWith(command))) {
          return rule;
        }
      }
    }
    return null;
  }

  /**
   * The strings of a one-level array {@code "<key>": [ … ]} of Hydra's own {@code settings.json}
   * (its rules hold no quote or backslash).
   *
   * @throws InvalidConfigurationException when there is no such array: not Hydra's images
   */
  static List<String> list(String settingsJson, String key, String role)
      throws InvalidConfigurationException {
    Matcher array = array(settingsJson, key, role);
    List<String> rules = new ArrayList<>();
    Matcher string = STRING.matcher(array.group(2));
    while (string.find()) {
      rules.add(string.group(1));
    }
    return rules;
  }

  /** The array {@code "<key>": [ … ]}: group 2 its content, group 3 the closing bracket. */
  static Matcher array(String settingsJson, String key, String role)
      throws InvalidConfigurationException {
    Matcher m =
        Pattern.compile("(\"" + key + "\"\\s*:\\s*\\[)([^\\]\\\\]*)(\\])").matcher(settingsJson);
    if (!m.find()) {
      throw new InvalidConfigurationException(
          "images/"
              + role
              + "/settings.json has no permissions."
              + key
              + " list: not Hydra's images/");
    }
    return m;
  }

  // "git  push:*" → "git push"; "npm test" → "npm test"; "*" → "".
  private static String command(String spec) {
    String s = spec.strip().replaceAll("\\s+", " ");
    s = s.replaceFirst(":?\\*$", "").strip();
    return s;
  }
}
