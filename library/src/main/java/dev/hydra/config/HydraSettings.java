package dev.hydra.config;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.text.Texts;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything Hydra reads from the environment, read once at the edge into one typed record (STYLE
 * point 9); the library below {@code config} takes this record, never the environment map. Pure:
 * tested with plain maps. Tokens are not here: they are secrets, loaded by the credential sources.
 *
 * <p>Values that only some commands use ({@code HYDRA_PERSONA_LOGINS}, the stage variables) are
 * kept as read and checked where they are used, so a command never fails on a value it does not
 * use.
 *
 * @param forge which forge, and how that was decided
 * @param labels the label scheme ({@code HYDRA_LABEL_PREFIX}, {@code HYDRA_TRIGGER_LABEL})
 * @param repository {@code GITHUB_REPOSITORY}, when set
 * @param urls the forge's API and server URLs from the Actions environment
 * @param trustedLabelers {@code HYDRA_TRUSTED_LABELERS}: comma-separated logins, blanks ignored
 * @param personaLoginsText {@code HYDRA_PERSONA_LOGINS} as set; {@link #personaLogins()} reads it
 * @param stages the stage containers' timeouts, models and images
 * @param runtime where the stages run: {@code HYDRA_RUNTIME} and the Kubernetes variables
 * @param actions whether this runs inside Actions ({@code GITHUB_ACTIONS=true})
 */
public record HydraSettings(
    ForgeSelection forge,
    LabelScheme labels,
    Optional<RepoRef> repository,
    ForgeUrls urls,
    Set<String> trustedLabelers,
    String personaLoginsText,
    StageSettings stages,
    RuntimeSettings runtime,
    boolean actions) {

  /** The variable that names the trusted labellers, comma-separated logins. */
  public static final String TRUSTED_LABELERS = Variables.TRUSTED_LABELERS.name();

  /** The variable that names the persona accounts' logins. */
  public static final String PERSONA_LOGINS = Variables.PERSONA_LOGINS.name();

  private static final Pattern LOGIN =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98})(?:\\[bot\\])?");

  /** Copies the set. */
  public HydraSettings {
    trustedLabelers = Set.copyOf(trustedLabelers);
  }

  /**
   * Reads the settings.
   *
   * @param forgeOption the {@code --forge} option, empty when not given
   * @param env the process environment
   * @throws InvalidConfigurationException naming the variable that is wrong and how to fix it
   */
  public static HydraSettings from(String forgeOption, Map<String, String> env)
      throws InvalidConfigurationException {
    Settings core = Settings.from(ForgeSelection.resolve(forgeOption, env), env);
    return new HydraSettings(
        core.forge(),
        core.labels(),
        core.repository(),
        ForgeUrls.from(env),
        trustedLabelers(env),
        env.getOrDefault(PERSONA_LOGINS, ""),
        StageSettings.from(env),
        RuntimeSettings.from(env),
        "true".equals(env.get(Variables.ACTIONS_RUN.name())));
  }

  /** The part the router judges by: forge, labels, repository. */
  public Settings core() {
    return new Settings(forge, labels, repository);
  }

  /** With another repository (the one the event names, when the environment names none). */
  public HydraSettings withRepository(RepoRef repo) {
    return new HydraSettings(
        forge,
        labels,
        Optional.of(repo),
        urls,
        trustedLabelers,
        personaLoginsText,
        stages,
        runtime,
        actions);
  }

  /**
   * The logins of Hydra's four persona accounts ({@code HYDRA_PERSONA_LOGINS}); empty when unset.
   *
   * @throws InvalidConfigurationException naming what is wrong and the fix
   */
  public Map<Persona, String> personaLogins() throws InvalidConfigurationException {
    return personaLogins(personaLoginsText);
  }

  /** Reads {@code HYDRA_TRUSTED_LABELERS}: comma-separated logins, blanks ignored. */
  public static Set<String> trustedLabelers(Map<String, String> env) {
    return Arrays.stream(env.getOrDefault(TRUSTED_LABELERS, "").split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Parses {@code HYDRA_PERSONA_LOGINS}: {@code builder=LOGIN,reviewer=LOGIN,security=LOGIN,
   * applier=LOGIN}, all four, in any order; blank is none.
   *
   * @throws InvalidConfigurationException naming what is wrong and the fix; never echoes a value
   *     that is not a login
   */
  public static Map<Persona, String> personaLogins(String value)
      throws InvalidConfigurationException {
    String text = value.strip();
    if (text.isEmpty()) {
      return Map.of();
    }
    String form =
        "; write it as builder=LOGIN,reviewer=LOGIN,security=LOGIN,applier=LOGIN (the account of"
            + " each persona's token, as `hydra doctor` prints it)";
    Map<Persona, String> logins = new EnumMap<>(Persona.class);
    String[] entries = text.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new InvalidConfigurationException(
            PERSONA_LOGINS + ": entry " + (i + 1) + " has no `=`" + form);
      }
      Optional<Persona> persona = Persona.fromId(entry.substring(0, eq));
      if (persona.isEmpty()) {
        throw new InvalidConfigurationException(
            PERSONA_LOGINS
                + ": entry "
                + (i + 1)
                + " names "
                + Texts.quote(entry.substring(0, eq).strip())
                + ", not a persona"
                + form);
      }
      String login = entry.substring(eq + 1).strip();
      if (!LOGIN.matcher(login).matches()) {
        throw new InvalidConfigurationException(
            PERSONA_LOGINS
                + ": the "
                + persona.get().id()
                + " login is empty or not a login (letters, digits, `-`, `_`, `.`, and a `[bot]`"
                + " suffix for an app)"
                + form);
      }
      if (logins.put(persona.get(), login) != null) {
        throw new InvalidConfigurationException(
            PERSONA_LOGINS + ": the " + persona.get().id() + " persona is named twice" + form);
      }
    }
    for (Persona persona : Persona.values()) {
      if (!logins.containsKey(persona)) {
        throw new InvalidConfigurationException(
            PERSONA_LOGINS + ": the " + persona.id() + " persona is missing" + form);
      }
    }
    return Map.copyOf(logins);
  }
}
