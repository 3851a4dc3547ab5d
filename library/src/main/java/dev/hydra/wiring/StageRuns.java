package dev.hydra.wiring;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.TokenPoolState;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.stage.StageRequest;
import dev.hydra.stage.StageResult;
import dev.hydra.stage.StageRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/** One stage container run on the local Docker engine ({@code hydra stage-run}). */
public final class StageRuns {

  private StageRuns() {}

  /**
   * Runs the request with a pool of the request's Claude tokens, remembering exhausted and refused
   * tokens in {@code tokenState} across runs when given.
   *
   * @param request the stage, image, URLs and credentials
   * @param tokenState the token-state file ({@code --token-state}), empty for none
   * @param docker the docker CLI and network
   * @param actions whether output is fenced against workflow commands
   * @param log receives each output line, masked and timestamped
   * @throws InvalidConfigurationException when the token-state file cannot be read
   * @throws IOException when the docker CLI cannot be started or the state not saved
   * @throws InterruptedException when interrupted
   */
  public static StageResult run(
      StageRequest request,
      Optional<Path> tokenState,
      RunWiring.Docker docker,
      boolean actions,
      Consumer<String> log)
      throws InvalidConfigurationException, IOException, InterruptedException {
    ClaudeTokenPool pool =
        new ClaudeTokenPool(
            request.credentials().claudeTokens().stream().map(ClaudeToken::name).toList());
    if (tokenState.isPresent()) {
      try {
        TokenPoolState.load(tokenState.get(), pool);
      } catch (IOException e) {
        throw new InvalidConfigurationException("--token-state: " + e.getMessage());
      }
    }
    Clock clock = Clock.systemUTC();
    StageRunner runner =
        StageRunners.docker(docker.docker(), docker.network(), actions, clock, log);
    StageResult result = runner.run(request, pool);
    if (tokenState.isPresent()) {
      TokenPoolState.save(tokenState.get(), pool, clock.instant());
    }
    return result;
  }
}
