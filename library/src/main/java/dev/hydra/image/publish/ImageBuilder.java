package dev.hydra.image.publish;

import dev.hydra.container.docker.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds the persona images with {@code docker build} (SPEC §7), through the {@link CommandRunner}
 * seam: argument lists, never a shell.
 *
 * <p>For {@link ImageSet#PERSONAS}: {@code images/base/Dockerfile} first, tagged {@code
 * <prefix>-base:<tag>} and {@code <prefix>-base:<immutable>}; then each role's {@code
 * images/<role>/Dockerfile} with {@code --build-arg HYDRA_BASE=<prefix>-base:<immutable>}, so every
 * persona is built on exactly the base of this run. For {@link ImageSet#DEMO}: {@code
 * images/demo/Dockerfile} once per role with {@code --build-arg HYDRA_ROLE=<role>}. The build
 * context is always the {@code images/} directory.
 *
 * <p>Every image gets the OCI labels {@code org.opencontainers.image.source}, {@code revision},
 * {@code created}, {@code version} and {@code title}. An extra CA file is copied, with the rest of
 * the context, into a temporary directory as {@code build-ca/extra-ca.crt}, so nothing is written
 * into the repository; the temporary copy is deleted afterwards. With push, every tag is pushed and
 * the registry digest reported; without it, the local image ID.
 */
public final class ImageBuilder {

  /** The file name the Dockerfiles look for in {@code build-ca/}. */
  public static final String EXTRA_CA_NAME = "extra-ca.crt";

  private static final String OCI = "org.opencontainers.image.";
  private static final String PEM_MARKER = "-----BEGIN " + "CERTIFICATE-----";
  private static final Duration INSPECT_TIMEOUT = Duration.ofMinutes(1);
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  // The last line of `docker push`: "<tag>: digest: sha256:<64 hex> size: <bytes>".
  private static final Pattern PUSHED_DIGEST =
      Pattern.compile("\\bdigest: (sha256:[0-9a-f]{64})\\b");
  private static final String REPO_DIGESTS = "{{range .RepoDigests}}{{println .}}{{end}}";

  private final CommandRunner runner;
  private final Duration buildTimeout;
  private final Consumer<String> log;

  /**
   * @param runner runs {@code docker}
   * @param buildTimeout the limit for one {@code docker build} or {@code docker push}
   * @param log receives progress lines (the build's own output and one line per step)
   */
  public ImageBuilder(CommandRunner runner, Duration buildTimeout, Consumer<String> log) {
    this.runner = runner;
    this.buildTimeout = buildTimeout;
    this.log = log;
  }

  /**
   * Builds (and optionally pushes) the images of a request, in order.
   *
   * @param request what to build
   * @return the images built, base first when there is one
   * @throws ImageBuildException when a step fails; images built before stay (they are tagged)
   * @throws InterruptedException when interrupted
   */
  public List<BuiltImage> build(ImageBuildRequest request)
      throws ImageBuildException, InterruptedException {
    requireContext(request);
    Path context = request.imagesDir();
    Path copy = null;
    try {
      if (request.extraCa() != null) {
        copy = contextWithCa(request.imagesDir(), request.extraCa());
        context = copy;
      }
      List<BuiltImage> built = new ArrayList<>();
      if (request.set() == ImageSet.PERSONAS) {
        built.add(buildOne(request, context, "base", "base/Dockerfile", baseArgs(request)));
        String base = request.repository("base") + ":" + request.immutableTag();
        for (String role : request.roles()) {
          Map<String, String> args = new LinkedHashMap<>(request.buildArgs());
          args.put("HYDRA_BASE", base);
          built.add(buildOne(request, context, role, role + "/Dockerfile", args));
        }
      } else {
        for (String role : request.roles()) {
          Map<String, String> args = baseArgs(request);
          args.put("HYDRA_ROLE", role);
          built.add(buildOne(request, context, role, "demo/Dockerfile", args));
        }
      }
      return built;
    } finally {
      if (copy != null) {
        deleteTree(copy);
      }
    }
  }

