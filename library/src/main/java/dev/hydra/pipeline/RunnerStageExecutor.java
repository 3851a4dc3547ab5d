package dev.hydra.pipeline;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateFile;
import dev.hydra.gate.GateFileException;
import dev.hydra.gate.GateFiles;
import dev.hydra.gate.GateRunner;
import dev.hydra.gate.GateTable;
import dev.hydra.image.ImageRef;
import dev.hydra.input.StageInputs;
import dev.hydra.label.Stage;
import dev.hydra.route.HydraBranch;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageMounts;
import dev.hydra.stage.StagePlan;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRequest;
import dev.hydra.stage.StageResult;
import dev.hydra.stage.StageRunner;
import dev.hydra.stage.TemporaryMounts;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Verdict;
import dev.hydra.workspace.GitRemote;
import dev.hydra.workspace.Output;
import dev.hydra.workspace.OutputLimits;
import dev.hydra.workspace.OutputScope;
import dev.hydra.workspace.PushMode;
import dev.hydra.workspace.StageWorkspace;
import dev.hydra.workspace.WorkspaceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The production {@link StageExecutor}: one {@link StageRunner} container per stage, with the
 * stage's {@link StageProfile} and image from the environment ({@code HYDRA_IMAGE_PREFIX}, {@code
 * HYDRA_IMAGE_TAG}, a digest accepted) and the Claude tokens for the stage's model gateway; the
 * persona's git token never reaches the container.
 */
public final class RunnerStageExecutor implements StageExecutor {

  /**
   * The diff is read up to this size; the input folder keeps {@link StageInputs#MAX_DIFF_BYTES}.
   */
  static final long MAX_DIFF_BYTES = 2 * StageInputs.MAX_DIFF_BYTES;

  /** The retry pass's brief in the input folder: the findings and the scope. */
  static final String FINDINGS = "findings.md";

  /**
   * Where the runner's clones come from and go to: each persona's {@link GitRemote} (its token,
   * bound to the forge's host), and the branch builds start from.
   *
   * @param remotes the remote of each persona whose token this job holds
   * @param baseBranch the target branch of draft pull requests
   * @param limits what a stage's commits may add up to
   * @param check asked right before each push, with the persona whose token pushes
   */
  public record Git(
      Map<Persona, GitRemote> remotes, String baseBranch, OutputLimits limits, PushCheck check) {

    /** Copies the map. */
    public Git {
      remotes = Map.copyOf(remotes);
    }

    /** Remotes whose tokens were checked before the job's first write: nothing asked at a push. */
    public Git(Map<Persona, GitRemote> remotes, String baseBranch, OutputLimits limits) {
      this(remotes, baseBranch, limits, pusher -> {});
    }
  }

  /**
   * The last word before a push: a token held only for pushing (the builder's in a review job) is
   * checked here, when a stage has commits to push, not before, so a stage without any costs no
   * request.
   */
  @FunctionalInterface
  public interface PushCheck {
    /**
     * Refuses the push with {@code pusher}'s token by throwing; nothing is pushed then.
     *
     * @throws WorkspaceException naming why and the fix, never the token
     */
    void beforePush(Persona pusher) throws WorkspaceException;
  }

  private final StageRunner runner;
  private final StageSettings stages;
  private final Credentials credentials;
  private final String webUrl;
  private final @Nullable Git git;
  private final @Nullable GateRunner gates;

  /**
   * @param runner runs the containers
   * @param env the environment, for profiles and image names
   * @param credentials every persona's git token and the Claude tokens
   * @param webUrl the forge's web root, {@code https://github.com}
   */
  public RunnerStageExecutor(
      StageRunner runner, Map<String, String> env, Credentials credentials, String webUrl) {
    this(runner, StageSettings.from(env), credentials, webUrl);
  }

  /**
   * @param runner runs the containers
   * @param stages the stage settings, for profiles and image names
   * @param credentials every persona's git token and the Claude tokens
   * @param webUrl the forge's web root, {@code https://github.com}
   */
  public RunnerStageExecutor(
      StageRunner runner, StageSettings stages, Credentials credentials, String webUrl) {
    this(runner, stages, credentials, webUrl, null);
  }

