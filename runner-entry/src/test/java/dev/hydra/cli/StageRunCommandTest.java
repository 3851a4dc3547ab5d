package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hydra stage-run}: options, bad input and the exit codes that need no Docker. */
class StageRunCommandTest {

  @TempDir Path dir;

  final String reviewerToken = "rev" + UUID.randomUUID().toString().replace("-", "");
  final String claudeToken = "cla" + UUID.randomUUID().toString().replace("-", "");

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HYDRA_REVIEWER_TOKEN", reviewerToken);
    env.put("HYDRA_CLAUDE_TOKEN_1", claudeToken);
    env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
    return env;
  }

  MainTest.Result run(Map<String, String> env, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("stage-run");
    args.add("--credentials");
    args.add(dir.resolve("none.json").toString());
    args.add("--dotenv");
    args.add(dir.resolve("none.env").toString());
    args.addAll(List.of(extra));
    return MainTest.run(env, args.toArray(new String[0]));
  }

  static final String[] REVIEW = {
    "--stage",
    "code-review",
    "--repo-url",
    "https://github.com/acme/app",
    "--issue-url",
    "https://github.com/acme/app/issues/7"
  };

  @Test
  void helpListsTheOptionsAndExitCode4() {
    MainTest.Result r = MainTest.run(Map.of(), "stage-run", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("--stage", "--image", "--repo-url", "--issue-url", "--pr-url", "--spec")
        .contains("--credentials", "--dotenv", "--network", "--token-state", "--docker")
        .contains("  4   container runtime error");
    assertThat(MainTest.run(Map.of(), "--help").out()).contains("stage-run");
  }

  @Test
  void theStageIsRequiredAndMustRunAContainer() {
    MainTest.Result missing = run(env(), "--repo-url", "https://github.com/a/b");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--stage is required");

    MainTest.Result retry = run(env(), "--stage", "retry");
    assertThat(retry.code()).isEqualTo(2);
    assertThat(retry.err()).contains("unknown stage `retry`; choose build, code-review");
  }

  @Test
  void theImageComesFromTheEnvironmentOrTheFlag() {
    Map<String, String> env = env();
    env.remove("HYDRA_IMAGE_PREFIX");
    MainTest.Result r = run(env, REVIEW);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("HYDRA_IMAGE_PREFIX is not set");

    MainTest.Result bad = run(env(), concat(REVIEW, "--image", "--privileged"));
    assertThat(bad.code()).isEqualTo(2);
  }

  @Test
  void badConfigurationIsExit2NamingTheVariable() {
    Map<String, String> env = env();
    env.put("HYDRA_CODE_REVIEW_TIMEOUT", "forever");
    MainTest.Result r = run(env, REVIEW);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("HYDRA_CODE_REVIEW_TIMEOUT=`forever` is not a duration");
  }

  @Test
  void missingCredentialsNameThePersonaAndTheFix() {
    Map<String, String> env = env();
    env.remove("HYDRA_REVIEWER_TOKEN");
    MainTest.Result r = run(env, REVIEW);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("HYDRA_REVIEWER_TOKEN").doesNotContain(claudeToken);
  }

  @Test
  void badUrlsAreExit2() {
    MainTest.Result r =
        run(
            env(),
            "--stage",
            "code-review",
            "--repo-url",
            "http://github.com/acme/app",
            "--issue-url",
            "https://github.com/acme/app/issues/7");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("must be an https URL");

    MainTest.Result none = run(env(), "--stage", "code-review");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--repo-url and --issue-url are required");
  }

  @Test
  void aDockerThatCannotRunIsExit4() {
    MainTest.Result r = run(env(), concat(REVIEW, "--docker", dir.resolve("no-docker").toString()));
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).contains("hydra stage-run: error: stage code-review: ", "cannot run");
    assertThat(r.out())
        .contains("hydra: stage code-review for https://github.com/acme/app/issues/7");
    assertThat(r.out() + r.err()).doesNotContain(reviewerToken).doesNotContain(claudeToken);
  }

  @Test
  void anUnreadableTokenStateIsExit2() throws Exception {
    Path state = dir.resolve("state.json");
    java.nio.file.Files.writeString(state, "[]");
    MainTest.Result r = run(env(), concat(REVIEW, "--token-state", state.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--token-state: ", "is not a Hydra token state file");
  }

  static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(new String[0]);
  }
}
