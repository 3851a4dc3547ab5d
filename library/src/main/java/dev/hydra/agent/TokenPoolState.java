package dev.hydra.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers exhausted and quarantined Claude tokens across runs, for long-running modes (the
 * supervisor), in a small JSON file holding token names and times only, never token values.
 *
 * <p>Writes go to a temporary file that is renamed into place, so a crash never leaves half a file;
 * the file is readable by its owner only.
 */
public final class TokenPoolState {

  private TokenPoolState() {}

  /**
   * Loads what the file remembers into the pool; a missing file is an empty memory.
   *
   * @throws IOException when the file exists but cannot be read or is not a state file
   */
  public static void load(Path file, ClaudeTokenPool pool) throws IOException {
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return;
    }
    if (root == null || !root.isObject() || root.path("version").asInt() != 1) {
      throw new IOException(file + " is not a Hydra token state file (version 1); delete it");
    }
    Map<String, Instant> exhausted = new HashMap<>();
    Map<String, String> quarantined = new HashMap<>();
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
    pool.restore(exhausted, quarantined);
  }

  /**
   * Saves the pool's memory, dropping exhaustion that has already reset.
   *
   * @throws IOException when the file cannot be written
   */
  public static void save(Path file, ClaudeTokenPool pool, Instant now) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("version", 1);
    ObjectNode exhausted = root.putObject("exhausted");
    pool.exhausted().entrySet().stream()
        .filter(e -> e.getValue().isAfter(now))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> exhausted.put(e.getKey(), e.getValue().toString()));
    ObjectNode quarantined = root.putObject("quarantined");
    pool.quarantined().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> quarantined.put(e.getKey(), e.getValue()));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
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
