package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproducible builds: the project built a second time, from a copy of the same sources in another
 * directory, gives byte-identical jars. Runs in {@code ./mvnw verify} after this module's {@code
 * package}, so the first build is the one that just ran; the second is {@code ./mvnw -o package}
 * without tests, javadoc or the formatting check (they make no jar compared here).
 */
class ReproducibleBuildIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The jars of the three modules, relative to the project root. */
  private static final List<String> JARS =
      List.of(
          "forgejo-client/target/hydra-forgejo-client-%s.jar",
          "library/target/hydra-library-%s.jar",
          "runner-entry/target/original-hydra.jar",
          "runner-entry/target/hydra.jar");

  /** Not sources: build output, installed fixtures, version control. */
  private static final Set<String> SKIPPED = Set.of("target", "node_modules", ".git");

  @TempDir Path dir;

  @Test
  void aSecondBuildGivesTheSameJars() throws Exception {
    String version = version();
    Path copy = dir.resolve("hydra");
    copyTree(ROOT, copy);
    Path log = dir.resolve("build.log");
    List<String> command =
        List.of(
            copy.resolve("mvnw").toString(),
            "-o",
            "-B",
            "package",
            "-Dmaven.test.skip=true",
            "-Dmaven.javadoc.skip=true",
            "-Dspotless.check.skip=true",
            "-DskipITs",
            // The copy has no .git: the version's commit is read from this checkout, as the
            // first build read it.
            "-Dhydra.git.dir=" + ROOT.resolve("runner-entry"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(copy.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().remove("MAVEN_ARGS");
    Process process = builder.start();
    boolean finished = process.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished).as("the second build finished within 10 minutes").isTrue();
    assertThat(process.exitValue())
        .as("the second build (%s); its log ends:%n%s", String.join(" ", command), tail(log))
        .isZero();

    for (String pattern : JARS) {
      String jar = pattern.formatted(version);
      Path first = ROOT.resolve(jar);
      Path second = copy.resolve(jar);
      assertThat(first).as("the first build's jar").isRegularFile();
      assertThat(second).as("the second build's jar").isRegularFile();
      assertThat(sha256(second))
          .as(
              "SHA-256 of %s in two builds; entries that differ: %s",
              jar, differences(first, second))
          .isEqualTo(sha256(first));
    }
  }

  private static String version() throws IOException {
    // The version is the parent's; the jar names carry it.
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    int artifact = pom.indexOf("<artifactId>hydra-parent</artifactId>");
    int start = pom.indexOf("<version>", artifact) + "<version>".length();
    return pom.substring(start, pom.indexOf("</version>", start));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            if (!d.equals(from) && SKIPPED.contains(d.getFileName().toString())) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(from.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            if (attrs.isRegularFile()) {
              Files.copy(
                  f,
                  to.resolve(from.relativize(f).toString()),
                  StandardCopyOption.COPY_ATTRIBUTES,
                  LinkOption.NOFOLLOW_LINKS);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static String sha256(Path file) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Entry names whose order, time or content differ, for the failure message; at most ten. */
  private static List<String> differences(Path first, Path second) throws IOException {
    Map<String, String> a = entries(first);
    Map<String, String> b = entries(second);
    List<String> differ = new ArrayList<>();
    if (!new ArrayList<>(a.keySet()).equals(new ArrayList<>(b.keySet()))) {
      differ.add("(the entries or their order)");
    }
    for (Map.Entry<String, String> entry : a.entrySet()) {
      if (!entry.getValue().equals(b.get(entry.getKey())) && differ.size() < 10) {
        differ.add(entry.getKey());
      }
    }
    return differ;
  }

  private static Map<String, String> entries(Path jar) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        entries.put(
            entry.getName(), entry.getTime() + "/" + entry.getCrc() + "/" + entry.getSize());
      }
    }
    return entries;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
