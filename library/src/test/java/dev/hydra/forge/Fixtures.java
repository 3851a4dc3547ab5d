package dev.hydra.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Example responses shaped like the real APIs' (GitHub: copied from @octokit/openapi by
 * tools/github-examples.py; Forgejo: written after the definitions of its swagger and checked by
 * ForgejoExamplesTest), loaded with their host pointed at the test server.
 */
public final class Fixtures {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  /**
   * Loads {@code /dev/hydra/forge/<forge>/examples/<name>.json}, replacing {@code fromHost} by
   * {@code toBase} and {@code fromRepo} by {@code toRepo} in its text, so that URLs in it point at
   * the test server and the test repository.
   */
  public static JsonNode load(
      String forge, String name, String fromHost, String toBase, String fromRepo, String toRepo) {
    String path = "/dev/hydra/forge/" + forge + "/examples/" + name + ".json";
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + path);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return MAPPER.readTree(text.replace(fromHost, toBase).replace(fromRepo, toRepo));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture as an object. */
  public static ObjectNode object(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalStateException("not an object: " + node);
    }
    return object;
  }

  /** The fixture as an array. */
  public static ArrayNode array(JsonNode node) {
    if (!(node instanceof ArrayNode array)) {
      throw new IllegalStateException("not an array: " + node);
    }
    return array;
  }

  /** A new empty array. */
  public static ArrayNode newArray() {
    return MAPPER.createArrayNode();
  }

  /** A new empty object. */
  public static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  /** Compact JSON text. */
  public static String text(JsonNode node) {
    return node.toString();
  }
}
