package dev.hydra.workspace;

import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.text.Texts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.errors.MissingBundlePrerequisiteException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportBundleStream;
import org.eclipse.jgit.transport.URIish;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage's git workspace (issue 10 "inputs in, outputs out"). The runner clones with the
 * persona's token into a bare mirror under a private root that is never mounted, and makes from it
 * the working clone the container gets ({@link #mountDir()} holds {@code repo/} and {@code out/}).
 * After the container, {@link #collect} reads only {@code out/changes.bundle} — never the agent's
 * {@code repo/}, whose config and hooks are the agent's — fetches it into the mirror with object
 * checking, validates it with the pure {@link OutputRules}, and {@link #push} pushes from the
 * mirror with a compare-and-set. {@link #close} deletes everything.
 */
public final class StageWorkspace implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StageWorkspace.class);
  private static final String MIRROR = "mirror.git";
  private static final String MOUNT = "mount";
  private static final String OUTPUT_REFS = "refs/hydra/output/";

  private final Path root;
  private final GitRemote remote;
  private final String baseBranch;
  private final String branch;
  private final String baseSha;
  private final @Nullable String remoteAtPrepare;
  private final Set<String> collected = new HashSet<>();

  private StageWorkspace(
      Path root,
      GitRemote remote,
      String baseBranch,
      String branch,
      String baseSha,
      @Nullable String remoteAtPrepare) {
    this.root = root;
    this.remote = remote;
    this.baseBranch = baseBranch;
    this.branch = branch;
    this.baseSha = baseSha;
    this.remoteAtPrepare = remoteAtPrepare;
  }

  /**
   * Prepares a builder's workspace: a new branch from the base branch's tip.
   *
   * @param root a fresh folder (absent or empty), made private to the runner
   * @param remote the repository and the builder's token
   * @param baseBranch the target branch
   * @param branch the new branch ({@code hydra/<issue>-<slug>})
   * @throws WorkspaceException naming the problem and the fix; the root is deleted
   */
  public static StageWorkspace forBuild(
      Path root, GitRemote remote, String baseBranch, String branch) throws WorkspaceException {
    checkBranch(baseBranch);
    checkBranch(branch);
    return prepare(root, remote, baseBranch, branch, null);
  }

  /**
   * Prepares a reviewer's or the applier's workspace: the PR's head branch at its head sha.
   *
   * @param headSha the head the runner verified; the remote branch must still be there
   * @throws WorkspaceException naming the problem and the fix, also when the head branch moved; the
   *     root is deleted
   */
  public static StageWorkspace forPullRequest(
      Path root, GitRemote remote, String baseBranch, String headBranch, String headSha)
      throws WorkspaceException {
    checkBranch(baseBranch);
    checkBranch(headBranch);
    if (!ObjectId.isId(headSha)) {
      throw new WorkspaceException(
          "the pull request's head sha " + Texts.quote(headSha) + " is not a full commit id");
    }
    return prepare(root, remote, baseBranch, headBranch, headSha);
  }

  private static StageWorkspace prepare(
      Path root, GitRemote remote, String baseBranch, String branch, @Nullable String headSha)
      throws WorkspaceException {
    try {
      WorkspaceFiles.createPrivateRoot(root);
    } catch (IOException e) {
      throw new WorkspaceException(
          "cannot create the stage's workspace folder " + root + ": " + e.getMessage(), e);
    }
    try {
      return cloneInto(root, remote, baseBranch, branch, headSha);
    } catch (WorkspaceException | RuntimeException e) {
      WorkspaceFiles.deleteTree(root);
      throw e;
    }
  }

  private static StageWorkspace cloneInto(
      Path root, GitRemote remote, String baseBranch, String branch, @Nullable String headSha)
      throws WorkspaceException {
    Path mirrorDir = root.resolve(MIRROR);
    List<RefSpec> specs = new ArrayList<>();
    specs.add(headRef(baseBranch));
    if (headSha != null && !branch.equals(baseBranch)) {
      specs.add(headRef(branch));
    }
    String baseSha;
    String remoteAtPrepare;
    try (Git mirror = Git.init().setBare(true).setGitDir(mirrorDir.toFile()).call()) {
      StoredConfig config = mirror.getRepository().getConfig();
      noAutoGc(config);
      // JGit sends the credentials it was challenged for again after a redirect, to any host:
      // redirects are not followed, so the token goes to the remote's own origin only.
      config.setString("http", null, "followRedirects", "false");
      config.save();
    } catch (GitAPIException | IOException e) {
      throw failure("creating the mirror", remote, e);
    }
    try (Git mirror = Git.open(mirrorDir.toFile());
        Transport transport = Transport.open(mirror.getRepository(), remote.uriish())) {
      transport.setCredentialsProvider(remote.credentials());
      transport.setObjectChecker(new ObjectChecker());
      Ref remoteBranch;
      try (FetchConnection listing = transport.openFetch(List.of(headRef(branch)))) {
        // Protocol v2 lists only the refs asked for: ask for the branch itself.
        remoteBranch = listing.getRef("refs/heads/" + branch);
      }
      transport.fetch(NullProgressMonitor.INSTANCE, specs);
      Ref base = mirror.getRepository().exactRef("refs/heads/" + baseBranch);
      if (base == null) {
        throw new WorkspaceException(
            "the remote has no branch " + Texts.quote(baseBranch) + "; check the target branch");
      }
      remoteAtPrepare = remoteBranch == null ? null : remoteBranch.getObjectId().name();
      if (headSha != null && !headSha.equals(remoteAtPrepare)) {
        throw new WorkspaceException(
            "the pull request's branch "
                + Texts.quote(branch)
                + " is at "
                + (remoteAtPrepare == null ? "nothing (deleted)" : abbrev(remoteAtPrepare))
                + ", not at the verified head "
                + abbrev(headSha)
                + "; it moved since the event, run the stage again on the new head");
      }
      baseSha = headSha != null ? headSha : base.getObjectId().name();
    } catch (IOException e) {
      throw failure("cloning " + remote.url() + " as " + remote.username(), remote, e);
    }
    StageWorkspace workspace =
        new StageWorkspace(root, remote, baseBranch, branch, baseSha, remoteAtPrepare);
    workspace.makeWorkingClone();
    return workspace;
  }

  private void makeWorkingClone() throws WorkspaceException {
    Path mount = mountDir();
    try {
      Files.createDirectory(mount, noAttributes());
      try (Git clone =
          Git.init().setDirectory(repoDir().toFile()).setInitialBranch(branch).call()) {
        StoredConfig config = clone.getRepository().getConfig();
        noAutoGc(config);
        config.setString("remote", "origin", "url", root.resolve(MIRROR).toString());
        config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
        config.save();
        clone.fetch().setRemote("origin").call();
        clone
            .checkout()
            .setCreateBranch(true)
            .setName(branch)
            .setStartPoint(baseSha)
            .setForced(true)
            .call();
        config.setString("remote", "origin", "url", remote.publicUrl());
        config.save();
      }
      Files.createDirectory(mount.resolve(BundleFile.DIR));
      WorkspaceFiles.openToTheAgent(mount);
      Files.setPosixFilePermissions(mount, WorkspaceFiles.EVERYONE_READS);
    } catch (GitAPIException | IOException e) {
      throw failure("preparing the working clone", remote, e);
    }
  }

  /** The folder mounted at {@code /workspace}: {@code repo/} and {@code out/}. */
  public Path mountDir() {
    return root.resolve(MOUNT);
  }

  /** The agent's working clone, {@code mountDir/repo}. */
  public Path repoDir() {
    return mountDir().resolve("repo");
  }

  /** The branch the agent commits on ({@code HYDRA_BRANCH}). */
  public String branch() {
    return branch;
  }

  /** The commit the output must build on ({@code HYDRA_BASE_SHA}). */
  public String baseSha() {
    return baseSha;
  }

  /**
   * The unified diff from the merge base of the target branch's tip and the prepared head to that
   * head ({@code base...head}), computed from the runner's mirror.
   *
   * @param maxBytes the most bytes returned; a longer diff ends with a note that it was cut
   */
  public String diff(long maxBytes) throws WorkspaceException {
    BoundedBuffer out = new BoundedBuffer(maxBytes);
    try (Repository mirror = openMirror();
        RevWalk walk = new RevWalk(mirror);
        DiffFormatter formatter = new DiffFormatter(out)) {
      RevCommit head = walk.parseCommit(ObjectId.fromString(baseSha));
      Ref base = mirror.exactRef("refs/heads/" + baseBranch);
      if (base == null) {
        throw new WorkspaceException("the mirror lost the branch " + Texts.quote(baseBranch));
      }
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(base.getObjectId()));
      walk.markStart(head);
      RevCommit mergeBase = walk.next();
      formatter.setRepository(mirror);
      formatter.setDetectRenames(true);
      formatter.format(mergeBase == null ? null : mergeBase.getTree(), head.getTree());
      formatter.flush();
    } catch (IOException e) {
      throw failure("computing the diff", remote, e);
    }
    return out.text();
  }

  /**
   * Reads, fetches and validates the stage's output.
   *
   * @return empty when the stage left no bundle (it committed nothing)
   * @throws OutputRejectedException naming every problem and its fix; nothing may be pushed
   */
  public Optional<Output> collect(OutputLimits limits, SecretMasker masker)
      throws WorkspaceException {
    return collect(limits, masker, null);
  }

  /**
   * Reads, fetches and validates the stage's output, and keeps it to {@code scope} when one is
   * given (a scoped fixer pass: {@link OutputScope}).
   *
   * @return empty when the stage left no bundle (it committed nothing)
   * @throws OutputRejectedException naming every problem and its fix; nothing may be pushed
   */
  public Optional<Output> collect(
      OutputLimits limits, SecretMasker masker, @Nullable OutputScope scope)
      throws WorkspaceException {
    try (Repository mirror = openMirror()) {
      Optional<BundleFile.Opened> opened = BundleFile.open(mountDir(), limits.maxBundleBytes());
      if (opened.isEmpty()) {
        return Optional.empty();
      }
      List<String> refs;
      try (InputStream in = opened.get().in()) {
        refs = fetchBundle(mirror, in, masker);
      }
      ObjectId head = outputHead(mirror, refs);
      OutputFacts facts =
          MirrorFacts.read(
              mirror, branch, refs, baseSha, head, opened.get().size(), limits.maxFileBytes());
      List<String> problems = new ArrayList<>(OutputRules.problems(facts, limits, masker));
      if (scope != null) {
        problems.addAll(scope.problems(facts));
      }
      if (head == null) {
        problems.add(0, "the bundle carries no commit; let the entrypoint write it");
      }
      if (!problems.isEmpty() || head == null) {
        throw new OutputRejectedException(problems);
      }
      collected.add(head.name());
      List<String> commits = facts.commits().stream().map(OutputFacts.Commit::sha).toList();
      return Optional.of(new Output(branch, head.name(), commits, OutputRules.changedPaths(facts)));
    } catch (IOException e) {
      throw failure("reading the stage's output", remote, e);
    }
  }

  private List<String> fetchBundle(Repository mirror, InputStream in, SecretMasker masker)
      throws IOException, OutputRejectedException {
    clearOutputRefs(mirror);
    try (TransportBundleStream transport =
        new TransportBundleStream(mirror, new URIish().setPath(BundleFile.NAME), in)) {
      transport.setObjectChecker(new ObjectChecker());
      FetchResult result =
          transport.fetch(
              NullProgressMonitor.INSTANCE, List.of(new RefSpec("+refs/*:" + OUTPUT_REFS + "*")));
      return result.getAdvertisedRefs().stream().map(Ref::getName).sorted().toList();
    } catch (MissingBundlePrerequisiteException e) {
      throw new OutputRejectedException(
          List.of(
              "the bundle builds on commits the runner does not have; commit on top of"
                  + " $HYDRA_BASE_SHA and let the entrypoint write the bundle"));
    } catch (org.eclipse.jgit.errors.TransportException e) {
      throw new OutputRejectedException(
          List.of(
              "the bundle cannot be read ("
                  + Texts.oneLine(masker.maskDecoded(String.valueOf(e.getMessage())))
                  + "); let the entrypoint write it with git bundle create"));
    }
  }

  private @Nullable ObjectId outputHead(Repository mirror, List<String> refs) throws IOException {
    String wanted = "refs/heads/" + branch;
    String name = refs.contains(wanted) ? wanted : refs.size() == 1 ? refs.get(0) : null;
    if (name == null || !name.startsWith("refs/")) {
      return null;
    }
    Ref ref = mirror.exactRef(OUTPUT_REFS + name.substring("refs/".length()));
    return ref == null ? null : ref.getObjectId();
  }

  private static void clearOutputRefs(Repository mirror) throws IOException {
    for (Ref ref : mirror.getRefDatabase().getRefsByPrefix(OUTPUT_REFS)) {
      RefUpdate delete = mirror.updateRef(ref.getName());
      delete.setForceUpdate(true);
      delete.delete();
    }
  }

  /**
   * Pushes a collected output from the mirror, never forcing past what the runner saw.
   *
   * @param output what {@link #collect} returned from this workspace
   * @param as the same repository with the token that pushes (the builder's)
   * @param mode the compare-and-set the remote branch must pass
   * @throws WorkspaceException when the remote refused, naming why and the fix; the remote is
   *     unchanged then
   */
  public PushResult push(Output output, GitRemote as, PushMode mode) throws WorkspaceException {
    if (!as.sameRepository(remote)) {
      throw new WorkspaceException(
          "an output is pushed only to the repository it was cloned from (" + remote.url() + ")");
    }
    if (!collected.contains(output.headSha()) || !output.branch().equals(branch)) {
      throw new WorkspaceException(
          "only an output that collect() validated in this workspace can be pushed");
    }
    ObjectId expected =
        switch (mode) {
          case NEW_BRANCH -> ObjectId.zeroId();
          case REPLACE ->
              remoteAtPrepare == null ? ObjectId.zeroId() : ObjectId.fromString(remoteAtPrepare);
          case FAST_FORWARD -> ObjectId.fromString(baseSha);
        };
    String target = "refs/heads/" + branch;
    try (Repository mirror = openMirror();
        Transport transport = Transport.open(mirror, as.uriish())) {
      transport.setCredentialsProvider(as.credentials());
      transport.setPushAtomic(true);
      RemoteRefUpdate update =
          new RemoteRefUpdate(
              mirror,
              output.headSha(),
              ObjectId.fromString(output.headSha()),
              target,
              mode == PushMode.REPLACE,
              null,
              expected);
      transport.push(NullProgressMonitor.INSTANCE, List.of(update));
      return result(update, output, as, mode);
    } catch (IOException e) {
      throw failure("pushing " + Texts.quote(branch) + " as " + as.username(), as, e);
    }
  }

  private PushResult result(RemoteRefUpdate update, Output output, GitRemote as, PushMode mode)
      throws WorkspaceException {
    String previous =
        update.getExpectedOldObjectId() == null
                || ObjectId.zeroId().equals(update.getExpectedOldObjectId())
            ? null
            : update.getExpectedOldObjectId().name();
    String what = "pushing " + Texts.quote(branch) + " as " + as.username();
    return switch (update.getStatus()) {
      case OK, UP_TO_DATE -> new PushResult(branch, previous, output.headSha(), as.username());
      case REJECTED_REMOTE_CHANGED ->
          throw new WorkspaceException(
              what
                  + " was refused: "
                  + switch (mode) {
                    case NEW_BRANCH ->
                        "the branch already exists on the remote; delete it or reset the stage"
                            + " (REPLACE)";
                    case REPLACE ->
                        "the branch changed on the remote since the workspace was prepared; run"
                            + " the stage again";
                    case FAST_FORWARD ->
                        "the branch moved on the remote since "
                            + abbrev(baseSha)
                            + "; run the stage again on the new head";
                  }
                  + "; nothing was pushed");
      case REJECTED_NONFASTFORWARD ->
          throw new WorkspaceException(
              what + " was refused: not a fast-forward; nothing was pushed, run the stage again");
      default ->
          throw new WorkspaceException(
              what
                  + " was refused by the remote ("
                  + update.getStatus()
                  + (update.getMessage() == null
                      ? ""
                      : ": " + Texts.oneLine(mask(as, update.getMessage())))
                  + "); check the token may push to this branch (branch protection, rights)");
    };
  }

  /**
   * Writes the tree of a commit the mirror holds into {@code target}, a folder of the runner's that
   * is never mounted for the agent: what the gates check (issue 13), never the agent's {@code
   * repo/}. Files and links only, no {@code .git}.
   *
   * @param revision a commit id, or a ref of the mirror ({@code refs/heads/main})
   * @param under a folder of the tree to write alone ({@code .hydra}), or empty for all of it
   * @throws WorkspaceException when the mirror has no such commit or a file cannot be written
   */
  public void exportTree(String revision, Path target, String under) throws WorkspaceException {
    try (Repository mirror = openMirror()) {
      ObjectId commit = mirror.resolve(revision);
      if (commit == null) {
        throw new WorkspaceException("the runner's mirror has no " + Texts.quote(revision));
      }
      TreeExport.write(mirror, commit, target, under);
    } catch (IOException | RuntimeException e) {
      throw failure("writing the tree of " + Texts.quote(revision), remote, e);
    }
  }

  /**
   * The paths {@code head} changes from its merge base with the target branch (both names of a
   * rename): a {@code diff} gate's changed files.
   */
  public List<String> changedPaths(String head) throws WorkspaceException {
    try (Repository mirror = openMirror()) {
      Ref base = mirror.exactRef("refs/heads/" + baseBranch);
      if (base == null) {
        throw new WorkspaceException("the mirror lost the branch " + Texts.quote(baseBranch));
      }
      return TreeExport.changedPaths(mirror, base.getObjectId(), ObjectId.fromString(head));
    } catch (IOException | RuntimeException e) {
      throw failure("listing the changed files", remote, e);
    }
  }

  /** The target branch's tip as the mirror holds it. */
  public String baseBranchRef() {
    return "refs/heads/" + baseBranch;
  }

  /** Deletes the whole workspace (mirror, clone, output), read-only files included. */
  @Override
  public void close() {
    IOException failure = WorkspaceFiles.deleteTree(root);
    if (failure != null) {
      LOG.warn("could not delete the stage workspace {}: {}", root, failure.toString());
    }
  }

  private Repository openMirror() throws IOException {
    return Git.open(root.resolve(MIRROR).toFile()).getRepository();
  }

  /** JGit's background gc would change files while they are opened to the agent, or deleted. */
  private static void noAutoGc(StoredConfig config) {
    config.setInt("gc", null, "auto", 0);
    config.setInt("gc", null, "autoPackLimit", 0);
  }

  private static RefSpec headRef(String name) {
    return new RefSpec("+refs/heads/" + name + ":refs/heads/" + name);
  }

  private static void checkBranch(String name) throws WorkspaceException {
    if (!Repository.isValidRefName("refs/heads/" + name)) {
      throw new WorkspaceException(
          Texts.quote(name) + " is not a valid branch name; check the target or head branch");
    }
  }

  private static WorkspaceException failure(String what, GitRemote remote, Exception e) {
    return new WorkspaceException(
        what
            + " failed: "
            + Texts.oneLine(mask(remote, String.valueOf(e.getMessage())))
            + "; check the URL, that the token may read (and for a push, write) the repository,"
            + " and that the forge is reachable");
  }

  private static String mask(GitRemote remote, String text) {
    Secret token = remote.token();
    return token == null ? text : SecretMasker.of(List.of(token)).maskDecoded(text);
  }

  private static String abbrev(String sha) {
    return OutputRules.abbrev(sha);
  }

  private static java.nio.file.attribute.FileAttribute<?>[] noAttributes() {
    return new java.nio.file.attribute.FileAttribute<?>[0];
  }

  /** Keeps at most a limit of bytes and notes that the rest was cut. */
  private static final class BoundedBuffer extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final long limit;
    private boolean cut;

    BoundedBuffer(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      long room = limit - bytes.size();
      if (len > room) {
        cut = true;
      }
      bytes.write(b, off, (int) Math.max(0, Math.min(len, room)));
    }

    String text() {
      String text = bytes.toString(StandardCharsets.UTF_8);
      return cut ? text + "\n[diff truncated: it is longer than " + limit + " bytes]\n" : text;
    }
  }
}
