package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hydra dev-run}: its defaults, bad input and the exit codes that need no Docker. */
class DevRunCommandTest {

  @TempDir Path dir;

  final String builderToken = "bui" + UUID.randomUUID().toString().replace("-", "");
  final String claudeToken = "cla" + UUID.randomUUID().toString().replace("-", "");

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HYDRA_BUILDER_TOKEN", builderToken);
    env.put("HYDRA_REVIEWER_TOKEN", "rev" + builderToken.substring(3));
    env.put("HYDRA_CLAUDE_TOKEN_1", claudeToken);
    // What a real run would be told; dev-run must not use any of it.
    env.put("REPO_URL", "https://github.com/acme/app");
    env.put("ISSUE_URL", "https://github.com/acme/app/issues/7");
    return env;
  }

  MainTest.Result run(Map<String, String> env, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("dev-run");
    args.add("--credentials");
    args.add(dir.resolve("none.json").toString());
    args.add("--dotenv");
    args.add(dir.resolve("none.env").toString());
    args.add("--docker");
    args.add(dir.resolve("no-docker").toString());
    args.addAll(List.of(extra));
    return MainTest.run(env, args.toArray(new String[0]));
  }

  @Test
  void helpSaysWhatDiffersFromStageRun() {
    MainTest.Result r = MainTest.run(Map.of(), "dev-run", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("--issue", "--repo", "--out", "--image", "--spec", "--token-state", "--docker")
        .contains("localhost/hydra-<role>:latest", "dev-run.invalid", "HYDRA_RUNTIME")
        .doesNotContain("--repo-url", "--issue-url");
    assertThat(MainTest.run(Map.of(), "--help").out()).contains("dev-run");
  }

  @Test
  void theStageIsThePositionalArgumentOneAtATime() {
    MainTest.Result missing = run(env());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("hydra dev-run <stage> is required: build, code-review");

    MainTest.Result unknown = run(env(), "retry");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown stage `retry`");

    MainTest.Result two = run(env(), "build", "code-review");
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).contains("one stage at a time; unexpected `code-review`");
  }

  @Test
  void localImagesAFixtureIssueAndNoForgeByDefault() {
    MainTest.Result r = run(env(), "build");
    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(r.out())
        .contains("stage build for https://dev-run.invalid/local/dev-run/issues/1")
        .contains("image localhost/hydra-builder:latest")
        .doesNotContain("github.com");
    assertThat(r.out() + r.err()).doesNotContain(builderToken).doesNotContain(claudeToken);
  }

  @Test
  void theImageVariablesAndTheFlagStillWin() {
    Map<String, String> env = env();
    env.put("HYDRA_IMAGE_TAG", "dev");
    MainTest.Result review = run(env, "code-review");
    assertThat(review.out()).as(review.err()).contains("image localhost/hydra-reviewer:dev");
    assertThat(run(env(), "build", "--image", "example.test/mine:1").out())
        .contains("image example.test/mine:1");
    assertThat(DevRunCommand.localImages(Map.of("HYDRA_IMAGE_PREFIX", "ghcr.io/o/hydra")))
        .containsEntry("HYDRA_IMAGE_PREFIX", "ghcr.io/o/hydra")
        .containsEntry("HYDRA_IMAGE_TAG", "latest");
  }

  @Test
  void aBadRuntimeIsExit2NamingTheVariable() {
    Map<String, String> env = env();
    env.put("HYDRA_RUNTIME", "podman");
    MainTest.Result r = run(env, "build");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("HYDRA_RUNTIME is `podman`, not a runtime; set it to docker")
        .doesNotContain(claudeToken);
    assertThat(r.out()).as("nothing ran").isEmpty();

    Map<String, String> cluster = env();
    cluster.put("HYDRA_RUNTIME", "kubernetes");
    MainTest.Result noNamespace = run(cluster, "build");
    assertThat(noNamespace.code()).isEqualTo(2);
    assertThat(noNamespace.err()).contains("HYDRA_K8S_NAMESPACE is not set");
  }

  @Test
  void anIssueFileGivesTheTitleFromItsFirstHeading() {
    assertThat(DevRunCommand.issue("# Add /version\n\nIt answers the version.\n", "f.md"))
        .satisfies(i -> assertThat(i.title()).isEqualTo("Add /version"))
        .satisfies(i -> assertThat(i.body()).isEqualTo("It answers the version."));
    assertThat(DevRunCommand.issue("Just a body.", "f.md"))
        .satisfies(i -> assertThat(i.title()).isEqualTo("f.md"))
        .satisfies(i -> assertThat(i.body()).isEqualTo("Just a body."));
  }

  @Test
  void theRepoMustBeAFolderAndTheIssueFileReadable() throws Exception {
    MainTest.Result repo = run(env(), "build", "--repo", dir.resolve("nowhere").toString());
    assertThat(repo.code()).isEqualTo(2);
    assertThat(repo.err()).contains("--repo: ", "is not a directory");

    MainTest.Result issue = run(env(), "build", "--issue", dir.resolve("none.md").toString());
    assertThat(issue.code()).isEqualTo(2);
    assertThat(issue.err()).contains("--issue: cannot read");

    Path file = dir.resolve("issue.md");
    Files.writeString(file, "# Add a /version endpoint\n\nIt answers the build's version.\n");
    MainTest.Result ok = run(env(), "build", "--issue", file.toString());
    assertThat(ok.code()).as(ok.err()).isEqualTo(4); // it got as far as the container
  }
}
