package dev.hydra.wiring;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.TokenPoolState;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.stage.StageMounts;
import dev.hydra.stage.StageRequest;
import dev.hydra.stage.StageResult;
import dev.hydra.stage.StageRunner;
import dev.hydra.stage.TemporaryMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** One stage container run on the local Docker engine ({@code hydra stage-run}). */
public final class StageRuns {

  private StageRuns() {}

  /**
   * Runs the request with empty workspace and input folders (the spec folder copied into the input
   * when given), deleted afterwards, and a pool of the request's Claude tokens that remembers
   * exhausted and refused tokens in {@code tokenState} (else {@code HYDRA_TOKEN_STATE}) across
   * runs.
   *
   * @param request the stage, image, URLs and Claude tokens
   * @param spec a spec folder to hand the agent at {@code /input/spec}, empty for none
   * @param tokenState the token-state file ({@code --token-state}), empty for the settings'
   * @param stages the stage settings: the model upstream and the token state
   * @param docker the docker CLI and network
   * @param actions whether output is fenced against workflow commands
   * @param log receives each output line, masked and timestamped
   * @throws InvalidConfigurationException when the token-state file cannot be read or the upstream
   *     is invalid
   * @throws IOException when the docker CLI cannot be started or the folders not made
   * @throws InterruptedException when interrupted
   */
  public static StageResult run(
      StageRequest request,
      Optional<Path> spec,
      Optional<Path> tokenState,
      StageSettings stages,
      RunWiring.Docker docker,
      boolean actions,
      Consumer<String> log)
      throws InvalidConfigurationException, IOException, InterruptedException {
    Optional<Path> state =
        tokenState.or(
            () -> Optional.of(stages.tokenState()).filter(s -> !s.isEmpty()).map(Path::of));
    if (state.isPresent()) {
      // Read once up front, so that a file that is not a state file stops here with its name.
      try {
        TokenPoolState.load(
            state.get(),
            new ClaudeTokenPool(
                request.credentials().claudeTokens().stream().map(ClaudeToken::name).toList()));
      } catch (IOException e) {
        throw new InvalidConfigurationException("--token-state: " + e.getMessage());
      }
    }
    StageRunner runner =
        StageRunners.docker(
            docker.docker(), docker.network(), actions, stages, Clock.systemUTC(), log);
    StageRunner withState = runner.withOptions(runner.options().withTokenState(state));
    Map<String, String> env = spec.isPresent() ? Map.of("SPEC_PATH", StageMounts.SPEC) : Map.of();
    try (TemporaryMounts mounts = TemporaryMounts.create(env)) {
      if (spec.isPresent()) {
        copyTree(spec.get(), mounts.mounts().input().resolve("spec"));
      }
      return withState.run(request, mounts.mounts());
    }
  }

  // Regular files and folders only: a symbolic link is neither followed nor copied.
  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the spec folder " + from + " is not a directory");
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(from)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      Path target = to.resolve(from.relativize(path).toString());
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(target);
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.copy(path, target);
      }
    }
  }
}
