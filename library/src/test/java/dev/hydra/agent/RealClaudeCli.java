package dev.hydra.agent;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Claude Code CLI from npm ({@code @anthropic-ai/claude-code}, pinned in {@code
 * test-fixtures/package.json}, installed by {@code npm ci --prefix test-fixtures}), run headless
 * against a loopback {@link FakeMessagesApi} so that tests classify what it really prints.
 *
 * <p>The CLI runs with an empty environment but for its home and temporary directory (both fresh),
 * {@code ANTHROPIC_BASE_URL} pointing at the fake, nonessential traffic off, no retries of its own,
 * stdin closed, and a timeout. Without the package the tests are skipped, or fail with {@code
 * HYDRA_REQUIRE_FIXTURES=1} (CI).
 */
public final class RealClaudeCli {

  static final String BIN = "test-fixtures/node_modules/.bin/claude";
  static final String MISSING =
      "the Claude Code CLI (@anthropic-ai/claude-code) is not installed: run `npm ci --prefix"
          + " test-fixtures` in the project root (HYDRA_REQUIRE_FIXTURES=1 turns this skip into a"
          + " failure)";
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** How the CLI is given its credential. */
  public enum Credential {
    /** {@code ANTHROPIC_API_KEY}: a Console API key, sent as {@code x-api-key}. */
    API_KEY,
    /** {@code CLAUDE_CODE_OAUTH_TOKEN}: a subscription token, sent as a bearer token. */
    OAUTH,
    /** No credential at all. */
    NONE
  }

  /**
   * What one run printed.
   *
   * @param lines stdout, one stream-json event a line
   * @param exitCode the exit code
   * @param stderr what it wrote to stderr, for failure messages
   */
  public record Recording(List<String> lines, int exitCode, String stderr) {
    public Recording {
      lines = List.copyOf(lines);
    }

    /** Feeds every line to a fresh classifier. */
    public AgentOutcome outcome() {
      StreamJsonClassifier classifier = new StreamJsonClassifier();
      lines.forEach(classifier::accept);
      return classifier.outcome(exitCode);
    }

    /** The stream, for assertion messages. */
    public String describe() {
      return "exit " + exitCode + "\n" + String.join("\n", lines) + "\nstderr: " + stderr;
    }
  }

  private final Path binary;
  private final Path scratch;

  private RealClaudeCli(Path binary, Path scratch) {
    this.binary = binary;
    this.scratch = scratch;
  }

  /**
   * The installed CLI, or a skipped test (a failed one with {@code HYDRA_REQUIRE_FIXTURES=1}).
   *
   * @param scratch a directory for the runs' homes and working directories
   */
  public static RealClaudeCli require(Path scratch) {
    Optional<Path> binary = locate();
    String problem = binary.isEmpty() ? MISSING : versionProblem(binary.get(), scratch);
    if (problem != null) {
      if ("1".equals(System.getenv("HYDRA_REQUIRE_FIXTURES"))) {
        fail("HYDRA_REQUIRE_FIXTURES=1 but " + problem);
      }
      Assumptions.abort(problem);
    }
    return new RealClaudeCli(binary.orElseThrow(), scratch);
  }

  /**
   * Runs {@code claude -p … --output-format stream-json --verbose} once.
   *
   * @param api the fake API it talks to, and nothing else
   * @param credential how the token is given
   * @param token the token value; ignored for {@link Credential#NONE}
   */
  Recording run(FakeMessagesApi api, Credential credential, String token)
      throws IOException, InterruptedException {
    return run(api.baseUrl(), credential, token);
  }

  /** Runs the CLI against any base URL, for example a closed loopback port. */
  public Recording run(String baseUrl, Credential credential, String token)
      throws IOException, InterruptedException {
    Path work = Files.createDirectories(Files.createTempDirectory(scratch, "work"));
    Files.writeString(work.resolve("README.md"), "# a project\n");
    return run(
        baseUrl,
        credential,
        token,
        work,
        List.of(
            "-p", "Say hello.", "--output-format", "stream-json", "--verbose", "--max-turns", "4"));
  }

  /**
   * Runs the CLI with the given arguments in a working directory, with a fresh home and temporary
   * directory and the environment described above.
   *
   * @param work its working directory, for example a git clone
   * @param args everything after the binary's name, for example {@code -p <prompt> --settings f}
   */
  public Recording run(
      String baseUrl, Credential credential, String token, Path work, List<String> args)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(scratch, "run");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(dir.resolve("stderr").toFile())
            .redirectOutput(dir.resolve("stdout").toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("TMPDIR", tmp.toString());
    env.put("ANTHROPIC_BASE_URL", baseUrl);
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("CLAUDE_CODE_MAX_RETRIES", "0");
    env.put("DISABLE_AUTOUPDATER", "1");
    switch (credential) {
      case API_KEY -> env.put("ANTHROPIC_API_KEY", token);
      case OAUTH -> env.put("CLAUDE_CODE_OAUTH_TOKEN", token);
      case NONE -> {}
    }
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      fail("the Claude Code CLI did not finish within " + TIMEOUT);
    }
    List<String> lines =
        new ArrayList<>(Files.readAllLines(dir.resolve("stdout"), StandardCharsets.UTF_8));
    return new Recording(
        lines,
        process.exitValue(),
        Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
  }

  // Maven runs tests in the module directory; walk up to the project root that holds
  // test-fixtures/.
  private static Optional<Path> locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("test-fixtures"))) {
        Path file = dir.resolve(BIN);
        return Files.isExecutable(file) ? Optional.of(file) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static @Nullable String versionProblem(Path binary, Path scratch) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(binary.toString(), "--version")
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true);
      builder.environment().clear();
      builder.environment().put("PATH", "/usr/bin:/bin");
      builder.environment().put("HOME", Files.createTempDirectory(scratch, "home").toString());
      Process version = builder.start();
      String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!version.waitFor(30, TimeUnit.SECONDS)) {
        version.destroyForcibly();
        return BIN + " --version did not finish";
      }
      return version.exitValue() == 0 && out.contains("Claude Code")
          ? null
          : BIN + " --version failed: " + out.strip();
    } catch (IOException e) {
      return BIN + " does not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
