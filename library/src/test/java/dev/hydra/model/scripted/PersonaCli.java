package dev.hydra.model.scripted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A persona's real Claude Code permissions, read from {@code images/<persona>/}, as the CLI
 * arguments the entrypoint ({@code images/base/agent-stage.sh}) passes: {@code --allowedTools} and
 * {@code --disallowedTools} from {@code persona.env}, and its {@code settings.json} (in the image
 * the managed settings, {@code /etc/claude-code/managed-settings.json}) given with {@code
 * --settings}, since a host run cannot install managed settings.
 *
 * @param persona builder, reviewer, security or applier
 * @param settings the persona's settings.json
 * @param allowedTools {@code HYDRA_ALLOWED_TOOLS}
 * @param disallowedTools {@code HYDRA_DISALLOWED_TOOLS}, empty when unset
 * @param maxTurns {@code HYDRA_DEFAULT_MAX_TURNS}
 */
public record PersonaCli(
    String persona, Path settings, String allowedTools, String disallowedTools, int maxTurns) {

  /** The model name passed with {@code --model}, as {@code HYDRA_MODEL} would be. */
  public static final String MODEL = "claude-sonnet-4-5";

  /** Reads a persona's files from the project's {@code images/} folder. */
  public static PersonaCli of(String persona) throws IOException {
    Path dir = imagesDir().resolve(persona);
    String env = Files.readString(dir.resolve("persona.env"));
    return new PersonaCli(
        persona,
        dir.resolve("settings.json"),
        variable(env, "HYDRA_ALLOWED_TOOLS").orElseThrow(),
        variable(env, "HYDRA_DISALLOWED_TOOLS").orElse(""),
        Integer.parseInt(variable(env, "HYDRA_DEFAULT_MAX_TURNS").orElseThrow()));
  }

  /** The settings file's text, for checks on what it denies. */
  public String settingsText() throws IOException {
    return Files.readString(settings);
  }

  /** The CLI arguments of a headless run with this persona's permissions. */
  public List<String> args(String prompt) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-p",
                prompt,
                "--output-format",
                "stream-json",
                "--verbose",
                "--max-turns",
                Integer.toString(maxTurns),
                "--model",
                MODEL,
                "--allowedTools",
                allowedTools));
    if (!disallowedTools.isEmpty()) {
      args.addAll(List.of("--disallowedTools", disallowedTools));
    }
    args.addAll(List.of("--settings", settings.toString()));
    return args;
  }

  // NAME='value' or NAME=value on a line of persona.env.
  private static Optional<String> variable(String env, String name) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "=(?:'([^']*)'|(\\S*))\\s*$").matcher(env);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(m.group(1) != null ? m.group(1) : m.group(2));
  }

  /** The project's {@code images/} folder (Maven runs tests in the module directory). */
  public static Path imagesDir() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("images/base"))) {
        return dir.resolve("images");
      }
    }
    throw new IllegalStateException("no images/ folder above " + Path.of("").toAbsolutePath());
  }
}