  /**
   * @param runner runs the containers
   * @param stages the stage settings, for profiles and image names
   * @param credentials every persona's git token and the Claude tokens
   * @param webUrl the forge's web root, {@code https://github.com}
   * @param git the clones' remotes: with them every stage works in a prepared workspace and its
   *     commits are checked and pushed by the runner; without them (null) the container gets empty
   *     folders and nothing is pushed
   */
  public RunnerStageExecutor(
      StageRunner runner,
      StageSettings stages,
      Credentials credentials,
      String webUrl,
      @Nullable Git git) {
    this(runner, stages, credentials, webUrl, git, null);
  }

  private RunnerStageExecutor(
      StageRunner runner,
      StageSettings stages,
      Credentials credentials,
      String webUrl,
      @Nullable Git git,
      @Nullable GateRunner gates) {
    this.runner = runner;
    this.stages = stages;
    this.credentials = credentials;
    this.webUrl = webUrl.endsWith("/") ? webUrl.substring(0, webUrl.length() - 1) : webUrl;
    this.git = git;
    this.gates = gates;
  }

  /**
   * The same executor, running the repository's gates (issue 13): on every gated builder pass
   * before its push ({@link Call#gates}), and on a pull request's head ({@link #recheckGates}).
   * Gates need the {@link Git} remotes: without them there is nothing to check out.
   *
   * @param runner runs each gate in its own container
   */
  public RunnerStageExecutor withGates(GateRunner runner) {
    return new RunnerStageExecutor(this.runner, stages, credentials, webUrl, git, runner);
  }

  /**
   * Checks, before anything is claimed, the configuration of the stages a run may start: each
   * stage's profile (timeout, models) and image ({@code HYDRA_IMAGE_PREFIX}, {@code
   * HYDRA_IMAGE_TAG}). Without it a configuration error would surface only after the stage was
   * claimed, and leave the issue with a stage running that no container runs.
   *
   * @param stages the stages, each one that runs a container
   * @param settings the stage settings the executor is given
   * @throws InvalidConfigurationException naming the variable and the fix
   */
  public static void check(Collection<Stage> stages, StageSettings settings)
      throws InvalidConfigurationException {
    for (Stage stage : stages) {
      StageProfile.from(stage, settings).image(settings);
    }
  }

  /** The request the executor would run, for plans and tests. */
  public StageRequest request(Call call) throws InvalidConfigurationException {
    StageProfile profile = StageProfile.from(call.stage(), stages);
    String repoUrl = webUrl + "/" + call.repo().fullName();
    return new StageRequest(
        profile,
        profile.image(stages),
        repoUrl,
        repoUrl + "/issues/" + call.issue().number(),
        call.pullRequestUrl(),
        call.mode().id(),
        credentials);
  }

  /**
   * Runs the stage. With {@link Git} remotes: the runner clones as the stage's persona into a
   * {@link StageWorkspace} (builder: a new {@code hydra/<issue>-<slug>} branch from the target
   * branch; reviewers and applier: the PR's head at the sha the step saw), writes the input folder
   * ({@link StageInputs}: the issue as the guard verified it with its comments, the PR and its
   * diff, the spec folder when the issue names one), runs the container, and then checks what it
   * committed and pushes it with the builder's token: the build's branch (a lease on what the
   * remote held at the clone), a reviewer's fixes on the PR branch (only if the branch did not
   * move), the retry pass's fixes on the PR branch (only if the branch did not move, and only
   * within its {@link OutputScope}). The applier is read-only: a commit of its fails the stage. A
   * rejected output fails the stage with the reason and leaves the forge as it was. Without remotes
   * the container gets empty folders ({@link TemporaryMounts}).
   */
  @Override
  public StageResult execute(Call call) throws InterruptedException {
    StageRequest request = checkedRequest(call);
    if (git == null) {
      try (TemporaryMounts mounts = TemporaryMounts.create(Map.of())) {
        return runner.run(request, mounts.mounts());
      } catch (IOException e) {
        return failedBefore(request, "the stage's folders could not be created: " + e.getMessage());
      }
    }
    Path root;
    try {
      root = Files.createTempDirectory("hydra-stage-");
    } catch (IOException e) {
      return failedBefore(request, "the stage's folders could not be created: " + e.getMessage());
    }
    try {
      return inWorkspace(call, request, git, root);
    } finally {
      TemporaryMounts.delete(root);
    }
  }

