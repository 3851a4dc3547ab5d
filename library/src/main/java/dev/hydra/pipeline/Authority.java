package dev.hydra.pipeline;

import static java.util.Objects.requireNonNull;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.text.Texts;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may move the pipeline: a pure decision over who acted, Hydra's own accounts and the forge's
 * permission answer (security-anchors §1.6).
 *
 * <p>Only a <b>person</b> with write access carries authority. Never:
 *
 * <ul>
 *   <li>a bot: a login ending in {@code [bot]} (any case), or one the forge calls {@code type:
 *       Bot};
 *   <li>any of Hydra's four persona accounts: each has write access, and each persona's agent holds
 *       its token, so a persona's label would let an agent start, reset or merge its own work;
 *   <li>a user without write access (triage, read): on Forgejo, whose permission endpoint answers
 *       only administrators, the operator's {@code HYDRA_TRUSTED_LABELERS} stands in for the
 *       answer, and a persona or a bot on that list is still refused.
 * </ul>
 *
 * <p>A review's {@code :queued} label or the event that starts the reviews is also legitimate when
 * the builder persona made it: that is Hydra's own transition ({@link #ofHydraOrPerson}).
 *
 * <p>Logins are compared without regard to case: GitHub and Forgejo logins are case-insensitive.
 */
final class Authority {

  /** The users Forgejo and Gitea act as with a workflow's automatic token. */
  private static final Set<String> ACTIONS_USERS = Set.of("forgejo-actions", "gitea-actions");

  private Authority() {}

  /**
   * Who did something.
   *
   * @param login the login, empty when the forge does not say
   * @param bot whether the forge says the account is a bot ({@code type: Bot})
   */
  record Actor(String login, boolean bot) {
    Actor {
      requireNonNull(login, "login");
    }

    /**
     * A bot by the forge's word, by its login's {@code [bot]} suffix, or the user of Forgejo's or
     * Gitea's own Actions token.
     */
    boolean isBot() {
      String lower = login.strip().toLowerCase(Locale.ROOT);
      return bot || lower.endsWith("[bot]") || ACTIONS_USERS.contains(lower);
    }
  }

  /**
   * The logins of Hydra's persona accounts that are known in this job: from {@code
   * HYDRA_PERSONA_LOGINS}, or asked of each persona token the job holds.
   */
  record Personas(Map<Persona, String> logins) {
    Personas {
      logins = Map.copyOf(logins);
    }

    static Personas none() {
      return new Personas(Map.of());
    }

    /** The persona whose account this is, if known. */
    Optional<Persona> of(String login) {
      for (Map.Entry<Persona, String> e : new EnumMap<>(logins).entrySet()) {
        if (same(e.getValue(), login)) {
          return Optional.of(e.getKey());
        }
      }
      return Optional.empty();
    }

    /** The login of one persona, if known. */
    Optional<String> login(Persona persona) {
      return Optional.ofNullable(logins.get(persona));
    }
  }

  /** Hydra's own accounts, found only when the rules need them (it may cost a request). */
  @FunctionalInterface
  interface PersonaLookup {
    Personas personas() throws ForgeException;
  }

  /** The forge's permission question, asked only when the rules need its answer. */
  @FunctionalInterface
  interface PermissionLookup {
    Permission permission(String login) throws ForgeException;
  }

  /**
   * The decision.
   *
   * @param ok whether the act carries authority
   * @param why one sentence, for the log, the job's output and the explanation comment
   */
  record Result(boolean ok, String why) {}

  /**
   * Whether an act by {@code who} carries authority: the trigger, {@code rebuild:queued}, {@code
   * retry:queued}, {@code yolo}.
   *
   * @param act what was done, in the passive, for messages: {@code `ready-to-build` was applied to
   *     #7}
   * @param personas Hydra's own accounts known in this job, asked for only when needed
   * @param trusted {@code HYDRA_TRUSTED_LABELERS}, consulted when the forge will not answer
   * @throws ForgeException when the lookup fails for another reason than a refusal
   */
  static Result ofPerson(
      String act,
      Actor who,
      PersonaLookup personas,
      Set<String> trusted,
      RepoRef repo,
      PermissionLookup lookup)
      throws ForgeException {
    String login = who.login().strip();
    if (login.isEmpty()) {
      return refused("the forge does not say by whom " + act);
    }
    String by = act + " by @" + Texts.escape(login, 100);
    if (who.isBot()) {
      return refused(by + ", a bot; bots never carry authority in Hydra");
    }
    Optional<Persona> persona = personas.personas().of(login);
    if (persona.isPresent()) {
      return refused(
          by
              + ", the "
              + persona.get().id()
              + " persona's account; Hydra's own accounts never carry authority");
    }
    try {
      Permission permission = lookup.permission(login);
      if (permission.canWrite()) {
        return new Result(true, by + ", who has write access");
      }
      return refused(by + ", who has no write access to " + repo);
    } catch (ForgeForbiddenException e) {
      if (trusted.stream().anyMatch(t -> same(t, login))) {
        return new Result(true, by + ", listed in " + PipelineOptions.TRUSTED_LABELERS);
      }
      return refused(
          by
              + ", and the forge will not say whether they have write access; "
              + PipelineOptions.TRUSTED_LABELERS
              + " does not list them");
    }
  }

  /**
   * Whether an act that starts the reviews (a review's {@code :queued} label, a pull request opened
   * or reopened) is legitimate: made by the builder persona, which is Hydra's own transition, or
   * carrying a person's authority ({@link #ofPerson}).
   *
   * @param builder the builder persona's login when known in this job, else null
   */
  static Result ofHydraOrPerson(
      String act,
      Actor who,
      @Nullable String builder,
      PersonaLookup personas,
      Set<String> trusted,
      RepoRef repo,
      PermissionLookup lookup)
      throws ForgeException {
    if (builder != null && !builder.isBlank() && same(builder, who.login())) {
      return new Result(
          true,
          act + " by @" + Texts.escape(who.login().strip(), 100) + ": Hydra's own transition");
    }
    return ofPerson(act, who, personas, trusted, repo, lookup);
  }

  /** Whether two logins name the same account (logins are case-insensitive). */
  static boolean same(String a, String b) {
    return a.strip().equalsIgnoreCase(b.strip()) && !a.isBlank();
  }

  private static Result refused(String why) {
    return new Result(false, why);
  }
}