  /**
   * The {@code docker build} argv of one image (for tests and for showing a plan).
   *
   * @param request the request
   * @param context the build context directory
   * @param role the role, or {@code base}
   * @param dockerfile the Dockerfile, relative to the context
   * @param buildArgs build arguments, in order
   * @return the argv
   */
  public static List<String> buildArgv(
      ImageBuildRequest request,
      Path context,
      String role,
      String dockerfile,
      Map<String, String> buildArgs) {
    // --force-rm: a failed step leaves no stopped container behind.
    List<String> argv = new ArrayList<>(List.of("docker", "build", "--force-rm"));
    argv.add("--file");
    argv.add(context.resolve(dockerfile).toString());
    for (String tag : tags(request, role)) {
      argv.add("--tag");
      argv.add(tag);
    }
    for (Map.Entry<String, String> arg : buildArgs.entrySet()) {
      argv.add("--build-arg");
      argv.add(arg.getKey() + "=" + arg.getValue());
    }
    for (Map.Entry<String, String> label : labels(request, role).entrySet()) {
      argv.add("--label");
      argv.add(label.getKey() + "=" + label.getValue());
    }
    argv.add(context.toString());
    return argv;
  }

  /** The tags of a role: the moving one, then the immutable one. */
  static List<String> tags(ImageBuildRequest request, String role) {
    String repo = request.repository(role);
    List<String> tags = new ArrayList<>();
    tags.add(repo + ":" + request.tag());
    if (!request.immutableTag().equals(request.tag())) {
      tags.add(repo + ":" + request.immutableTag());
    }
    return tags;
  }

