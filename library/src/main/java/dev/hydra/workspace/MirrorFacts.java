package dev.hydra.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;
import org.jspecify.annotations.Nullable;

/** Reads {@link OutputFacts} from the runner's mirror after a bundle was fetched into it. */
final class MirrorFacts {

  private MirrorFacts() {}

  static OutputFacts read(
      Repository mirror,
      String branch,
      List<String> refs,
      String baseSha,
      @Nullable ObjectId head,
      long bundleBytes,
      long maxFileBytes)
      throws IOException {
    if (head == null) {
      return new OutputFacts(branch, refs, baseSha, null, false, bundleBytes, List.of());
    }
    try (RevWalk walk = new RevWalk(mirror);
        ObjectReader reader = mirror.newObjectReader();
        DiffFormatter diffs = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
      diffs.setRepository(mirror);
      diffs.setDetectRenames(true);
      RevCommit base = walk.parseCommit(ObjectId.fromString(baseSha));
      RevCommit tip = walk.parseCommit(head);
      boolean descends = walk.isMergedInto(base, tip);
      walk.reset();
      walk.markStart(tip);
      walk.markUninteresting(base);
      List<OutputFacts.Commit> commits = new ArrayList<>();
      for (RevCommit commit : walk) {
        commits.add(commit(commit, diffs, reader, maxFileBytes));
      }
      return new OutputFacts(
          branch, refs, baseSha, tip.name(), descends, bundleBytes, List.copyOf(commits));
    }
  }

  private static OutputFacts.Commit commit(
      RevCommit commit, DiffFormatter diffs, ObjectReader reader, long maxFileBytes)
      throws IOException {
    List<String> parents = new ArrayList<>();
    for (RevCommit parent : commit.getParents()) {
      parents.add(parent.name());
    }
    ObjectId before = commit.getParentCount() == 0 ? null : commit.getParent(0).getTree();
    List<OutputFacts.Change> changes = new ArrayList<>();
    for (DiffEntry entry : diffs.scan(before, commit.getTree())) {
      changes.add(change(entry, diffs, reader, maxFileBytes));
    }
    return new OutputFacts.Commit(
        commit.name(), parents, commit.getFullMessage().lines().toList(), changes);
  }

  private static OutputFacts.Change change(
      DiffEntry entry, DiffFormatter diffs, ObjectReader reader, long maxFileBytes)
      throws IOException {
    String oldPath = entry.getChangeType() == DiffEntry.ChangeType.ADD ? null : entry.getOldPath();
    String newPath =
        entry.getChangeType() == DiffEntry.ChangeType.DELETE ? null : entry.getNewPath();
    FileMode newMode = entry.getNewMode();
    long bytes = 0;
    List<OutputFacts.Line> added = List.of();
    if (newPath != null && (newMode.getObjectType() == Constants.OBJ_BLOB)) {
      ObjectId id = entry.getNewId().toObjectId();
      bytes = reader.getObjectSize(id, Constants.OBJ_BLOB);
      if (bytes <= maxFileBytes) {
        added = addedLines(entry, diffs, reader.open(id, Constants.OBJ_BLOB).getCachedBytes());
      }
    }
    return new OutputFacts.Change(
        oldPath, newPath, entry.getOldMode().getBits(), newMode.getBits(), bytes, added);
  }

  private static List<OutputFacts.Line> addedLines(
      DiffEntry entry, DiffFormatter diffs, byte[] content) throws IOException {
    List<OutputFacts.Line> lines = new ArrayList<>();
    if (RawText.isBinary(content)) {
      // No line diff for binary content: every line of it counts as added.
      List<String> all = new String(content, StandardCharsets.ISO_8859_1).lines().toList();
      for (int i = 0; i < all.size(); i++) {
        lines.add(new OutputFacts.Line(i + 1, all.get(i)));
      }
      return lines;
    }
    RawText text = new RawText(content);
    for (Edit edit : diffs.toFileHeader(entry).toEditList()) {
      for (int i = edit.getBeginB(); i < edit.getEndB(); i++) {
        lines.add(new OutputFacts.Line(i + 1, text.getString(i)));
      }
    }
    return lines;
  }
}
