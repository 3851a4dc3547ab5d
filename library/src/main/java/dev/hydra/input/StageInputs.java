package dev.hydra.input;

import dev.hydra.forge.Comment;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a stage's read-only input folder (SPEC §5 "inputs in", mounted at {@code /input}): {@code
 * issue.md} ({@link IssueInput}), for reviews and the applier {@code pull-request.md} ({@link
 * PullRequestInput}) and {@code pull-request.diff}, and {@code spec/} when the issue names an
 * {@code openspec/changes/<name>} folder the clone holds.
 *
 * <p>Every file is made {@code 0444} and the folder {@code 0555} after each write: readable by the
 * agent's user (uid 10001, not the runner's), writable by no one in the container. The spec copy
 * follows no symbolic link and takes regular files only, within depth and size limits; anything
 * else is refused with an {@link IOException} that names the path and the fix.
 */
public final class StageInputs {

  /** The spec folder's name in the input folder. */
  public static final String SPEC_DIR = "spec";

  /** The largest diff written; a longer one is cut at a line end, and the header says so. */
  public static final long MAX_DIFF_BYTES = 1024 * 1024;

  /** How deep the spec folder may nest (the folder itself is depth 0). */
  static final int MAX_SPEC_DEPTH = 8;

  /** How many files the spec folder may hold. */
  static final int MAX_SPEC_FILES = 200;

  /** The largest spec file. */
  static final long MAX_SPEC_FILE_BYTES = 512 * 1024;

  /** The largest spec folder, all files together. */
  static final long MAX_SPEC_BYTES = 4 * 1024 * 1024;

  private static final Pattern SPEC_PATH =
      Pattern.compile("(?<![A-Za-z0-9_.-])openspec/changes/([a-z0-9][a-z0-9._-]*)");
  private static final Pattern SPEC_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final String FILE_MODE = "r--r--r--";
  private static final String DIR_MODE = "r-xr-xr-x";
  private static final String WRITING_MODE = "rwxr-xr-x";

  private StageInputs() {}