  private StageResult inWorkspace(Call call, StageRequest request, Git git, Path root)
      throws InterruptedException {
    GitRemote own = git.remotes().get(call.persona());
    if (own == null) {
      return failedBefore(
          request,
          "this job holds no git token for persona "
              + call.persona().id()
              + ", so the runner cannot clone the repository for it");
    }
    PullRequest pr = call.pullRequest();
    StageWorkspace workspace;
    try {
      workspace =
          pr == null
              ? StageWorkspace.forBuild(
                  root.resolve("workspace"),
                  own,
                  git.baseBranch(),
                  HydraBranch.forIssue(call.issue().number(), call.issue().title()).name())
              : StageWorkspace.forPullRequest(
                  root.resolve("workspace"), own, pr.base(), pr.head(), pr.headSha());
    } catch (WorkspaceException e) {
      return failedBefore(request, "the runner could not prepare the workspace: " + e.getMessage());
    }
    try (workspace) {
      Path input = root.resolve("input");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("HYDRA_BRANCH", workspace.branch());
      env.put("HYDRA_BASE_SHA", workspace.baseSha());
      try {
        Files.createDirectories(input);
        StageInputs.writeIssue(input, call.repo().fullName(), call.issue(), call.comments());
        if (pr != null) {
          StageInputs.writePullRequest(input, pr, workspace.diff(MAX_DIFF_BYTES));
        }
        RetryScope retry = call.retry();
        if (retry != null) {
          Files.writeString(input.resolve(FINDINGS), retry.brief());
        }
        writeInputs(input, call.inputs());
        Optional<String> spec = StageInputs.specName(call.issue().body());
        if (spec.isPresent() && StageInputs.copySpec(workspace.repoDir(), spec.get(), input)) {
          env.put("SPEC_PATH", StageMounts.SPEC);
        }
      } catch (IOException | WorkspaceException e) {
        return failedBefore(
            request, "the runner could not write the input folder: " + e.getMessage());
      }
      StageMounts mounts = new StageMounts(workspace.mountDir(), input, env);
      BuildGates policy = call.gates();
      GateRunner gateRunner = gates;
      if ((call.mode() == Mode.BUILD || call.mode() == Mode.FIX)
          && policy != null
          && gateRunner != null) {
        return gated(call, request, mounts, workspace, git, new Gating(policy, gateRunner, root));
      }
      StageResult result = runner.run(request, mounts);
      if (!result.passed()) {
        return result;
      }
      return deliver(call, result, workspace, git);
    }
  }

  /** A gated pass's policy, its gate runner, and the stage's private root for the trees. */
  private record Gating(BuildGates policy, GateRunner runner, Path root) {}

  /**
   * The gated build or retry pass (issue 13 items 2 and 4): each builder pass's commits are
   * collected and checked as always (a retry's against its scope), then the gates run on the
   * runner's own copy of them; green → pushed (the build's branch replaced, the retry's fixes
   * fast-forwarded onto the pull request); red → the policy gives the builder another pass on the
   * same workspace with its files in the input folder, or stops with nothing pushed. The policy is
   * told of every pass, for the run record's usage.
   */
  private StageResult gated(
      Call call,
      StageRequest request,
      StageMounts mounts,
      StageWorkspace workspace,
      Git git,
      Gating gating)
      throws InterruptedException {
    boolean retry = call.mode() == Mode.FIX;
    for (int pass = 1; ; pass++) {
      StageResult result = runner.run(request, mounts);
      gating.policy().ran(result);
      if (!result.passed()) {
        return result;
      }
      try {
        Optional<Output> output = workspace.collect(git.limits(), masker(), scope(call, workspace));
        Optional<String> refused =
            retry ? nothingFixed(workspace, output) : refusal(result, workspace, output);
        if (refused.isPresent() || output.isEmpty()) {
          return result.rejected(refused.orElse("the builder committed nothing"));
        }
        Output built = output.get();
        GateTable table =
            runGates(
                gating.runner(),
                workspace,
                built.headSha(),
                retry ? workspace.changedPaths(built.headSha()) : built.changedPaths(),
                request.image(),
                gating.root().resolve("gates-" + pass));
        BuildGates.Next next = gating.policy().afterGates(table);
        if (next instanceof BuildGates.Stop stop) {
          return result.rejected(stop.why());
        }
        if (next instanceof BuildGates.FixPass fix) {
          writeInputs(mounts.input(), fix.inputs());
          continue;
        }
        workspace.push(built, builderRemote(git), retry ? PushMode.FAST_FORWARD : PushMode.REPLACE);
        return result;
      } catch (WorkspaceException e) {
        return result.rejected(
            "the " + call.mode().id() + " pass's commits were not pushed: " + e.getMessage());
      } catch (IOException e) {
        return result.rejected(
            "the runner could not write the fix pass's input folder: " + e.getMessage());
      }
    }
  }

