package dev.hydra.ops;

import dev.hydra.credentials.CredentialException;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The least-privilege rules for persona tokens (SPEC §6: "a shared token or one with admin rights
 * on the repo is refused before anything is written"), in one place for {@code hydra doctor} (which
 * reports them as rows) and the commands that write ({@code run}, {@code reconcile}, {@code labels
 * seed}), which refuse to start.
 *
 * <ul>
 *   <li>{@link #admin}: a persona token must not have admin rights on the repository — admin can
 *       bypass branch protection, and no persona needs it.
 *   <li>{@link #notEnough}: the builder needs write access (it pushes and opens PRs); the other
 *       personas read the code and comment.
 * </ul>
 */
public final class TokenAccess {

  /** The fix for an admin token, shown by doctor and by the refusing commands. */
  public static final String ADMIN_FIX =
      "least privilege: use an account with write access (admin can bypass branch protection)";

  private TokenAccess() {}

  /** A broken rule: what was found and what to do. */
  public record Problem(String detail, String fix) {}

  /**
   * The admin rule.
   *
   * @param who the token's owner as it should be named ({@code @hydra-builder}, {@code the builder
   *     token (HYDRA_BUILDER_TOKEN)})
   * @return the problem when the permission is admin
   */
  public static Optional<Problem> admin(String who, Permission permission, RepoRef repo) {
    if (permission != Permission.ADMIN) {
      return Optional.empty();
    }
    return Optional.of(new Problem(who + " is admin on " + repo, ADMIN_FIX));
  }

  /** The access a persona needs: write for the builder, read for the others. */
  public static Permission needed(Persona persona) {
    return persona == Persona.BUILDER ? Permission.WRITE : Permission.READ;
  }

  /**
   * The enough-access rule.
   *
   * @return the problem when the permission is below {@link #needed}
   */
  public static Optional<Problem> notEnough(Persona persona, Permission permission) {
    Permission needed = needed(persona);
    if (permission.compareTo(needed) >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Problem(
            "has " + name(permission) + ", needs " + name(needed),
            persona == Persona.BUILDER
                ? "the builder pushes branches and opens PRs: give it write access"
                : "the "
                    + persona.id()
                    + " reads the code and comments: give it read access and"
                    + " issues/pull-requests write scopes"));
  }

  /**
   * Refuses to go on when any persona token is admin on the repository: asks each forge for its own
   * token's permission ({@link Forge#tokenPermission}, one read per persona, nothing written). Call
   * it before the first write.
   *
   * @param repo the repository the command writes to
   * @param forges each loaded persona's forge port, opened with that persona's token
   * @param sources where each persona's token came from ({@code HYDRA_BUILDER_TOKEN}, {@code
   *     git_tokens.builder}), for the message; never the value
   * @throws CredentialException naming the persona, the problem and the fix
   * @throws ForgeException when the forge will not say (the repository cannot be read)
   */
  public static void requireNoAdmin(
      RepoRef repo, Map<Persona, Forge> forges, Map<Persona, String> sources)
      throws CredentialException, ForgeException {
    for (Map.Entry<Persona, Forge> entry : forges.entrySet()) {
      Persona persona = entry.getKey();
      String source = sources.getOrDefault(persona, persona.envVariable());
      String who = "the " + persona.id() + " token (" + source + ")";
      Optional<Problem> problem = admin(who, entry.getValue().tokenPermission(repo), repo);
      if (problem.isPresent()) {
        throw new CredentialException(
            problem.get().detail()
                + "; refused before anything was written ("
                + ADMIN_FIX
                + "): set "
                + source
                + " to the token of an account with "
                + name(needed(persona))
                + " access to "
                + repo
                + ", not admin");
      }
    }
  }

  static String name(Permission permission) {
    return permission.name().toLowerCase(Locale.ROOT);
  }
}
