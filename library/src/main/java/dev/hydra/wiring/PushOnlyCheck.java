package dev.hydra.wiring;

import dev.hydra.credentials.CredentialException;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import dev.hydra.ops.TokenAccess;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.workspace.WorkspaceException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The admin refusal of SPEC §6 for the tokens a job holds only to push with (the builder's in a
 * review job, for its reviewer's fixes): asked right before that token's first push, once per
 * process, so that a review without fixes costs no request. An admin token refuses that push and
 * every later one, and nothing is pushed. Such a token makes no API write: no pipeline forge is
 * opened with it, only the forge that reads its own permission here.
 */
final class PushOnlyCheck implements RunnerStageExecutor.PushCheck {

  private final RepoRef repo;
  private final Map<Persona, Forge> forges;
  private final Map<Persona, String> sources;
  private final Set<Persona> passed = EnumSet.noneOf(Persona.class);
  private final Map<Persona, String> refused = new EnumMap<>(Persona.class);

  /**
   * @param forges each push-only persona's forge, opened with its token, for its permission only
   * @param sources where each token came from, for the message
   */
  PushOnlyCheck(RepoRef repo, Map<Persona, Forge> forges, Map<Persona, String> sources) {
    this.repo = repo;
    this.forges = new EnumMap<>(Persona.class);
    this.forges.putAll(forges);
    this.sources = new EnumMap<>(Persona.class);
    this.sources.putAll(sources);
  }

  /** Passes a persona that is not push-only: its token was checked at the job's first write. */
  @Override
  public synchronized void beforePush(Persona pusher) throws WorkspaceException {
    Forge forge = forges.get(pusher);
    if (forge == null || passed.contains(pusher)) {
      return;
    }
    String why = refused.get(pusher);
    if (why == null) {
      String source = sources.getOrDefault(pusher, pusher.envVariable());
      try {
        TokenAccess.requireNoAdmin(repo, Map.of(pusher, forge), Map.of(pusher, source));
        passed.add(pusher);
        return;
      } catch (CredentialException e) {
        why = String.valueOf(e.getMessage());
        refused.put(pusher, why);
      } catch (ForgeException e) {
        throw new WorkspaceException(
            "the "
                + pusher.id()
                + " token's permission could not be read, so nothing was pushed: "
                + e.getMessage());
      }
    }
    throw new WorkspaceException(why);
  }
}