  /** The OCI labels of a role's image. */
  static Map<String, String> labels(ImageBuildRequest request, String role) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(OCI + "title", request.repository(role));
    labels.put(OCI + "created", DateTimeFormatter.ISO_INSTANT.format(request.created()));
    labels.put(OCI + "version", request.version() != null ? request.version() : request.tag());
    if (request.revision() != null) {
      labels.put(OCI + "revision", request.revision());
    }
    if (request.source() != null) {
      labels.put(OCI + "source", request.source());
    }
    labels.put("dev.hydra.role", role);
    return labels;
  }

  private static Map<String, String> baseArgs(ImageBuildRequest request) {
    Map<String, String> args = new LinkedHashMap<>(request.buildArgs());
    if (request.baseImage() != null) {
      args.put("BASE_IMAGE", request.baseImage());
    }
    return args;
  }

  private BuiltImage buildOne(
      ImageBuildRequest request,
      Path context,
      String role,
      String dockerfile,
      Map<String, String> buildArgs)
      throws ImageBuildException, InterruptedException {
    List<String> tags = tags(request, role);
    log.accept("building " + tags.get(0) + " from " + dockerfile);
    runBuild(buildArgv(request, context, role, dockerfile, buildArgs), tags.get(0));
    String digest = publish(request.repository(role), tags, request.push());
    log.accept("built " + tags.get(0) + " " + digest);
    return new BuiltImage(role, tags, digest, request.push());
  }

  /**
   * Runs one {@code docker build}, its output streamed to the log.
   *
   * @param argv the build's argv
   * @param tag the image's first tag, for the messages
   * @throws ImageBuildException when it fails or times out, with the last lines of its output
   */
  void runBuild(List<String> argv, String tag) throws ImageBuildException, InterruptedException {
    List<String> tail = new ArrayList<>();
    Consumer<String> sink =
        line -> {
          log.accept(line);
          if (tail.size() == 20) {
            tail.remove(0);
          }
          tail.add(line);
        };
    CommandRunner.Streamed result = stream(argv, sink, "docker build of " + tag);
    if (result.timedOut()) {
      throw new ImageBuildException(
          "docker build of " + tag + " took longer than " + buildTimeout + "; killed");
    }
    if (result.exitCode() != 0) {
      throw new ImageBuildException(
          "docker build of "
              + tag
              + " failed (exit "
              + result.exitCode()
              + "):\n"
              + String.join("\n", tail));
    }
  }

  /**
   * Pushes every tag of a built image and returns its pinned registry reference, or without push
   * its local image ID.
   */
  String publish(String repository, List<String> tags, boolean push)
      throws ImageBuildException, InterruptedException {
    if (!push) {
      return imageId(tags.get(0));
    }
    String pushed = null;
    for (String tag : tags) {
      String reported = push(tag);
      if (pushed == null) {
        pushed = reported;
      }
    }
    return registryDigest(repository, tags.get(0), pushed);
  }

  /**
   * Pushes one tag and returns the digest {@code docker push} reported ({@code sha256:…}), or null
   * when its output named none.
   */
  private @Nullable String push(String tag) throws ImageBuildException, InterruptedException {
    log.accept("pushing " + tag);
    List<String> digests = new ArrayList<>();
    List<String> last = new ArrayList<>(List.of(""));
    Consumer<String> sink =
        line -> {
          log.accept(line);
          Matcher m = PUSHED_DIGEST.matcher(line);
          if (m.find()) {
            digests.add(m.group(1));
          }
          if (!line.isBlank()) {
            last.set(0, line.strip());
          }
        };
    CommandRunner.Streamed pushed = stream(List.of("docker", "push", tag), sink, "docker push");
    if (pushed.exitCode() != 0 || pushed.timedOut()) {
      throw new ImageBuildException(
          "docker push of "
              + tag
              + " failed"
              + (pushed.timedOut()
                  ? " (took longer than " + buildTimeout + ")"
                  : " (exit "
                      + pushed.exitCode()
                      + (last.get(0).isEmpty() ? "" : ": ")
                      + oneLine(last.get(0))
                      + ")")
              + "; is the registry reachable and `docker login` done for it?");
    }
    return digests.isEmpty() ? null : digests.get(digests.size() - 1);
  }

  /**
   * The pinned reference {@code <repository>@sha256:…} of a pushed image: the digest {@code docker
   * push} reported, else the entry of {@code RepoDigests} for this repository. Not simply {@code
   * RepoDigests[0]}: an image pushed to two registries has one entry for each, in no set order.
   */
  private String registryDigest(String repository, String tag, @Nullable String pushed)
      throws ImageBuildException, InterruptedException {
    if (pushed != null) {
      return repository + "@" + pushed;
    }
    CommandRunner.Result r =
        inspect(List.of("docker", "image", "inspect", "--format", REPO_DIGESTS, tag));
    if (r.exitCode() == 0) {
      for (String line : r.stdout().lines().map(String::strip).toList()) {
        if (line.startsWith(repository + "@")
            && DIGEST.matcher(line.substring(repository.length() + 1)).matches()) {
          return line;
        }
      }
    }
    throw new ImageBuildException(
        "cannot read the registry digest of "
            + tag
            + ": docker push reported none and its RepoDigests hold no entry for "
            + repository
            + (r.stderr().isBlank() ? "" : " (" + oneLine(r.stderr()) + ")"));
  }

  /** The local image ID ({@code sha256:…}) of a built image. */
  String imageId(String tag) throws ImageBuildException, InterruptedException {
    CommandRunner.Result r =
        inspect(List.of("docker", "image", "inspect", "--format", "{{.Id}}", tag));
    String id = r.stdout().strip();
    if (r.exitCode() != 0 || !DIGEST.matcher(id).matches()) {
      throw new ImageBuildException(
          "cannot read the image ID of "
              + tag
              + ": "
              + oneLine(r.stderr().isBlank() ? id : r.stderr()));
    }
    return id;
  }

  CommandRunner.Result inspect(List<String> argv) throws ImageBuildException, InterruptedException {
    try {
      return runner.run(argv, INSPECT_TIMEOUT);
    } catch (IOException e) {
      throw new ImageBuildException("cannot run docker image inspect: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the docker CLI runs and a daemon answers, before anything is built, so that a
   * missing Docker is one clear error rather than a failed first build.
   *
   * @throws ImageBuildException naming the problem and the fix
   * @throws InterruptedException when interrupted
   */
  public void requireDocker() throws ImageBuildException, InterruptedException {
    CommandRunner.Result r;
    try {
      r =
          runner.run(
              List.of("docker", "version", "--format", "{{.Server.Version}}"), INSPECT_TIMEOUT);
    } catch (IOException e) {
      throw new ImageBuildException(
          "the docker CLI cannot be run ("
              + e.getMessage()
              + "); install Docker (Debian: apt-get install docker.io) or put docker on PATH",
          e);
    }
    if (r.exitCode() != 0 || r.stdout().isBlank()) {
      throw new ImageBuildException(
          "no Docker daemon answers"
              + (r.stderr().isBlank() ? "" : " (" + oneLine(r.stderr()) + ")")
              + "; start Docker, or point DOCKER_HOST at a running daemon");
    }
  }

  static String oneLine(String text) {
    String first = text.strip().lines().findFirst().orElse("");
    first = first.replaceAll("\\p{Cntrl}", "?");
    return first.length() > 300 ? first.substring(0, 300) + "…" : first;
  }

  CommandRunner.Streamed stream(List<String> argv, Consumer<String> sink, String what)
      throws ImageBuildException, InterruptedException {
    try {
      return runner.stream(argv, buildTimeout, sink, sink);
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot run " + what + " (is the docker CLI installed?): " + e.getMessage(), e);
    }
  }

  static void requireContext(ImageBuildRequest request) throws ImageBuildException {
    Path dir = request.imagesDir();
    List<String> files = new ArrayList<>();
    if (request.set() == ImageSet.PERSONAS) {
      files.add("base/Dockerfile");
      request.roles().forEach(role -> files.add(role + "/Dockerfile"));
    } else {
      files.add("demo/Dockerfile");
    }
    for (String file : files) {
      if (!Files.isRegularFile(dir.resolve(file))) {
        throw new ImageBuildException(
            dir.resolve(file)
                + " is missing; point the build at the repository's images/ directory");
      }
    }
  }

  /** Copies the context to a temporary directory with the CA as build-ca/extra-ca.crt. */
  static Path contextWithCa(Path imagesDir, Path ca) throws ImageBuildException {
    String pem = readExtraCa(ca);
    Path copy = null;
    try {
      copy = Files.createTempDirectory("hydra-image-context");
      copyTree(imagesDir, copy);
      Path dir = Files.createDirectories(copy.resolve("build-ca"));
      Files.writeString(dir.resolve(EXTRA_CA_NAME), pem, StandardCharsets.US_ASCII);
      return copy;
    } catch (IOException e) {
      if (copy != null) {
        deleteTree(copy);
      }
      throw new ImageBuildException("cannot prepare the build context: " + e, e);
    }
  }

  /**
   * Reads an extra CA file and checks that it holds a PEM certificate.
   *
   * @param ca the file
   * @return its text
   * @throws ImageBuildException when it cannot be read or holds no certificate; the message never
   *     shows the file's content
   */
  static String readExtraCa(Path ca) throws ImageBuildException {
    String pem;
    try {
      pem = Files.readString(ca, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ImageBuildException("cannot read the extra CA file " + ca + ": " + e, e);
    }
    if (!pem.contains(PEM_MARKER)) {
      throw new ImageBuildException(
          "the extra CA file " + ca + " holds no PEM certificate (" + PEM_MARKER + ")");
    }
    return pem;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path rel = from.relativize(file);
            if (!rel.startsWith("build-ca") || rel.toString().endsWith(".md")) {
              Files.copy(
                  file,
                  to.resolve(rel.toString()),
                  java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  static void deleteTree(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e)
                throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // Best effort: a leftover temporary copy holds only the repository's files and a public CA.
    }
  }
}
