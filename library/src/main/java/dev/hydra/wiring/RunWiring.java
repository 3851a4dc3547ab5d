package dev.hydra.wiring;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.credentials.CredentialException;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.workspace.GitRemote;
import dev.hydra.workspace.OutputLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Wires the pipeline of {@code hydra run} and {@code hydra reconcile} from the settings: each
 * persona's forge, the stage runner on the chosen runtime ({@link StageRunners}), the options, and
 * the masker that every text of the run passes through.
 */
public final class RunWiring {

  private RunWiring() {}

  /**
   * The pipeline and the masker of one run.
   *
   * @param pipeline the pipeline
   * @param masker masks every token of the run; the caller masks its own output with it
   */
  public record Wired(Pipeline pipeline, SecretMasker masker) {}

  /**
   * The docker CLI and network of the stage containers; empty means the default.
   *
   * @param docker {@code --docker}/{@code HYDRA_DOCKER}
   * @param network {@code --network}/{@code HYDRA_NETWORK}
   */
  public record Docker(String docker, String network) {}

  /**
   * Wires {@code hydra run}: a token shaped for the other forge is refused at once, an admin token
   * before the first write ({@link TokenRefusedException}, thrown by the pipeline's first write).
   * Every text Hydra writes — to the forge, the log, the outputs, the summary — is masked for every
   * token of the run at the last moment, on the decoded text (docs/security.md).
   *
   * @param target the forge and repository
   * @param credentials the tokens of the personas this step acts as
   * @param pushOnly the personas whose tokens only push a stage's commits ({@link
   *     RunPlan#pushOnly}): no forge is opened with them, and each is refused right before its
   *     first push when admin
   * @param docker the docker CLI and network
   * @param baseBranch the branch draft PRs target
   * @param records where run records are written, null for none
   * @param stageLog receives each container output line, masked
   * @param runLog receives each pipeline log line, masked
   * @throws InvalidConfigurationException naming a variable that holds no valid value (the model
   *     upstream included)
   * @throws CredentialException when a token is admin on the repository (not on GitHub: there the
   *     first write throws {@link TokenRefusedException})
   * @throws ForgeException when the forge will not say
   * @throws IOException when the docker CLI cannot be started
   */
  public static Wired run(
      ForgeTarget target,
      Credentials credentials,
      Set<Persona> pushOnly,
      Docker docker,
      String baseBranch,
      @Nullable Path records,
      Consumer<String> stageLog,
      Consumer<String> runLog)
      throws InvalidConfigurationException, CredentialException, ForgeException, IOException {
    SecretMasker masker = SecretMasker.of(credentials.secrets());
    return wire(
        target,
        credentials,
        pushOnly,
        masker,
        baseBranch,
        records,
        runLog,
        () ->
            new RunnerStageExecutor(
                    StageRunners.of(
                        target.settings().runtime(),
                        docker,
                        target.settings().actions(),
                        target.settings().stages(),
                        Clock.systemUTC(),
                        line -> stageLog.accept(masker.mask(line))),
                    target.settings().stages(),
                    credentials,
                    target.webUrl(),
                    git(target, credentials, pushOnly, baseBranch))
                .withGates(
                    StageRunners.gates(
                        target.settings().runtime(), docker, Clock.systemUTC(), masker)));
  }

  /**
   * Each persona's git remote of the repository, with its own token; a push-only token is checked
   * for admin rights right before its first push ({@link PushOnlyCheck}).
   *
   * @throws InvalidConfigurationException when a push-only token is shaped for the other forge
   */
  static RunnerStageExecutor.Git git(
      ForgeTarget target, Credentials credentials, Set<Persona> pushOnly, String baseBranch)
      throws InvalidConfigurationException {
    Map<Persona, GitRemote> remotes = new EnumMap<>(Persona.class);
    Map<Persona, Forge> checked = new EnumMap<>(Persona.class);
    Map<Persona, String> sources = new EnumMap<>(Persona.class);
    for (Map.Entry<Persona, Secret> entry : credentials.gitTokens().entrySet()) {
      Persona persona = entry.getKey();
      Secret token = entry.getValue();
      remotes.put(persona, target.gitRemote(token));
      if (pushOnly.contains(persona)) {
        checked.put(persona, target.open(persona.id(), token.name(), token.reveal()));
        sources.put(persona, token.name());
      }
    }
    return new RunnerStageExecutor.Git(
        remotes,
        baseBranch,
        OutputLimits.defaults(),
        new PushOnlyCheck(target.repo(), checked, sources));
  }

  /**
   * The pipeline of {@code hydra run} around a given stage executor: the same forges, token checks,
   * options and masking as {@link #run}, without Docker. The wire tests measure a whole run's
   * requests through it.
   *
   * @throws InvalidConfigurationException naming a variable that holds no valid value
   * @throws CredentialException when a token is admin on the repository (not on GitHub: there the
   *     first write throws {@link TokenRefusedException})
   * @throws ForgeException when the forge will not say
   */
  public static Wired run(
      ForgeTarget target,
      Credentials credentials,
      Set<Persona> pushOnly,
      StageExecutor executor,
      Consumer<String> runLog)
      throws InvalidConfigurationException, CredentialException, ForgeException {
    try {
      return wire(
          target,
          credentials,
          pushOnly,
          SecretMasker.of(credentials.secrets()),
          "main",
          null,
          runLog,
          () -> executor);
    } catch (IOException e) {
      throw new IllegalStateException("no executor to start", e);
    }
  }

  /** Makes the stage executor once the forges are open and checked. */
  @FunctionalInterface
  private interface ExecutorFactory {
    StageExecutor make() throws IOException, InvalidConfigurationException;
  }

  private static Wired wire(
      ForgeTarget target,
      Credentials credentials,
      Set<Persona> pushOnly,
      SecretMasker masker,
      String baseBranch,
      @Nullable Path records,
      Consumer<String> runLog,
      ExecutorFactory executor)
      throws InvalidConfigurationException, CredentialException, ForgeException, IOException {
    var forges = ForgeOpener.open(target, credentials, pushOnly, masker);
    PipelineOptions options =
        PipelineOptions.from(target.settings())
            .withBaseBranch(baseBranch)
            .withRunRecordDir(records);
    return new Wired(
        new Pipeline(forges, executor.make(), options, line -> runLog.accept(masker.mask(line))),
        masker);
  }

  /**
   * Wires {@code hydra reconcile}: the builder alone ({@code HYDRA_BUILDER_TOKEN}, refused when
   * admin), no stage runner.
   *
   * @param target the forge and repository
   * @param env the process environment, for the builder's token
   * @param log receives each pipeline log line
   * @throws InvalidConfigurationException when the token or a stage timeout is invalid
   * @throws CredentialException when the token is admin on the repository
   * @throws ForgeException when the forge will not say
   */
  public static Pipeline reconcile(
      ForgeTarget target, Map<String, String> env, Consumer<String> log)
      throws InvalidConfigurationException, CredentialException, ForgeException {
    var builder = ForgeOpener.builder(target, env);
    return new Pipeline(
        Map.of(dev.hydra.credentials.Persona.BUILDER, builder),
        call -> {
          throw new IllegalStateException("reconcile runs no stage");
        },
        PipelineOptions.defaults(target.settings().labels())
            .withStageTimeouts(target.settings().stages()),
        log);
  }
}
