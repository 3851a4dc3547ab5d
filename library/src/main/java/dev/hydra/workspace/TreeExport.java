package dev.hydra.workspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.util.io.NullOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * A commit's tree written from the runner's mirror into a folder of the runner's, never a checkout
 * with a {@code .git} of its own (the gates' input, issue 13), and the paths two commits differ in.
 * Reads only objects the mirror checked when they were fetched.
 */
final class TreeExport {

  private TreeExport() {}

  /**
   * Writes the tree: regular files (executable ones {@code rwxr-xr-x}), links as links (never
   * followed), submodules left out.
   *
   * @param under a folder to write alone, or empty for the whole tree
   */
  static void write(Repository mirror, ObjectId commit, Path target, String under)
      throws IOException {
    Path root = Files.createDirectories(target).toRealPath();
    try (RevWalk walk = new RevWalk(mirror);
        TreeWalk tree = new TreeWalk(mirror)) {
      tree.addTree(walk.parseCommit(commit).getTree());
      tree.setRecursive(true);
      if (!under.isEmpty()) {
        tree.setFilter(PathFilter.create(under));
      }
      while (tree.next()) {
        Path file = root.resolve(tree.getPathString()).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
          continue; // the mirror's object checker refuses such paths; never written outside
        }
        FileMode mode = tree.getFileMode(0);
        Files.createDirectories(file.getParent());
        if (mode == FileMode.SYMLINK) {
          byte[] link = mirror.open(tree.getObjectId(0)).getBytes();
          Files.createSymbolicLink(file, Path.of(new String(link, StandardCharsets.UTF_8)));
        } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          try (OutputStream out = Files.newOutputStream(file)) {
            mirror.open(tree.getObjectId(0)).copyTo(out);
          }
          Files.setPosixFilePermissions(
              file,
              PosixFilePermissions.fromString(
                  mode == FileMode.EXECUTABLE_FILE ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
  }

  /**
   * Every path {@code head} changes from its merge base with {@code base} (both names of a rename).
   */
  static List<String> changedPaths(Repository mirror, ObjectId base, ObjectId head)
      throws IOException {
    try (RevWalk walk = new RevWalk(mirror);
        DiffFormatter diff = new DiffFormatter(NullOutputStream.INSTANCE)) {
      RevCommit to = walk.parseCommit(head);
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(base));
      walk.markStart(to);
      @Nullable RevCommit from = walk.next();
      diff.setRepository(mirror);
      diff.setDetectRenames(true);
      List<String> paths = new ArrayList<>();
      for (DiffEntry entry : diff.scan(from == null ? null : from.getTree(), to.getTree())) {
        for (String path : List.of(entry.getOldPath(), entry.getNewPath())) {
          if (!path.equals(DiffEntry.DEV_NULL) && !paths.contains(path)) {
            paths.add(path);
          }
        }
      }
      return paths;
    }
  }
}
