package dev.hydra.forge.local;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalFiles.RepoFile;
import dev.hydra.label.LabelScheme;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Creates local forge repositories, and the demo one the README's first command uses.
 *
 * <p>A repository starts with its default branch (at a made-up commit), the users and their
 * permissions, no labels and no issues; {@code personas.json} is written with one login per persona
 * ({@code hydra-builder}, …) unless it exists. See {@link LocalForge} for the layout.
 */
public final class LocalForges {

  /** The demo repository. */
  public static final RepoRef DEMO_REPO = RepoRef.of("demo", "app");

  /** The demo's administrator, who applies the trigger label. */
  public static final String DEMO_ADMIN = "mona";

  /** The demo's triage user, whose {@code yolo} carries no authority. */
  public static final String DEMO_TRIAGE = "tri";

  private LocalForges() {}

  /** The login of each persona in a new {@code personas.json}: {@code hydra-<persona>}. */
  public static Map<String, String> defaultPersonaLogins() {
    Map<String, String> logins = new LinkedHashMap<>();
    for (Persona persona : Persona.values()) {
      logins.put(persona.id(), "hydra-" + persona.id());
    }
    return logins;
  }

  /**
   * Creates a repository in the local forge at {@code dir} (created if needed).
   *
   * @param users login to permission on the repository; personas need {@code write}
   * @param defaultBranch the default branch, {@code main} for example
   * @throws ForgeConflictException when the repository exists already
   * @throws ForgeException when the files cannot be written
   */
  public static void init(
      Path dir, RepoRef repo, Map<String, Permission> users, String defaultBranch)
      throws ForgeException {
    init(dir, repo, users, defaultBranch, LocalForge.localTime());
  }

  static void init(
      Path dir, RepoRef repo, Map<String, Permission> users, String defaultBranch, Clock clock)
      throws ForgeException {
    if (defaultBranch.isBlank() || !Texts.isPrintableAscii(defaultBranch)) {
      throw new IllegalArgumentException("invalid default branch " + Texts.quote(defaultBranch));
    }
    LocalStore store = new LocalStore(dir);
    Map<String, String> permissions = new TreeMap<>();
    users.forEach((login, permission) -> permissions.put(login, lower(permission)));
    Path repoDir = store.repoDir(repo);
    try {
      Files.createDirectories(repoDir.getParent());
      // Creating the directory is the claim: of two concurrent inits, one fails here.
      Files.createDirectory(repoDir);
    } catch (FileAlreadyExistsException e) {
      throw new ForgeConflictException(
          "local forge: repository "
              + repo
              + " exists already in "
              + store.root()
              + (Files.isRegularFile(store.repoFile(repo))
                  ? ""
                  : " (incompletely: there is no repo.json)")
              + "; use it, or delete "
              + repoDir
              + " to start again",
          409,
          e);
    } catch (IOException e) {
      throw LocalStore.io("create", repoDir, e);
    }
    if (!Files.exists(store.personasFile())) {
      store.write(store.personasFile(), new TreeMap<>(defaultPersonaLogins()));
    }
    try {
      Files.createDirectories(repoDir.resolve(LocalStore.ISSUES));
      Files.createDirectories(repoDir.resolve(LocalStore.PULLS));
    } catch (IOException e) {
      throw LocalStore.io("create", repoDir, e);
    }
    store.write(store.usersFile(repo), permissions);
    // repo.json last: until it exists the repository does not, for every other operation.
    store.write(
        store.repoFile(repo),
        new RepoFile(
            defaultBranch,
            1,
            1,
            0,
            Map.of(defaultBranch, initialCommit(repo, defaultBranch)),
            List.of()));
    store.appendTimeline(
        repo,
        LocalForge.timelineLine(
            clock,
            "local",
            "create repository " + repo + " (default branch " + defaultBranch + ")"));
  }

  /**
   * Creates the demo: repository {@link #DEMO_REPO} with {@code mona} (admin), {@code tri} (triage)
   * and the personas (write), the trigger label {@code ready-to-build}, and one issue opened by
   * {@code mona}. The pipeline's other labels are seeded as on a real repository, through {@link
   * LocalForge#upsertLabel}; the demo then applies {@code ready-to-build} as {@code mona}:
   *
   * <pre>{@code
   * Issue issue = LocalForges.demo(dir);
   * LocalForge.asUser(dir, "mona").addLabel(LocalForges.DEMO_REPO, issue.number(), "ready-to-build");
   * }</pre>
   *
   * @return the issue
   * @throws ForgeException when the demo repository exists already or cannot be written
   */
  public static Issue demo(Path dir) throws ForgeException {
    return demo(dir, LocalForge.localTime());
  }

  static Issue demo(Path dir, Clock clock) throws ForgeException {
    Map<String, Permission> users = new LinkedHashMap<>();
    users.put(DEMO_ADMIN, Permission.ADMIN);
    users.put(DEMO_TRIAGE, Permission.TRIAGE);
    LocalStore store = new LocalStore(dir);
    Map<String, String> personas =
        Files.exists(store.personasFile()) ? store.personas() : defaultPersonaLogins();
    personas.values().forEach(login -> users.put(login, Permission.WRITE));
    init(dir, DEMO_REPO, users, "main", clock);
    LocalForge mona = new LocalForge(dir, DEMO_ADMIN, DEMO_ADMIN, clock);
    mona.upsertLabel(
        DEMO_REPO,
        new LabelSpec(
            LabelScheme.canonical().trigger(),
            "0e8a16",
            "Hydra: build this issue (counts only from users with write access)"));
    return mona.createIssue(
        DEMO_REPO,
        "Add a /health endpoint",
        """
        The load balancer needs a cheap liveness check.

        Add `GET /health` that answers `200` with `{"status":"ok"}` and needs no authentication.
        A test should call it and check the status and the body.
        """);
  }

  /**
   * The repository's timeline, oldest line first: one line per side effect, in the order they were
   * made.
   *
   * @throws ForgeException when the repository does not exist or the file cannot be read
   */
  public static List<String> timeline(Path dir, RepoRef repo) throws ForgeException {
    LocalStore store = new LocalStore(dir);
    store.repo(repo);
    Path file = store.timelineFile(repo);
    try {
      return List.copyOf(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw LocalStore.io("read", file, e);
    }
  }

  /** The folder of a repository on the local forge: its issues/, pulls/ and timeline.log. */
  public static Path repoDir(Path dir, RepoRef repo) {
    return new LocalStore(dir).repoDir(repo);
  }

  /**
   * The body of one comment as it is now, or empty when the issue or comment does not exist.
   *
   * @throws ForgeException when the repository does not exist or its files cannot be read
   */
  public static String commentBody(Path dir, RepoRef repo, int issue, long id)
      throws ForgeException {
    LocalStore store = new LocalStore(dir);
    store.repo(repo);
    return store.thread(repo, issue).stream()
        .flatMap(t -> t.comments().stream())
        .filter(c -> c.id() == id)
        .map(LocalFiles.CommentFile::body)
        .findFirst()
        .orElse("");
  }

  /** A stable, made-up commit for a new branch: 40 hex digits, like a git SHA-1. */
  static String initialCommit(RepoRef repo, String branch) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("hydra local forge " + repo + " " + branch).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String lower(Permission permission) {
    return permission.name().toLowerCase(Locale.ROOT);
  }
}
