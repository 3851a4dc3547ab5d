package dev.hydra.wiring;

import dev.hydra.agent.ClaudeTokenPool;
import dev.hydra.agent.TokenPoolState;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.RuntimeSettings;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One stage container run by hand ({@code hydra stage-run}, {@code hydra dev-run}) on the runtime
 * the settings choose ({@link StageRunners}).
 */
public final class StageRuns {

  private StageRuns() {}

  /**
   * What the stage's folders start with; all empty is {@code stage-run}'s empty folders.
   *
   * @param spec a spec folder to hand the agent at {@code /input/spec}
   * @param issue the issue text written to {@code /input/issue.md} ({@code dev-run}'s fixture)
   * @param repo a folder copied into {@code /workspace/repo} (a local checkout), links left out
   * @param keep where {@code /workspace/out} (the stage's bundle) is copied after the run
   */
  public record Folders(
      Optional<Path> spec, Optional<String> issue, Optional<Path> repo, Optional<Path> keep) {

    /** Only a spec folder, when given. */
    public static Folders spec(Optional<Path> spec) {
      return new Folders(spec, Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * Runs the request with empty workspace and input folders (the spec folder copied into the input
   * when given), deleted afterwards, and a pool of the request's Claude tokens that remembers
   * exhausted and refused tokens in {@code tokenState} (else {@code HYDRA_TOKEN_STATE}) across
   * runs.
   *
   * @param request the stage, image, URLs and Claude tokens
   * @param folders what the input and workspace folders start with
   * @param tokenState the token-state file ({@code --token-state}), empty for the settings'
   * @param stages the stage settings: the model upstream and the token state
   * @param runtime the runtime ({@code HYDRA_RUNTIME}) and its settings
   * @param docker the docker CLI and network
   * @param actions whether output is fenced against workflow commands
   * @param log receives each output line, masked and timestamped
   * @throws InvalidConfigurationException when the token-state file cannot be read, or the upstream
   *     or the runtime's settings are invalid
   * @throws IOException when the docker CLI cannot be started or the folders not made
   * @throws InterruptedException when interrupted
   */
  public static StageResult run(
      StageRequest request,
      Folders folders,
      Optional<Path> tokenState,
      StageSettings stages,
      RuntimeSettings runtime,
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
    StageRunner runner = StageRunners.of(runtime, docker, actions, stages, Clock.systemUTC(), log);
    StageRunner withState = runner.withOptions(runner.options().withTokenState(state));
    Optional<Path> spec = folders.spec();
    Map<String, String> env = spec.isPresent() ? Map.of("SPEC_PATH", StageMounts.SPEC) : Map.of();
    try (TemporaryMounts mounts = TemporaryMounts.create(env)) {
      Path input = mounts.mounts().input();
      if (spec.isPresent()) {
        copyTree(spec.get(), input.resolve("spec"));
      }
      if (folders.issue().isPresent()) {
        Files.writeString(input.resolve("issue.md"), folders.issue().get());
      }
      if (folders.repo().isPresent()) {
        copyTree(folders.repo().get(), mounts.mounts().workspace().resolve("repo"));
        openToTheAgent(mounts.mounts().workspace().resolve("repo"));
        Files.createDirectories(mounts.mounts().workspace().resolve("out"));
      }
      StageResult result = withState.run(request, mounts.mounts());
      Path out = mounts.mounts().workspace().resolve("out");
      if (folders.keep().isPresent() && Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
        copyTree(out, folders.keep().get());
      }
      return result;
    }
  }

  // The agent runs as another uid (10001): everything it is given to change, writable for all.
  private static void openToTheAgent(Path dir) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      boolean folder = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(
          path,
          PosixFilePermissions.fromString(
              folder || Files.isExecutable(path) ? "rwxrwxrwx" : "rw-rw-rw-"));
    }
  }

  // Regular files and folders only: a symbolic link is neither followed nor copied.
  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(from + " is not a directory");
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
        Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
