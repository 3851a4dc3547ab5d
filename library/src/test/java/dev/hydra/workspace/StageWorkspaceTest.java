package dev.hydra.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.TestTokens;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StageWorkspace} against a real git remote over authenticated HTTP (git http-backend). */
class StageWorkspaceTest {

  static final String REPO = "project";
  static final String BRANCH = "hydra/7-add-greeting";

  @TempDir Path temp;
  GitHttpRemote server;
  final String builderToken = TestTokens.github(101);
  final String reviewerToken = TestTokens.github(102);
  final List<StageWorkspace> opened = new java.util.ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server =
        GitHttpRemote.start(temp.resolve("remote"))
            .user("builder", builderToken, true)
            .user("reviewer", reviewerToken, false)
            .seed(REPO);
  }

  @AfterEach
  void stop() {
    opened.forEach(StageWorkspace::close);
    server.close();
  }

  StageWorkspace build(String name) throws WorkspaceException {
    StageWorkspace workspace =
        StageWorkspace.forBuild(temp.resolve(name), server.remote(REPO, "builder"), "main", BRANCH);
    opened.add(workspace);
    return workspace;
  }

  SecretMasker masker() {
    return SecretMasker.of(
        List.of(Secret.of("builder", builderToken), Secret.of("reviewer", reviewerToken)));
  }

  Output collected(StageWorkspace workspace) throws WorkspaceException {
    return workspace.collect(OutputLimits.defaults(), masker()).orElseThrow();
  }

  @Nested
  class Prepare {

    @Test
    void aBuildGetsANewBranchFromTheTargetTipInAPrivateRoot() throws Exception {
      StageWorkspace workspace = build("ws");

      assertThat(workspace.baseSha()).isEqualTo(server.head(REPO, "main"));
      assertThat(workspace.branch()).isEqualTo(BRANCH);
      assertThat(workspace.mountDir()).isEqualTo(temp.resolve("ws/mount"));
      assertThat(workspace.repoDir()).isEqualTo(temp.resolve("ws/mount/repo"));
      assertThat(workspace.repoDir().resolve("README.md")).hasContent("hello");
      try (Git git = Git.open(workspace.repoDir().toFile())) {
        Repository repo = git.getRepository();
        assertThat(repo.getFullBranch()).isEqualTo("refs/heads/" + BRANCH);
        assertThat(repo.resolve("HEAD").name()).isEqualTo(workspace.baseSha());
        assertThat(repo.exactRef("refs/remotes/origin/main")).isNotNull();
        assertThat(repo.getConfig().getString("remote", "origin", "url"))
            .isEqualTo(server.url(REPO).toString());
      }
      assertThat(Files.readString(workspace.repoDir().resolve(".git/config")))
          .doesNotContain(builderToken)
          .doesNotContain("builder@");
      assertThat(workspace.mountDir().resolve("out")).isEmptyDirectory();
      assertThat(temp.resolve("ws/mirror.git")).isDirectory();
      assertThat(Files.getPosixFilePermissions(temp.resolve("ws")))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.getPosixFilePermissions(workspace.mountDir().resolve("out")))
          .isEqualTo(PosixFilePermissions.fromString("rwxrwxrwx"));
      assertThat(Files.getPosixFilePermissions(workspace.repoDir().resolve("README.md")))
          .isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
      assertThat(server.requests())
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.service()).isEqualTo("git-upload-pack"))
          .anySatisfy(r -> assertThat(r.user()).isEqualTo("builder"));
    }

    @Test
    void aPullRequestGetsItsHeadBranchAtItsHeadShaAndTheDiffFromGit() throws Exception {
      String head = server.tip(REPO, "feature");
      StageWorkspace workspace =
          StageWorkspace.forPullRequest(
              temp.resolve("pr"), server.remote(REPO, "reviewer"), "main", "feature", head);
      opened.add(workspace);

      assertThat(workspace.branch()).isEqualTo("feature");
      assertThat(workspace.baseSha()).isEqualTo(head);
      assertThat(workspace.repoDir().resolve("feature.txt")).hasContent("feature");
      try (Git git = Git.open(workspace.repoDir().toFile())) {
        assertThat(git.getRepository().getFullBranch()).isEqualTo("refs/heads/feature");
        assertThat(git.getRepository().exactRef("refs/remotes/origin/main")).isNotNull();
      }
      String diff = workspace.diff(10_000);
      assertThat(diff).contains("+++ b/feature.txt").contains("+feature").doesNotContain("README");
      assertThat(workspace.diff(20)).hasSizeLessThan(100).contains("[diff truncated");
    }

    @Test
    void aPullRequestWhoseBranchMovedIsRefusedAndLeavesNothing() throws Exception {
      String verified = server.tip(REPO, "feature");
      server.commit(REPO, "feature", Map.of("later.txt", "later\n"), "pushed after the event");
      Path root = temp.resolve("moved");

      assertThatThrownBy(
              () ->
                  StageWorkspace.forPullRequest(
                      root, server.remote(REPO, "reviewer"), "main", "feature", verified))
          .isInstanceOf(WorkspaceException.class)
          .hasMessageContaining("moved since the event");
      assertThat(root).doesNotExist();
    }

    @Test
    void aWrongTokenFailsWithoutShowingIt() {
      String wrong = TestTokens.github(103);
      GitRemote remote = new GitRemote(server.url(REPO), "builder", Secret.of("wrong", wrong));
      Path root = temp.resolve("wrong");

      assertThatThrownBy(() -> StageWorkspace.forBuild(root, remote, "main", BRANCH))
          .isInstanceOf(WorkspaceException.class)
          .hasMessageContaining("check the URL, that the token may read")
          .satisfies(TestTokens::assertNoTokenIn);
      assertThat(root).doesNotExist();
      assertThat(server.requests()).allSatisfy(r -> assertThat(r.status()).isEqualTo(401));
    }

    @Test
    void aMissingTargetBranchIsNamed() {
      assertThatThrownBy(
              () ->
                  StageWorkspace.forBuild(
                      temp.resolve("x"), server.remote(REPO, "builder"), "develop", BRANCH))
          .isInstanceOf(WorkspaceException.class)
          .hasMessageContaining("develop");
    }

    @Test
    void aNonEmptyRootIsRefused() throws IOException {
      Path root = Files.createDirectories(temp.resolve("used"));
      Files.writeString(root.resolve("left-over"), "x");

      assertThatThrownBy(
              () -> StageWorkspace.forBuild(root, server.remote(REPO, "builder"), "main", BRANCH))
          .isInstanceOf(WorkspaceException.class)
          .hasMessageContaining("not empty");
      assertThat(root.resolve("left-over")).exists();
    }
  }

  @Nested
  class CollectAndPush {

    @Test
    void noBundleMeansNoOutput() throws Exception {
      assertThat(build("ws").collect(OutputLimits.defaults(), masker())).isEmpty();
    }

    @Test
    void aValidOutputIsPushedWithTheBuildersToken() throws Exception {
      StageWorkspace workspace = build("ws");
      Agent agent = new Agent(workspace);
      String first = agent.commit(Map.of("src/greeting.txt", "hello, world\n"), "greeting");
      String second = agent.commit(Map.of("README.md", "hello\nmore\n"), "readme");
      agent.bundle();

      Output output = collected(workspace);
      PushResult pushed =
          workspace.push(output, server.remote(REPO, "builder"), PushMode.NEW_BRANCH);

      assertThat(output.branch()).isEqualTo(BRANCH);
      assertThat(output.headSha()).isEqualTo(second);
      assertThat(output.commits()).containsExactly(second, first);
      assertThat(output.changedPaths()).containsExactlyInAnyOrder("src/greeting.txt", "README.md");
      assertThat(pushed).isEqualTo(new PushResult(BRANCH, null, second, "builder"));
      assertThat(server.head(REPO, BRANCH)).isEqualTo(second);
      assertThat(server.pushes())
          .singleElement()
          .satisfies(
              push -> {
                assertThat(push.user()).isEqualTo("builder");
                assertThat(push.refUpdates())
                    .containsExactly(
                        "0000000000000000000000000000000000000000 "
                            + second
                            + " refs/heads/"
                            + BRANCH);
              });
    }

    @Test
    void anOutputIsPushedOnlyToItsOwnRepositoryAndOnlyAfterCollect() throws Exception {
      StageWorkspace workspace = build("ws");
      Output forged = new Output(BRANCH, workspace.baseSha(), List.of(), List.of());

      assertThatThrownBy(
              () -> workspace.push(forged, server.remote(REPO, "builder"), PushMode.NEW_BRANCH))
          .hasMessageContaining("only an output that collect() validated");
      GitRemote elsewhere = new GitRemote(server.url("other"), "builder", null);
      assertThatThrownBy(() -> workspace.push(forged, elsewhere, PushMode.NEW_BRANCH))
          .hasMessageContaining("only to the repository it was cloned from");
      assertThat(server.pushes()).isEmpty();
    }

    @Test
    void aReadOnlyTokenCannotPushAndTheMessageSaysWhy() throws Exception {
      StageWorkspace workspace = build("ws");
      Agent agent = new Agent(workspace);
      agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.bundle();
      Output output = collected(workspace);

      assertThatThrownBy(
              () -> workspace.push(output, server.remote(REPO, "reviewer"), PushMode.NEW_BRANCH))
          .isInstanceOf(WorkspaceException.class)
          .hasMessageContaining("as reviewer")
          .satisfies(TestTokens::assertNoTokenIn);
      assertThat(server.head(REPO, BRANCH)).isNull();
      assertThat(server.requests())
          .anySatisfy(
              r -> {
                assertThat(r.user()).isEqualTo("reviewer");
                assertThat(r.status()).isEqualTo(403);
              });
    }

    @Test
    void newBranchOnAnExistingBranchIsRefusedAndChangesNothing() throws Exception {
      StageWorkspace workspace = build("ws");
      Agent agent = new Agent(workspace);
      agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.bundle();
      Output output = collected(workspace);
      String existing = server.commit(REPO, BRANCH, Map.of("b.txt", "b\n"), "someone else").name();

      assertThatThrownBy(
              () -> workspace.push(output, server.remote(REPO, "builder"), PushMode.NEW_BRANCH))
          .isInstanceOf(WorkspaceException.class)
          .hasMessageContaining("already exists on the remote")
          .hasMessageContaining("nothing was pushed");
      assertThat(server.head(REPO, BRANCH)).isEqualTo(existing);
    }

    @Test
    void replaceTakesALeaseOnWhatTheRemoteHadAtPrepareTime() throws Exception {
      String old = server.commit(REPO, BRANCH, Map.of("old.txt", "old\n"), "earlier run").name();
      StageWorkspace workspace = build("ws");
      Agent agent = new Agent(workspace);
      String head = agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.bundle();
      Output output = collected(workspace);

      PushResult pushed = workspace.push(output, server.remote(REPO, "builder"), PushMode.REPLACE);

      assertThat(pushed.previousSha()).isEqualTo(old);
      assertThat(server.head(REPO, BRANCH)).isEqualTo(head);

      StageWorkspace again = build("ws2");
      Agent second = new Agent(again);
      second.commit(Map.of("b.txt", "b\n"), "b");
      second.bundle();
      Output other = collected(again);
      String moved = server.commit(REPO, BRANCH, Map.of("c.txt", "c\n"), "moved").name();
      assertThatThrownBy(() -> again.push(other, server.remote(REPO, "builder"), PushMode.REPLACE))
          .hasMessageContaining("changed on the remote since the workspace was prepared");
      assertThat(server.head(REPO, BRANCH)).isEqualTo(moved);
    }

    @Test
    void fastForwardAfterTheRemoteMovedIsRefusedAndChangesNothing() throws Exception {
      String head = server.tip(REPO, "feature");
      StageWorkspace workspace =
          StageWorkspace.forPullRequest(
              temp.resolve("pr"), server.remote(REPO, "builder"), "main", "feature", head);
      opened.add(workspace);
      Agent agent = new Agent(workspace);
      agent.commit(Map.of("fix.txt", "fixed\n"), "fix");
      agent.bundle();
      Output output = collected(workspace);
      String moved = server.commit(REPO, "feature", Map.of("x.txt", "x\n"), "moved").name();

      assertThatThrownBy(
              () -> workspace.push(output, server.remote(REPO, "builder"), PushMode.FAST_FORWARD))
          .isInstanceOf(WorkspaceException.class)
          .hasMessageContaining("moved on the remote since")
          .hasMessageContaining("nothing was pushed");
      assertThat(server.head(REPO, "feature")).isEqualTo(moved);
    }

    @Test
    void fastForwardLandsAReviewersFixWithTheBuildersToken() throws Exception {
      String head = server.tip(REPO, "feature");
      StageWorkspace workspace =
          StageWorkspace.forPullRequest(
              temp.resolve("pr"), server.remote(REPO, "reviewer"), "main", "feature", head);
      opened.add(workspace);
      Agent agent = new Agent(workspace);
      String fix = agent.commit(Map.of("fix.txt", "fixed\n"), "fix");
      agent.bundle();

      workspace.push(collected(workspace), server.remote(REPO, "builder"), PushMode.FAST_FORWARD);

      assertThat(server.head(REPO, "feature")).isEqualTo(fix);
      assertThat(server.pushes()).singleElement().extracting(r -> r.user()).isEqualTo("builder");
    }

    @Test
    void hooksAndFsmonitorPlantedInTheAgentsCloneNeverRun() throws Exception {
      StageWorkspace workspace = build("ws");
      Agent agent = new Agent(workspace);
      agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.bundle();
      Path marker = temp.resolve("marker");
      String script = "#!/bin/sh\ntouch " + marker + "\n";
      for (String hook : List.of("pre-push", "post-checkout", "reference-transaction")) {
        Path file = workspace.repoDir().resolve(".git/hooks/" + hook);
        Files.createDirectories(file.getParent());
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Path monitor = workspace.repoDir().resolve(".git/monitor.sh");
      Files.writeString(monitor, script);
      Files.setPosixFilePermissions(monitor, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(
          workspace.repoDir().resolve(".git/config"),
          "[core]\n\tfsmonitor = " + monitor + "\n\thooksPath = .git/hooks\n",
          java.nio.file.StandardOpenOption.APPEND);

      Output output = collected(workspace);
      workspace.push(output, server.remote(REPO, "builder"), PushMode.NEW_BRANCH);
      workspace.diff(10_000);

      assertThat(server.head(REPO, BRANCH)).isEqualTo(output.headSha());
      assertThat(marker).doesNotExist();
    }
  }

  @Nested
  class Rejections {

    StageWorkspace workspace;
    Agent agent;

    @BeforeEach
    void prepare() throws Exception {
      server.commit(
          REPO,
          "main",
          Map.of(".github/workflows/ci.yml", "on: push\n", ".forgejo/config.yml", "x: 1\n"),
          "workflows");
      workspace = build("ws");
      agent = new Agent(workspace);
    }

    OutputRejectedException rejected() {
      try {
        Optional<Output> output = workspace.collect(OutputLimits.defaults(), masker());
        throw new AssertionError("the output was accepted: " + output);
      } catch (OutputRejectedException e) {
        TestTokens.assertNoTokenIn(e);
        return e;
      } catch (WorkspaceException e) {
        throw new AssertionError(e);
      }
    }

    @Test
    void aWorkflowChangeInAnyCaseIsRejected() throws Exception {
      agent.commit(
          Map.of(
              ".github/workflows/ci.yml", "on: pull_request_target\n",
              ".GitHub/workflows/new.yml", "on: push\n",
              ".FORGEJO/workflows/x.yml", "on: push\n"),
          "workflows");
      agent.bundle();

      assertThat(rejected().problems())
          .hasSize(3)
          .anySatisfy(p -> assertThat(p).contains("`.github/workflows/ci.yml`"))
          .anySatisfy(p -> assertThat(p).contains(".GitHub/workflows/new.yml"))
          .anySatisfy(p -> assertThat(p).contains(".FORGEJO/workflows/x.yml"));
      assertThat(server.pushes()).isEmpty();
    }

    @Test
    void renamingOrDeletingOutOfTheProtectedFoldersIsRejected() throws Exception {
      agent.rename(".github/workflows/ci.yml", "ci.yml");
      agent.commit(mapWithNull(".forgejo/config.yml"), "delete");
      agent.bundle();

      assertThat(rejected().getMessage())
          .contains("`.github/workflows/ci.yml` (renamed to `ci.yml`)")
          .contains("`.forgejo/config.yml` (deleted)")
          .contains("leave those folders alone");
    }

    @Test
    void aSecretInAnAddedLineIsRejectedInEveryEncodingWithoutShowingIt() throws Exception {
      agent.commit(
          Map.of(
              "plain.txt", "token = " + builderToken + "\n",
              "base64.txt",
                  "ok\n"
                      + Base64.getEncoder()
                          .encodeToString(reviewerToken.getBytes(StandardCharsets.UTF_8))
                      + "\n",
              "url.txt",
                  "a\nb\nhttps://x/?t="
                      + URLEncoder.encode(builderToken, StandardCharsets.UTF_8)
                      + "\n",
              "clean.txt", "nothing here\n"),
          "leak");
      agent.bundle();

      OutputRejectedException e = rejected();
      assertThat(e.problems())
          .hasSize(3)
          .anySatisfy(p -> assertThat(p).contains("`plain.txt` line 1"))
          .anySatisfy(p -> assertThat(p).contains("`base64.txt` line 2"))
          .anySatisfy(p -> assertThat(p).contains("`url.txt` line 3"));
    }

    @Test
    void aSecretInACommitMessageIsRejected() throws Exception {
      agent.commit(Map.of("a.txt", "a\n"), "subject\n\nuse " + builderToken);
      agent.bundle();

      assertThat(rejected().getMessage()).contains("message of commit").contains("line 3");
    }

    @Test
    void anUnrelatedHistoryIsRejected() throws Exception {
      agent.orphanCommit("a.txt", "a\n");
      agent.bundle();

      assertThat(rejected().getMessage())
          .contains("does not build on " + workspace.baseSha().substring(0, 12))
          .contains("starts an unrelated history");
    }

    @Test
    void aBundleOfAnotherRefIsRejected() throws Exception {
      agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.bundle("refs/heads/main");

      assertThat(rejected().getMessage())
          .contains("exactly the ref `refs/heads/" + BRANCH + "`")
          .contains("it carries `refs/heads/main`");
    }

    @Test
    void aSymlinkedBundleIsNotFollowed() throws Exception {
      Path elsewhere = temp.resolve("elsewhere.bundle");
      Files.writeString(elsewhere, "not read");
      Files.createSymbolicLink(workspace.mountDir().resolve("out/changes.bundle"), elsewhere);

      assertThat(rejected().getMessage()).contains("not a regular file");
    }

    @Test
    void aSymlinkedOutFolderIsNotFollowed() throws Exception {
      agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.bundle();
      Path real = temp.resolve("real-out");
      Files.move(workspace.mountDir().resolve("out"), real);
      Files.createSymbolicLink(workspace.mountDir().resolve("out"), real);

      assertThat(rejected().getMessage()).contains("/workspace/out is not a directory");
    }

    @Test
    void anOversizeBundleIsRejectedBeforeItIsRead() throws Exception {
      agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.bundle();
      long size = Files.size(workspace.mountDir().resolve("out/changes.bundle"));

      assertThatThrownBy(
              () -> workspace.collect(new OutputLimits(100, size - 1, 1000, 100), masker()))
          .isInstanceOf(OutputRejectedException.class)
          .hasMessageContaining("bytes, more than the limit of " + (size - 1));
    }

    @Test
    void tooManyCommitsFilesOrBytesAreRejected() throws Exception {
      agent.commit(Map.of("a.txt", "a\n"), "a");
      agent.commit(Map.of("b.txt", "b".repeat(200) + "\n", "c.txt", "c\n"), "b");
      agent.bundle();

      assertThatThrownBy(() -> workspace.collect(new OutputLimits(1, 1 << 20, 100, 2), masker()))
          .isInstanceOf(OutputRejectedException.class)
          .hasMessageContaining("2 new commits, more than the limit of 1")
          .hasMessageContaining("change 3 files, more than the limit of 2")
          .hasMessageContaining("`b.txt` has 201 bytes");
    }

    @Test
    void aBundleBuiltOnCommitsTheRunnerLacksIsRejected() throws Exception {
      agent.commit(Map.of("a.txt", "a\n"), "a");
      String middle = agent.commit(Map.of("b.txt", "b\n"), "b");
      agent.commit(Map.of("c.txt", "c\n"), "c");
      try (Git git = Git.open(workspace.repoDir().toFile());
          var out = Files.newOutputStream(workspace.mountDir().resolve("out/changes.bundle"))) {
        var writer = new org.eclipse.jgit.transport.BundleWriter(git.getRepository());
        writer.include("refs/heads/" + BRANCH, git.getRepository().resolve("HEAD"));
        writer.assume(
            new org.eclipse.jgit.revwalk.RevWalk(git.getRepository())
                .parseCommit(org.eclipse.jgit.lib.ObjectId.fromString(middle)));
        writer.writeBundle(org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE, out);
      }

      assertThat(rejected().getMessage()).contains("builds on commits the runner does not have");
    }

    @Test
    void garbageIsRejectedAsUnreadable() throws Exception {
      Files.writeString(workspace.mountDir().resolve("out/changes.bundle"), "# v2 git bundle\n?");

      assertThat(rejected().getMessage()).contains("the bundle cannot be read");
    }
  }

  @Test
  void closeDeletesEverythingReadOnlyFilesIncluded() throws Exception {
    Path root = temp.resolve("ws");
    StageWorkspace workspace = build("ws");
    Path locked = workspace.repoDir().resolve("locked");
    Files.createDirectories(locked);
    Files.writeString(locked.resolve("file"), "x");
    Files.setPosixFilePermissions(
        locked.resolve("file"), PosixFilePermissions.fromString("r--------"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
    Path outside = Files.writeString(temp.resolve("outside"), "kept");
    Files.createSymbolicLink(workspace.repoDir().resolve("link"), temp);

    workspace.close();

    assertThat(Files.exists(root, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside).hasContent("kept");
  }

  private static Map<String, String> mapWithNull(String key) {
    Map<String, String> map = new HashMap<>();
    map.put(key, null);
    return map;
  }
}
