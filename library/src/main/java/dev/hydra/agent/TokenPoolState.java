package dev.hydra.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.json.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Remembers exhausted and quarantined Claude tokens across runs, for long-running modes (the
 * supervisor), in a small JSON file holding token names and times only, never token values.
 *
 * <p>Writes go to a temporary file that is renamed into place, so a crash never leaves half a file;
 * the file is readable by its owner only.
 */
public final class TokenPoolState {

  private static final Object JVM_LOCK = new Object();

  private TokenPoolState() {}

  /**
   * Loads what the file remembers into the pool; a missing file is an empty memory.
   *
   * @throws IOException when the file exists but cannot be read or is not a state file
   */
  public static void load(Path file, ClaudeTokenPool pool) throws IOException {
    Map<String, Instant> exhausted = new HashMap<>();
    Map<String, String> quarantined = new HashMap<>();
    read(file, exhausted, quarantined);
    pool.restore(exhausted, quarantined);
  }

  /** Reads the file into the two maps; a missing file adds nothing. */
  private static void read(
      Path file, Map<String, Instant> exhausted, Map<String, String> quarantined)
      throws IOException {
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return;
    }
    if (root == null || !root.isObject() || root.path("version").asInt() != 1) {
      throw new IOException(file + " is not a Hydra token state file (version 1); delete it");
    }
    try {
      for (Map.Entry<String, JsonNode> e : root.path("exhausted").properties()) {
        exhausted.put(e.getKey(), Instant.parse(e.getValue().asText()));
      }
    } catch (DateTimeParseException e) {
      throw new IOException(
          file + " has an invalid time: " + e.getParsedString() + "; delete it", e);
    }
    for (Map.Entry<String, JsonNode> e : root.path("quarantined").properties()) {
      quarantined.put(e.getKey(), e.getValue().asText());
    }
  }

  /**
   * Saves the pool's memory merged with what the file holds now (the later reset of each exhausted
   * token, every quarantine), dropping exhaustion that has already reset.
   *
   * @throws IOException when the file cannot be written
   */
  public static void save(Path file, ClaudeTokenPool pool, Instant now) throws IOException {
    Path dir = Objects.requireNonNull(file.toAbsolutePath().getParent(), "an absolute path");
    Files.createDirectories(dir);
    // Stages run in parallel (the supervisor's pool, two jobs on one runner): each read the file
    // when it started, so what another stage saved since is merged in, under a lock held by this
    // JVM's threads and by other processes, never overwritten.
    synchronized (JVM_LOCK) {
      try (FileChannel channel =
          FileChannel.open(
              dir.resolve(file.getFileName() + ".lock"),
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        FileLock held = channel.lock();
        try {
          Map<String, Instant> exhausted = new HashMap<>();
          Map<String, String> quarantined = new HashMap<>();
          try {
            read(file, exhausted, quarantined);
          } catch (IOException e) {
            // An unreadable file is replaced (the runner reported it when it loaded).
            exhausted.clear();
            quarantined.clear();
          }
          pool.exhausted().forEach((k, v) -> exhausted.merge(k, v, (a, b) -> a.isAfter(b) ? a : b));
          quarantined.putAll(pool.quarantined());
          write(file, dir, exhausted, quarantined, now);
        } finally {
          held.release();
        }
      }
    }
  }

  private static void write(
      Path file,
      Path dir,
      Map<String, Instant> exhaustedUntil,
      Map<String, String> quarantine,
      Instant now)
      throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("version", 1);
    ObjectNode exhausted = root.putObject("exhausted");
    exhaustedUntil.entrySet().stream()
        .filter(e -> e.getValue().isAfter(now))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> exhausted.put(e.getKey(), e.getValue().toString()));
    ObjectNode quarantined = root.putObject("quarantined");
    quarantine.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> quarantined.put(e.getKey(), e.getValue()));
    Path tmp = Files.createTempFile(dir, ".hydra-tokens", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the directory's own permissions apply.
      }
      Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