  /**
   * The retry pass's scope ({@link OutputScope}), null for every other stage: the files its
   * findings name; when a red gate's finding names none, the files the pull request changed as well
   * (docs/gates.md, "A retry after red gates").
   */
  private static @Nullable OutputScope scope(Call call, StageWorkspace workspace)
      throws WorkspaceException {
    RetryScope retry = call.retry();
    PullRequest pr = call.pullRequest();
    if (retry == null) {
      return null;
    }
    Set<String> files = new LinkedHashSet<>(retry.files());
    if (pr != null && retry.unplacedGates()) {
      files.addAll(workspace.changedPaths(pr.headSha()));
    }
    return OutputScope.retry(files);
  }

  /** Why a retry pass's output may not be pushed: it committed nothing. */
  private static Optional<String> nothingFixed(StageWorkspace workspace, Optional<Output> output) {
    return output.isPresent()
        ? Optional.empty()
        : Optional.of(
            "the retry pass passed but committed nothing on "
                + workspace.branch()
                + "; nothing was pushed");
  }

  /**
   * The gates of the target branch's {@code .hydra/gates.yml}, run on a tree the runner wrote from
   * its mirror; the gate file is read from the target branch, so the builder's commits cannot
   * change the gates that judge them. An invalid file, or trees that cannot be written, are a red
   * table.
   */
  private static GateTable runGates(
      GateRunner gates,
      StageWorkspace workspace,
      String head,
      List<String> changedFiles,
      ImageRef builderImage,
      Path folder)
      throws InterruptedException {
    Path tree = folder.resolve("tree");
    try {
      Path base = folder.resolve("base");
      workspace.exportTree(workspace.baseBranchRef(), base, ".hydra");
      GateFile file = GateFiles.read(base);
      if (file.gates().isEmpty()) {
        return gates.run(file, new GateRunner.Inputs(base, builderImage, changedFiles));
      }
      workspace.exportTree(head, tree, "");
      return gates.run(file, new GateRunner.Inputs(tree, builderImage, changedFiles));
    } catch (GateFileException e) {
      return GateTable.notRun(GateFile.PATH, Texts.oneLine(String.valueOf(e.getMessage())));
    } catch (WorkspaceException e) {
      return GateTable.notRun(
          "checkout", "the runner could not write the tree to check: " + e.getMessage());
    } finally {
      TemporaryMounts.delete(folder);
    }
  }

  /**
   * The recheck before {@code done} (issue 13 item 3): the pull request's head cloned as {@code
   * persona} into a private workspace, the gates of the target branch run on it. A head that moved
   * or cannot be cloned is a red table, never a pass.
   */
  @Override
  public Optional<GateTable> recheckGates(Persona persona, RepoRef repo, PullRequest pullRequest)
      throws InterruptedException {
    GateRunner gateRunner = gates;
    if (gateRunner == null || git == null) {
      return Optional.empty();
    }
    GitRemote own = git.remotes().get(persona);
    if (own == null) {
      return Optional.of(
          GateTable.notRun(
              "checkout",
              "this job holds no git token for persona "
                  + persona.id()
                  + ", so the runner cannot check out the pull request's head"));
    }
    Path root;
    try {
      root = Files.createTempDirectory("hydra-gates-");
    } catch (IOException e) {
      return Optional.of(GateTable.notRun("checkout", "no folder: " + e.getMessage()));
    }
    try (StageWorkspace workspace =
        StageWorkspace.forPullRequest(
            root.resolve("workspace"),
            own,
            pullRequest.base(),
            pullRequest.head(),
            pullRequest.headSha())) {
      ImageRef builder = StageProfile.from(Stage.BUILD, stages).image(stages);
      return Optional.of(
          runGates(
              gateRunner,
              workspace,
              pullRequest.headSha(),
              workspace.changedPaths(pullRequest.headSha()),
              builder,
              root.resolve("gates")));
    } catch (WorkspaceException e) {
      return Optional.of(
          GateTable.notRun(
              "checkout", "the runner could not check out the head: " + e.getMessage()));
    } catch (InvalidConfigurationException e) {
      return Optional.of(GateTable.notRun("checkout", "no builder image: " + e.getMessage()));
    } finally {
      TemporaryMounts.delete(root);
    }
  }

