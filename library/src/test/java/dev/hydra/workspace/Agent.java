package dev.hydra.workspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.BundleWriter;

/** Plays the agent in a prepared workspace: commits in {@code repo/}, writes the bundle. */
final class Agent {

  private static final PersonIdent AGENT =
      new PersonIdent("Agent", "agent@example.test", Instant.EPOCH, ZoneOffset.UTC);

  private final StageWorkspace workspace;

  Agent(StageWorkspace workspace) {
    this.workspace = workspace;
  }

  /** Writes the files (null content deletes) and commits them on the checked-out branch. */
  String commit(Map<String, String> files, String message) throws IOException, GitAPIException {
    try (Git git = Git.open(workspace.repoDir().toFile())) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path path = workspace.repoDir().resolve(file.getKey());
        if (file.getValue() == null) {
          git.rm().addFilepattern(file.getKey()).call();
        } else {
          Files.createDirectories(path.getParent());
          Files.writeString(path, file.getValue());
          git.add().addFilepattern(file.getKey()).call();
        }
      }
      return git.commit()
          .setMessage(message)
          .setAuthor(AGENT)
          .setCommitter(AGENT)
          .setNoVerify(true)
          .setSign(false)
          .call()
          .name();
    }
  }

  /** Renames a file and commits. */
  String rename(String from, String to) throws IOException, GitAPIException {
    try (Git git = Git.open(workspace.repoDir().toFile())) {
      Path target = workspace.repoDir().resolve(to);
      Files.createDirectories(target.getParent());
      Files.move(workspace.repoDir().resolve(from), target);
      git.rm().addFilepattern(from).call();
      git.add().addFilepattern(to).call();
      return git.commit()
          .setMessage("rename")
          .setAuthor(AGENT)
          .setCommitter(AGENT)
          .setSign(false)
          .call()
          .name();
    }
  }

  /** Starts an unrelated history on the branch: a commit with no parent. */
  String orphanCommit(String file, String content) throws IOException, GitAPIException {
    try (Git git = Git.open(workspace.repoDir().toFile())) {
      var repo = git.getRepository();
      try (var inserter = repo.newObjectInserter()) {
        var tree = new org.eclipse.jgit.lib.TreeFormatter();
        tree.append(
            file,
            org.eclipse.jgit.lib.FileMode.REGULAR_FILE,
            inserter.insert(
                org.eclipse.jgit.lib.Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8)));
        var commit = new org.eclipse.jgit.lib.CommitBuilder();
        commit.setTreeId(inserter.insert(tree));
        commit.setAuthor(AGENT);
        commit.setCommitter(AGENT);
        commit.setMessage("orphan");
        ObjectId id = inserter.insert(commit);
        inserter.flush();
        var update = repo.updateRef("refs/heads/" + workspace.branch());
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        update.update();
        return id.name();
      }
    }
  }

  /**
   * Writes {@code out/changes.bundle} as the entrypoint does: {@code git bundle create …
   * refs/heads/<ref> ^<base>} (the base left out when the head does not descend from it).
   */
  void bundle(String ref) throws IOException {
    try (Git git = Git.open(workspace.repoDir().toFile());
        RevWalk walk = new RevWalk(git.getRepository());
        OutputStream out =
            Files.newOutputStream(workspace.mountDir().resolve("out/changes.bundle"))) {
      var repo = git.getRepository();
      ObjectId head = repo.resolve("refs/heads/" + workspace.branch());
      BundleWriter writer = new BundleWriter(repo);
      writer.include(ref, head);
      RevCommit base = walk.parseCommit(ObjectId.fromString(workspace.baseSha()));
      if (walk.isMergedInto(base, walk.parseCommit(head))) {
        writer.assume(base);
      }
      writer.writeBundle(NullProgressMonitor.INSTANCE, out);
    }
  }

  /** Writes the bundle of the checked-out branch under its own name. */
  void bundle() throws IOException {
    bundle("refs/heads/" + workspace.branch());
  }
}
