package dev.hydra.forge.local;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalFiles.IssueFile;
import dev.hydra.forge.local.LocalFiles.PullFile;
import dev.hydra.forge.local.LocalFiles.RepoFile;
import dev.hydra.forge.local.LocalFiles.ThreadFile;
import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of one local forge directory: where each lives, reading and writing them whole, and the
 * per-repository lock.
 *
 * <p>Writes go to a temporary file in the same directory, are flushed to disk and then renamed over
 * the old file, so a reader (locked or not) sees the old content or the new one, never half a file,
 * and a crash leaves at most a stray {@code .*.tmp} file that nothing reads. Read-modify-write
 * sequences run under {@link #locked}: a {@link ReentrantLock} per lock file for the threads of
 * this JVM (one JVM may not hold two {@link FileLock}s on one file), then an exclusive {@link
 * FileLock} on {@code <repo>/.lock} for other processes. The operating system drops a dead
 * process's lock.
 */
final class LocalStore {

  static final String PERSONAS = "personas.json";
  static final String REPO = "repo.json";
  static final String USERS = "users.json";
  static final String TIMELINE = "timeline.log";
  static final String LOCK = ".lock";
  static final String ISSUES = "issues";
  static final String PULLS = "pulls";

  /** How long to wait for another thread or process to finish with a repository. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(60);

  private static final Pattern NUMBERED = Pattern.compile("([1-9][0-9]{0,8})\\.json");
  private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  /** Work done while the repository's lock is held. */
  @FunctionalInterface
  interface Locked<T> {
    T run() throws ForgeException;
  }

  private final Path root;

  LocalStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  Path personasFile() {
    return root.resolve(PERSONAS);
  }

  Path repoDir(RepoRef repo) {
    // RepoRef admits neither '/', a leading '.', nor "..": the path stays inside root.
    return root.resolve("repos").resolve(repo.owner()).resolve(repo.name());
  }

  Path repoFile(RepoRef repo) {
    return repoDir(repo).resolve(REPO);
  }

  Path usersFile(RepoRef repo) {
    return repoDir(repo).resolve(USERS);
  }

  Path timelineFile(RepoRef repo) {
    return repoDir(repo).resolve(TIMELINE);
  }

  Path issueFile(RepoRef repo, int number) {
    return repoDir(repo).resolve(ISSUES).resolve(number + ".json");
  }

  Path pullFile(RepoRef repo, int number) {
    return repoDir(repo).resolve(PULLS).resolve(number + ".json");
  }

  /**
   * Runs {@code work} holding the repository's lock, against threads of this JVM and other
   * processes alike. Nested calls on the same thread run at once.
   *
   * @throws ForgeNotFoundException when the repository does not exist
   * @throws ForgeException when the lock cannot be had within {@link #LOCK_WAIT}, or {@code work}
   *     fails
   */
  <T> T locked(RepoRef repo, Locked<T> work) throws ForgeException {
    Path lockFile = lockFile(repo);
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
    boolean nested = jvmLock.isHeldByCurrentThread();
    try {
      if (!jvmLock.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw lockTimeout(lockFile, "another thread of this process");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ForgeException("local forge: interrupted waiting for " + lockFile, 0, e);
    }
    try {
      if (nested) {
        return work.run();
      }
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = acquire(channel, lockFile);
        try {
          return work.run();
        } finally {
          lock.release();
        }
      } catch (IOException e) {
        throw io("lock", lockFile, e);
      }
    } finally {
      jvmLock.unlock();
    }
  }

  private Path lockFile(RepoRef repo) throws ForgeException {
    Path dir = repoDir(repo);
    if (!Files.isRegularFile(dir.resolve(REPO))) {
      throw noRepository(repo);
    }
    try {
      // The real path, so that two spellings of one directory share one JVM lock.
      return dir.toRealPath().resolve(LOCK);
    } catch (IOException e) {
      throw io("resolve", dir, e);
    }
  }

  private static FileLock acquire(FileChannel channel, Path lockFile)
      throws IOException, ForgeException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return lock;
      }
      if (System.nanoTime() - deadline > 0) {
        throw lockTimeout(lockFile, "another process");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ForgeException("local forge: interrupted waiting for " + lockFile, 0, e);
      }
    }
  }

  private static ForgeException lockTimeout(Path lockFile, String holder) {
    return new ForgeException(
        "local forge: "
            + holder
            + " has held "
            + lockFile
            + " for more than "
            + LOCK_WAIT.toSeconds()
            + " s; wait for it to finish, or stop the hydra process that is stuck",
        0,
        null);
  }

  ForgeNotFoundException noRepository(RepoRef repo) {
    return new ForgeNotFoundException(
        "local forge: no repository "
            + repo
            + " in "
            + root
            + " (no "
            + repoFile(repo)
            + "); create it with LocalForges.init",
        404,
        null);
  }

  /**
   * Reads {@code repo.json}.
   *
   * @throws ForgeNotFoundException when the repository does not exist
   */
  RepoFile repo(RepoRef repo) throws ForgeException {
    Path file = repoFile(repo);
    return readIfExists(file, RepoFile.class, "repository file")
        .orElseThrow(() -> noRepository(repo));
  }

  /**
   * Reads {@code users.json}: login to permission.
   *
   * @return the map, empty when the file does not exist
   */
  Map<String, Permission> users(RepoRef repo) throws ForgeException {
    Path file = usersFile(repo);
    Map<String, String> raw = stringMap(file, "users file (login to permission)");
    Map<String, Permission> users = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      users.put(e.getKey(), permission(e.getValue(), e.getKey(), file));
    }
    return users;
  }

  /**
   * Reads {@code personas.json}: persona to login.
   *
   * @return the map, empty when the file does not exist
   */
  Map<String, String> personas() throws ForgeException {
    return stringMap(personasFile(), "personas file (persona to login)");
  }

  /** Reads issue or pull request {@code number}, whichever exists. */
  Optional<ThreadFile> thread(RepoRef repo, int number) throws ForgeException {
    Optional<IssueFile> issue = readIfExists(issueFile(repo, number), IssueFile.class, "issue");
    Optional<PullFile> pull = readIfExists(pullFile(repo, number), PullFile.class, "pull request");
    if (issue.isPresent() && pull.isPresent()) {
      throw new ForgeException(
          "local forge: both "
              + issueFile(repo, number)
              + " and "
              + pullFile(repo, number)
              + " exist, but a number is either an issue or a pull request; delete one of them",
          0,
          null);
    }
    return issue.isPresent() ? Optional.of(issue.get()) : pull.map(p -> p);
  }

  Optional<PullFile> pull(RepoRef repo, int number) throws ForgeException {
    return readIfExists(pullFile(repo, number), PullFile.class, "pull request");
  }

  /** Issue or pull request {@code number}, which must exist. */
  ThreadFile existingThread(RepoRef repo, int number) throws ForgeException {
    repo(repo);
    Optional<ThreadFile> t = thread(repo, number);
    if (t.isEmpty()) {
      throw new ForgeNotFoundException(
          "local forge: no issue or pull request #"
              + number
              + " in "
              + repo
              + " (neither "
              + issueFile(repo, number)
              + " nor "
              + pullFile(repo, number)
              + " exists); check the number",
          404,
          null);
    }
    return t.get();
  }

  /** Pull request {@code number}, which must exist and be a pull request. */
  PullFile existingPull(RepoRef repo, int number) throws ForgeException {
    ThreadFile t = existingThread(repo, number);
    if (t instanceof PullFile p) {
      return p;
    }
    throw new ForgeNotFoundException(
        "local forge: #" + number + " in " + repo + " is an issue, not a pull request", 404, null);
  }

  void writeThread(RepoRef repo, int number, ThreadFile t) throws ForgeException {
    write(t instanceof PullFile ? pullFile(repo, number) : issueFile(repo, number), t);
  }

  /** The next issue or pull request number, the counter written first. Under the lock. */
  int allocateNumber(RepoRef repo, RepoFile r) throws ForgeException {
    // The counter, or past the highest file if someone edited the counter down: never reuse.
    int number = r.nextNumber();
    for (String folder : List.of(ISSUES, PULLS)) {
      SortedSet<Integer> numbers = numbers(repo, folder);
      if (!numbers.isEmpty()) {
        number = Math.max(number, numbers.last() + 1);
      }
    }
    // The counter first: a crash before the issue is written skips a number, as GitHub can.
    write(repoFile(repo), r.withNextNumber(number + 1));
    return number;
  }

  /** The numbers of every issue and pull request, ascending. */
  Set<Integer> allNumbers(RepoRef repo) throws ForgeException {
    Set<Integer> numbers = new TreeSet<>(numbers(repo, ISSUES));
    numbers.addAll(numbers(repo, PULLS));
    return numbers;
  }

  /** The numbers of the files in {@code issues/} or {@code pulls/}, ascending. */
  SortedSet<Integer> numbers(RepoRef repo, String folder) throws ForgeException {
    SortedSet<Integer> numbers = new TreeSet<>();
    Path dir = repoDir(repo).resolve(folder);
    if (!Files.isDirectory(dir)) {
      return numbers;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Matcher m = NUMBERED.matcher(file.getFileName().toString());
        if (m.matches()) {
          numbers.add(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      throw io("list", dir, e);
    }
    return numbers;
  }

  <T> Optional<T> readIfExists(Path file, Class<T> type, String what) throws ForgeException {
    Optional<byte[]> bytes = bytesIfExists(file);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    T value = parse(file, what, () -> Json.mapper().readValue(bytes.get(), type));
    if (value == null) {
      throw invalid(file, what, "it holds null, not an object");
    }
    return Optional.of(value);
  }

  /** A JSON parse of a file's bytes. */
  @FunctionalInterface
  private interface Parse<T> {
    T parse() throws IOException;
  }

  private static Optional<byte[]> bytesIfExists(Path file) throws ForgeException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw io("read", file, e);
    }
  }

  private static <T> T parse(Path file, String what, Parse<T> parse) throws ForgeException {
    try {
      return parse.parse();
    } catch (JacksonException e) {
      throw invalid(file, what, e);
    } catch (IOException e) {
      throw io("read", file, e);
    }
  }

  private Map<String, String> stringMap(Path file, String what) throws ForgeException {
    Optional<byte[]> bytes = bytesIfExists(file);
    if (bytes.isEmpty()) {
      return Map.of();
    }
    JsonNode node = parse(file, what, () -> Json.mapper().readTree(bytes.get()));
    if (node == null || !node.isObject()) {
      throw invalid(file, what, "expected an object of names to names");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw invalid(file, what, "the value of " + Texts.quote(e.getKey()) + " is not a string");
      }
      map.put(e.getKey(), e.getValue().asText());
    }
    return map;
  }

  private static Permission permission(String value, String login, Path file)
      throws ForgeException {
    for (Permission p : Permission.values()) {
      if (p.name().toLowerCase(Locale.ROOT).equals(value)) {
        return p;
      }
    }
    throw invalid(
        file,
        "users file",
        "the permission of "
            + Texts.quote(login)
            + " is "
            + Texts.quote(value)
            + "; use none, read, triage, write, maintain or admin");
  }

  /** Writes {@code value} as pretty JSON, replacing the file atomically. */
  void write(Path file, Object value) throws ForgeException {
    byte[] json;
    try {
      json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
    byte[] bytes = new byte[json.length + 1];
    System.arraycopy(json, 0, bytes, 0, json.length);
    bytes[json.length] = '\n';
    writeAtomically(file, bytes);
  }

  /** Appends lines to the repository's timeline. */
  void appendTimeline(RepoRef repo, String line) throws ForgeException {
    Path file = timelineFile(repo);
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      throw io("append to", file, e);
    }
  }

  private void writeAtomically(Path file, byte[] bytes) throws ForgeException {
    // Every file here lives under root, so it has a parent.
    Path dir = Objects.requireNonNull(file.getParent(), "parent");
    Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(dir);
      try (FileChannel channel =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // On disk before the rename, so that a power cut cannot leave a renamed empty file.
        channel.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        // Not on any local file system Hydra runs on; better a plain replace than no write.
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } catch (IOException e) {
      throw io("write", file, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // A stray temporary file is harmless: nothing reads *.tmp.
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory; the rename is still atomic there, only less durable.
    }
  }

  static ForgeException invalid(Path file, String what, JacksonException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String reason = e.getOriginalMessage();
    return new ForgeException(
        message(file, what, Texts.escape(Texts.oneLine(reason == null ? "" : reason), 200) + where),
        0,
        e);
  }

  static ForgeException invalid(Path file, String what, String reason) {
    return new ForgeException(message(file, what, reason), 0, null);
  }

  private static String message(Path file, String what, String reason) {
    return "local forge: "
        + file
        + " is not a valid "
        + what
        + ": "
        + reason
        + "; fix the file by hand (timeline.log beside repo.json shows what happened), or delete"
        + " the directory and create it again";
  }

  static ForgeException io(String verb, Path file, IOException e) {
    return new ForgeException(
        "local forge: cannot "
            + verb
            + " "
            + file
            + ": "
            + Texts.escape(Texts.oneLine(String.valueOf(e.getMessage())), 200)
            + "; check that the directory exists, is writable and the disk is not full",
        0,
        e);
  }
}