  /**
   * Writes a call's further input files (plain names, checked by {@link Call}), readable by all.
   */
  private static void writeInputs(Path input, Map<String, String> files) throws IOException {
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = input.resolve(file.getKey());
      Files.deleteIfExists(target);
      Files.writeString(target, file.getValue());
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  private SecretMasker masker() {
    return SecretMasker.of(credentials.secrets());
  }

  /** Why a build's collected output may not be pushed, if it may not. */
  private static Optional<String> refusal(
      StageResult result, StageWorkspace workspace, Optional<Output> output) {
    if (output.isEmpty()) {
      return Optional.of(
          "the builder passed but committed nothing on "
              + workspace.branch()
              + "; no branch was pushed and no pull request opened");
    }
    Optional<String> named =
        result.verdictValue().flatMap(Verdict::builder).map(Verdict.BuilderResult::branch);
    if (named.isPresent() && !named.get().equals(workspace.branch())) {
      return Optional.of(
          "the builder's verdict names branch "
              + Texts.quote(named.get())
              + ", but it worked on "
              + workspace.branch()
              + "; nothing was pushed");
    }
    return Optional.empty();
  }

  /** Checks and pushes what a passed stage committed; a rejection fails the stage. */
  private StageResult deliver(Call call, StageResult result, StageWorkspace workspace, Git git) {
    try {
      Optional<Output> output = workspace.collect(git.limits(), masker(), scope(call, workspace));
      switch (call.mode()) {
        case BUILD -> {
          Optional<String> refused = refusal(result, workspace, output);
          if (refused.isPresent() || output.isEmpty()) {
            return result.rejected(refused.orElse("the builder committed nothing"));
          }
          workspace.push(output.get(), builderRemote(git), PushMode.REPLACE);
        }
        case REVIEW -> {
          if (output.isPresent()) {
            workspace.push(output.get(), builderRemote(git), PushMode.FAST_FORWARD);
          }
        }
        case FIX -> {
          Optional<String> refused = nothingFixed(workspace, output);
          if (refused.isPresent() || output.isEmpty()) {
            return result.rejected(refused.orElse("the retry pass committed nothing"));
          }
          workspace.push(output.get(), builderRemote(git), PushMode.FAST_FORWARD);
        }
        case APPLY -> {
          if (output.isPresent()) {
            return result.rejected(
                "the applier is read-only, but it committed "
                    + output.get().commits().size()
                    + " change(s); nothing was pushed");
          }
        }
      }
      return result;
    } catch (WorkspaceException e) {
      return result.rejected(
          "the " + call.stage().id() + " stage's commits were not pushed: " + e.getMessage());
    }
  }

  /** The builder's remote, once {@link Git#check} let it push. */
  private static GitRemote builderRemote(Git git) throws WorkspaceException {
    GitRemote builder = git.remotes().get(Persona.BUILDER);
    if (builder == null) {
      throw new WorkspaceException(
          "pushing needs the builder's token (HYDRA_BUILDER_TOKEN), which this job does not hold;"
              + " give it to the job, or let the reviewers report instead of fixing");
    }
    git.check().beforePush(Persona.BUILDER);
    return builder;
  }

  private static StageResult failedBefore(StageRequest request, String why) {
    return new StageResult(
        request.profile().stage(),
        request.profile().persona(),
        request.image(),
        StageResult.Status.RUNTIME_ERROR,
        why,
        List.of(),
        null,
        why,
        0,
        0,
        Duration.ZERO);
  }

  /**
   * The container this executor would start for the call, without starting it: the runtime's own
   * command and the environment ({@link StageRunner#plan}); the folders are shown as a run would
   * create them.
   */
  public StagePlan plan(Call call) {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "hydra-stage-XXXXXX");
    return runner.plan(
        checkedRequest(call), StageMounts.of(root.resolve("workspace"), root.resolve("input")));
  }

  private StageRequest checkedRequest(Call call) {
    try {
      return request(call);
    } catch (InvalidConfigurationException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