  /**
   * Writes {@code issue.md}: the issue exactly as the runner verified it, with its comments.
   *
   * @param repository {@code owner/name}
   */
  public static void writeIssue(
      Path inputDir, String repository, Issue issue, List<Comment> comments) throws IOException {
    write(
        inputDir,
        IssueInput.FILE,
        IssueInput.render(RepoRef.parse(repository), issue, comments)
            .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code pull-request.md} and {@code pull-request.diff}. The diff is code and is written
   * as it is, cut at a line end after at most {@value #MAX_DIFF_BYTES} bytes.
   */
  public static void writePullRequest(Path inputDir, PullRequest pr, String diff)
      throws IOException {
    byte[] whole = diff.getBytes(StandardCharsets.UTF_8);
    int kept = cut(whole, MAX_DIFF_BYTES);
    write(
        inputDir,
        PullRequestInput.FILE,
        PullRequestInput.render(pr, whole.length, kept).getBytes(StandardCharsets.UTF_8));
    byte[] written = kept == whole.length ? whole : java.util.Arrays.copyOf(whole, kept);
    write(inputDir, PullRequestInput.DIFF_FILE, written);
  }

  /** How many of {@code bytes} to keep: all, or up to the last line end within {@code max}. */
  static int cut(byte[] bytes, long max) {
    if (bytes.length <= max) {
      return bytes.length;
    }
    for (int i = (int) max - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  /**
   * The spec folder an issue names: the first {@code openspec/changes/<name>} in its visible text
   * (HTML comments and hidden characters do not count: the labeller did not see them), a trailing
   * full stop left out.
   *
   * @return the name ({@code [a-z0-9][a-z0-9._-]{0,63}}, no {@code ..}), or empty when the first
   *     mention is not a valid name or there is none
   */
  public static Optional<String> specName(String issueBody) {
    Matcher m = SPEC_PATH.matcher(DataText.clean(issueBody));
    if (!m.find()) {
      return Optional.empty();
    }
    String name = m.group(1).replaceAll("\\.+$", "");
    return validName(name) ? Optional.of(name) : Optional.empty();
  }

  private static boolean validName(String name) {
    return SPEC_NAME.matcher(name).matches() && !name.contains("..");
  }

  /**
   * Copies {@code openspec/changes/<name>} of the clone into {@code spec/} of the input folder.
   *
   * @return false when the clone has no such folder
   * @throws IllegalArgumentException when {@code name} is not a spec name ({@link #specName})
   * @throws IOException when the folder or anything in it is a symbolic link or not a regular file,
   *     a name holds hidden characters, or it is deeper or larger than the limits; or on a write
   *     failure
   */
  public static boolean copySpec(Path repoDir, String name, Path inputDir) throws IOException {
    if (!validName(name)) {
      throw new IllegalArgumentException("not a spec name: " + Texts.quote(name));
    }
    Path folder = repoDir;
    for (String part : List.of("openspec", "changes", name)) {
      folder = folder.resolve(part);
      Optional<BasicFileAttributes> attributes = attributes(folder);
      if (attributes.isEmpty()) {
        return false;
      }
      if (!attributes.get().isDirectory()) {
        throw refused(repoDir, folder, "is a symbolic link or not a folder");
      }
    }
    Files.createDirectories(inputDir);
    setMode(inputDir, WRITING_MODE);
    Path target = inputDir.resolve(SPEC_DIR);
    List<Path> written = new ArrayList<>();
    copyTree(repoDir, folder, target, 0, new long[2], written);
    java.util.Collections.reverse(written); // children before their folder
    for (Path p : written) {
      setMode(p, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIR_MODE : FILE_MODE);
    }
    setMode(inputDir, DIR_MODE);
    return true;
  }

  /**
   * Copies one folder of the spec.
   *
   * @param used files and bytes copied so far
   * @param written every file and folder written, parents first
   */
  private static void copyTree(
      Path repoDir, Path from, Path to, int depth, long[] used, List<Path> written)
      throws IOException {
    if (depth > MAX_SPEC_DEPTH) {
      throw refused(repoDir, from, "is nested deeper than " + MAX_SPEC_DEPTH + " folders");
    }
    Files.createDirectory(to);
    written.add(to);
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(from)) {
      stream.forEach(entries::add);
    }
    entries.sort(null);
    for (Path entry : entries) {
      String fileName = String.valueOf(entry.getFileName());
      if (fileName.codePoints().anyMatch(cp -> cp < 0x20 || cp == 0x7f || Texts.isUnseen(cp))) {
        throw refused(repoDir, entry, "has a name with control or hidden characters");
      }
      BasicFileAttributes a =
          Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isDirectory()) {
        copyTree(repoDir, entry, to.resolve(fileName), depth + 1, used, written);
      } else if (a.isRegularFile()) {
        Path target = to.resolve(fileName);
        Files.write(target, read(repoDir, entry, used), StandardOpenOption.CREATE_NEW);
        written.add(target);
      } else {
        throw refused(repoDir, entry, "is a symbolic link or not a regular file");
      }
    }
  }

  /** A spec file's bytes, within the limits; never through a symbolic link. */
  private static byte[] read(Path repoDir, Path file, long[] used) throws IOException {
    if (++used[0] > MAX_SPEC_FILES) {
      throw refused(repoDir, file, "is one file more than the " + MAX_SPEC_FILES + " allowed");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes((int) MAX_SPEC_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_SPEC_FILE_BYTES) {
      throw refused(repoDir, file, "is larger than " + MAX_SPEC_FILE_BYTES + " bytes");
    }
    used[1] += bytes.length;
    if (used[1] > MAX_SPEC_BYTES) {
      throw refused(repoDir, file, "takes the spec folder over " + MAX_SPEC_BYTES + " bytes");
    }
    return bytes;
  }

  private static IOException refused(Path repoDir, Path path, String problem) {
    return new IOException(
        "the spec folder was not handed to the agent: "
            + Texts.quote(repoDir.relativize(path).toString())
            + " "
            + problem
            + "; Hydra copies regular files only, within its limits: replace or remove it in the"
            + " repository");
  }

  private static Optional<BasicFileAttributes> attributes(Path path) throws IOException {
    try {
      return Optional.of(
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Writes one file of the input folder (replacing an earlier one), then makes both read-only. */
  private static void write(Path inputDir, String name, byte[] content) throws IOException {
    Files.createDirectories(inputDir);
    setMode(inputDir, WRITING_MODE);
    Path file = inputDir.resolve(name);
    Files.deleteIfExists(file);
    Files.write(file, content, StandardOpenOption.CREATE_NEW);
    setMode(file, FILE_MODE);
    setMode(inputDir, DIR_MODE);
  }

  /** Sets POSIX permissions where the file system has them (not on Windows). */
  private static void setMode(Path path, String mode) throws IOException {
    if (Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        != null) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }
  }
}
