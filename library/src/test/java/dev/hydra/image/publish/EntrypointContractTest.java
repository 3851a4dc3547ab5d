package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.credentials.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The entrypoint's validation of the runner ⇄ image contract v2 ({@code hydra_validate} of
 * images/base/entrypoint-common.sh), run with the host's bash, no Docker: every token variable
 * refused, the gateway URL, branch, base commit, mode and input files checked, exit 64 and a
 * message that names the variable and never its value.
 */
class EntrypointContractTest {

  static final CommandRunner RUNNER = new CommonsExecCommandRunner();
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;

  @Test
  void aCompleteContractIsAccepted() throws Exception {
    assertThat(validate("reviewer", valid()).exitCode()).isZero();
    Map<String, String> v6 = valid();
    v6.put("ANTHROPIC_BASE_URL", "http://[fd12:3456::1]:8080");
    assertThat(validate("reviewer", v6).exitCode()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GIT_TOKEN",
        "CLAUDE_CODE_OAUTH_TOKEN",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_API_KEY"
      })
  void everyTokenIsRefusedByNameNeverByValue(String variable) throws Exception {
    String token = TestTokens.claude(variable.length());
    Map<String, String> env = valid();
    env.put(variable, token);
    for (String demo : List.of("0", "1")) {
      env.put("HYDRA_DEMO", demo);
      CommandRunner.Result r = validate("builder", env);

      assertThat(r.exitCode()).as(variable + " demo=" + demo).isEqualTo(64);
      assertThat(r.stderr())
          .startsWith("hydra: error: " + variable)
          .contains("the runner keeps the tokens");
      TestTokens.assertNoTokenIn(r.stdout() + r.stderr());
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ANTHROPIC_BASE_URL|https://gw.test:8080|model gateway, http://<host>:<port>, not",
        "ANTHROPIC_BASE_URL|http://gw.test|must name the",
        "ANTHROPIC_BASE_URL|http://user:pw@gw.test:8080|no path, query or credentials",
        "ANTHROPIC_BASE_URL|http://gw.test:8080/v1|no path, query or credentials",
        "ANTHROPIC_BASE_URL|http://gw.test:99999|invalid port",
        "HYDRA_BRANCH|-x|not a valid branch name",
        "HYDRA_BRANCH|hydra/../main|not a valid branch name",
        "HYDRA_BRANCH|a;b|not a valid branch name",
        "HYDRA_BASE_SHA|0123abc|40 lower-case hex digits",
        "HYDRA_MODE|deploy|build, review, apply or fix",
        "REPO_URL|https://x-access-token:t@forge.test/o/r|must not carry credentials",
      })
  void aMalformedValueIsRefused(String variable, String value, String message) throws Exception {
    Map<String, String> env = valid();
    env.put(variable, value);

    CommandRunner.Result r = validate("reviewer", env);

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(64);
    assertThat(r.stderr()).startsWith("hydra: error: ").contains(message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_API_KEY",
        "HYDRA_BRANCH",
        "HYDRA_BASE_SHA",
        "HYDRA_MODEL"
      })
  void aMissingVariableIsRefusedExceptInDemoMode(String variable) throws Exception {
    Map<String, String> env = valid();
    env.remove(variable);

    CommandRunner.Result r = validate("builder", env);
    assertThat(r.exitCode()).isEqualTo(64);
    assertThat(r.stderr()).contains(variable + " is required");

    env.put("HYDRA_DEMO", "1");
    assertThat(validate("builder", env).exitCode()).isZero();
  }

  @Test
  void theReviewersInputsAndTheCloneMustBeMounted() throws Exception {
    Files.delete(dir.resolve("input/pull-request.diff"));
    assertThat(validate("builder", valid()).exitCode()).isZero();
    CommandRunner.Result r = validate("security", valid());
    assertThat(r.exitCode()).isEqualTo(64);
    assertThat(r.stderr()).contains("pull-request.diff is missing");

    Files.delete(dir.resolve("workspace/repo"));
    assertThat(validate("builder", valid()).stderr()).contains("is not mounted");
  }

  @BeforeEach
  void mountsAsTheRunnerPreparesThem() throws Exception {
    Files.createDirectories(dir.resolve("workspace/repo"));
    Path input = Files.createDirectories(dir.resolve("input"));
    for (String f : List.of("issue.md", "pull-request.md", "pull-request.diff")) {
      Files.writeString(input.resolve(f), "x\n");
    }
  }

  private Map<String, String> valid() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HYDRA_MODE", "review");
    env.put("HYDRA_MODEL", "claude-sonnet-4-5");
    env.put("HYDRA_BRANCH", "hydra/5-add-a-health-endpoint");
    env.put("HYDRA_BASE_SHA", SHA);
    env.put("ANTHROPIC_BASE_URL", "http://172.17.0.1:41234");
    env.put("ANTHROPIC_API_KEY", "hydra-gateway-placeholder-0123456789abcdef");
    env.put("REPO_URL", "https://forge.test/o/r");
    env.put("HYDRA_REPO_DIR", dir.resolve("workspace/repo").toString());
    env.put("HYDRA_INPUT", dir.resolve("input").toString());
    return env;
  }

  private static CommandRunner.Result validate(String role, Map<String, String> env)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin"));
    env.forEach((k, v) -> argv.add(k + "=" + v));
    argv.addAll(
        List.of(
            "bash",
            "-c",
            ". \"$0\" && hydra_validate \"$1\"",
            ImageTestSupport.imagesDir().resolve("base/entrypoint-common.sh").toString(),
            role));
    return RUNNER.run(argv, Duration.ofSeconds(30));
  }
}
