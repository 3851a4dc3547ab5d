package dev.hydra.forge.forgejo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the committed subset spec, the input of the generated client, against Forgejo's own
 * swagger: nothing in it may be hand-edited, and it must hold exactly the operations listed in
 * {@code operations.txt}. Regenerate it with {@code tools/forgejo-subset.py} (see README.md).
 *
 * <p>The reference lives outside the repo, in {@code shared/reference/} beside it (CI clones the
 * repo as {@code X/main} with {@code X/shared} next to it). It is found through {@code
 * HYDRA_FORGEJO_SWAGGER}, else by walking up from the working directory. When it cannot be found
 * the tests are skipped, or fail if {@code HYDRA_REQUIRE_FIXTURES=1}.
 */
class SubsetSpecTest {

  static final String REFERENCE_ENV = "HYDRA_FORGEJO_SWAGGER";
  static final String REQUIRE_ENV = "HYDRA_REQUIRE_FIXTURES";
  static final Path REFERENCE_IN_SHARED =
      Path.of("shared", "reference", "forgejo-api-v1.swagger.json");
  static final Path OPENAPI_DIR = Path.of("src", "main", "openapi");
  static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode subset = MAPPER.missingNode();
  private static JsonNode reference = MAPPER.missingNode();

  @BeforeAll
  static void load() throws IOException {
    subset = MAPPER.readTree(OPENAPI_DIR.resolve("forgejo-subset.json").toFile());
    Optional<Path> found =
        findReference(System.getenv(REFERENCE_ENV), Path.of("").toAbsolutePath());
    if (found.isEmpty()) {
      String missing =
          "Forgejo reference swagger not found: set "
              + REFERENCE_ENV
              + " or put the repo beside shared/ (looked for "
              + REFERENCE_IN_SHARED
              + " in every parent of "
              + Path.of("").toAbsolutePath()
              + ")";
      if ("1".equals(System.getenv(REQUIRE_ENV))) {
        fail(missing + "; " + REQUIRE_ENV + "=1 makes this an error");
      }
      Assumptions.assumeTrue(false, missing);
    }
    reference = MAPPER.readTree(found.orElseThrow().toFile());
  }

  /**
   * The reference from {@code env} when set (it must then exist), else the first {@code
   * shared/reference/...} found in {@code start} or one of its parents.
   */
  static Optional<Path> findReference(String env, Path start) {
    if (env != null && !env.isBlank()) {
      Path path = Path.of(env);
      if (!Files.isRegularFile(path)) {
        fail(REFERENCE_ENV + "=" + env + " is not a file");
      }
      return Optional.of(path);
    }
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(REFERENCE_IN_SHARED);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  @Test
  void everyOperationIsCopiedUnchanged() {
    assertThat(subset.path("paths").size()).isPositive();
    for (Map.Entry<String, JsonNode> path : fields(subset.path("paths"))) {
      JsonNode referencePath = reference.path("paths").path(path.getKey());
      assertThat(referencePath.isObject()).as("path %s in the reference", path.getKey()).isTrue();
      for (Map.Entry<String, JsonNode> operation : fields(path.getValue())) {
        assertThat(HTTP_METHODS).as("key under %s", path.getKey()).contains(operation.getKey());
        assertThat(operation.getValue())
            .as("%s %s", operation.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey())
            .isEqualTo(referencePath.path(operation.getKey()));
      }
    }
  }

  @Test
  void everyDefinitionResponseAndParameterIsCopiedUnchanged() {
    for (String section : List.of("definitions", "responses", "parameters")) {
      for (Map.Entry<String, JsonNode> entry : fields(subset.path(section))) {
        assertThat(entry.getValue())
            .as("#/%s/%s", section, entry.getKey())
            .isEqualTo(reference.path(section).path(entry.getKey()));
      }
    }
  }

  @Test
  void operationIdsAreExactlyTheListedOnes() throws IOException {
    List<String> listed = new ArrayList<>();
    for (String line :
        Files.readAllLines(OPENAPI_DIR.resolve("operations.txt"), StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        listed.add(trimmed);
      }
    }
    List<String> inSubset = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : fields(subset.path("paths"))) {
      for (Map.Entry<String, JsonNode> operation : fields(path.getValue())) {
        inSubset.add(operation.getValue().path("operationId").asText());
      }
    }
    assertThat(listed).doesNotHaveDuplicates();
    assertThat(inSubset).containsExactlyInAnyOrderElementsOf(listed);
  }

  @Test
  void everyRefResolvesInsideTheSubsetAndNothingIsUnused() {
    // Walk from the paths: every $ref must resolve, and every definition/response/parameter must
    // be reached (the subset carries only what the operations use).
    Set<String> reached = new TreeSet<>();
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.push(subset.path("paths"));
    while (!pending.isEmpty()) {
      for (String ref : refsBelow(pending.pop())) {
        assertThat(ref).as("$ref").matches("#/(definitions|responses|parameters)/[^/]+");
        String[] parts = ref.split("/", -1);
        JsonNode target = subset.path(parts[1]).path(parts[2]);
        assertThat(target.isMissingNode()).as("%s resolves inside the subset", ref).isFalse();
        if (reached.add(ref)) {
          pending.push(target);
        }
      }
    }
    Set<String> present = new TreeSet<>();
    for (String section : List.of("definitions", "responses", "parameters")) {
      for (Map.Entry<String, JsonNode> entry : fields(subset.path(section))) {
        present.add("#/" + section + "/" + entry.getKey());
      }
    }
    assertThat(present).isEqualTo(reached);
  }

  @Test
  void topLevelIsReadyForTheGenerator() {
    assertThat(subset.path("swagger").asText()).isEqualTo("2.0");
    assertThat(subset.path("basePath").asText()).isEqualTo("/api/v1");
    assertThat(subset.path("info").path("version").asText()).endsWith("-subset");
    assertThat(subset.toString()).doesNotContain("{{");
    assertThat(subset.path("securityDefinitions"))
        .isEqualTo(
            MAPPER
                .createObjectNode()
                .set(
                    "AuthorizationHeaderToken",
                    reference.path("securityDefinitions").path("AuthorizationHeaderToken")));
    for (String key : List.of("consumes", "produces", "schemes")) {
      assertThat(subset.path(key)).as(key).isEqualTo(reference.path(key));
    }
  }

  private static List<String> refsBelow(JsonNode node) {
    List<String> refs = new ArrayList<>();
    Deque<JsonNode> todo = new ArrayDeque<>();
    todo.push(node);
    while (!todo.isEmpty()) {
      JsonNode current = todo.pop();
      if (current.isObject()) {
        for (Map.Entry<String, JsonNode> field : fields(current)) {
          if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
            refs.add(field.getValue().asText());
          } else {
            todo.push(field.getValue());
          }
        }
      } else if (current.isArray()) {
        current.forEach(todo::push);
      }
    }
    return refs;
  }

  /** The fields of an object node, sorted by name (the failure messages then read in order). */
  private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode node) {
    Map<String, JsonNode> sorted = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      sorted.put(field.getKey(), field.getValue());
    }
    return sorted.entrySet();
  }
}
