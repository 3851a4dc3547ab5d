package dev.hydra.config;

import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import java.util.Map;
import java.util.Optional;

/**
 * Settings read once, at the edge, from the environment. Pure: tested with plain maps.
 *
 * <p>Actions passes an unset repository variable as an empty string, so empty and unset mean the
 * same everywhere.
 *
 * @param forge which forge, and how that was decided
 * @param labels the label scheme ({@code HYDRA_LABEL_PREFIX}, {@code HYDRA_TRIGGER_LABEL})
 * @param repository {@code GITHUB_REPOSITORY}, when set
 */
public record Settings(ForgeSelection forge, LabelScheme labels, Optional<RepoRef> repository) {

  /**
   * Reads the settings.
   *
   * @param forgeOption the {@code --forge} option, empty when not given
   * @param env the process environment
   * @throws InvalidConfigurationException naming the variable that is wrong and how to fix it
   */
  public static Settings from(String forgeOption, Map<String, String> env)
      throws InvalidConfigurationException {
    LabelScheme labels = labels(env);
    return new Settings(ForgeSelection.resolve(forgeOption, env), labels, repository(env));
  }

  /**
   * Reads the settings for a forge already chosen.
   *
   * @param forge the forge
   * @param env the process environment
   * @throws InvalidConfigurationException naming the variable that is wrong and how to fix it
   */
  public static Settings from(ForgeSelection forge, Map<String, String> env)
      throws InvalidConfigurationException {
    return new Settings(forge, labels(env), repository(env));
  }

  /**
   * Reads only the label scheme.
   *
   * @throws InvalidConfigurationException when the prefix or trigger label is invalid
   */
  public static LabelScheme labels(Map<String, String> env) throws InvalidConfigurationException {
    String prefix = env.getOrDefault(Variables.LABEL_PREFIX.name(), "");
    String trigger = env.getOrDefault(Variables.TRIGGER_LABEL.name(), "");
    try {
      return LabelScheme.of(prefix, trigger);
    } catch (IllegalArgumentException e) {
      String variable =
          e.getMessage() != null && e.getMessage().startsWith("label prefix")
              ? Variables.LABEL_PREFIX.name()
              : Variables.TRIGGER_LABEL.name();
      throw new InvalidConfigurationException(
          variable + ": " + e.getMessage() + " (fix the repository variable or environment)");
    }
  }

  private static Optional<RepoRef> repository(Map<String, String> env)
      throws InvalidConfigurationException {
    String value = env.getOrDefault(Variables.REPOSITORY.name(), "");
    if (value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(RepoRef.parse(value.strip()));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(Variables.REPOSITORY.name() + ": " + e.getMessage());
    }
  }
}
