package dev.hydra.forge.forgejo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Forgejo fixtures are shaped like Forgejo's answers: every field of every fixture, nested
 * objects included, is a property of the swagger definition it stands for, in the subset spec the
 * client is generated from (itself checked against Forgejo's swagger by forgejo-client's
 * SubsetSpecTest).
 */
class ForgejoExamplesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path SUBSET =
      Path.of("..", "forgejo-client", "src", "main", "openapi", "forgejo-subset.json");

  static JsonNode fixture(String name) throws IOException {
    String path = "/dev/hydra/forge/forgejo/examples/" + name + ".json";
    try (InputStream in = ForgejoExamplesTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing test resource " + path);
      }
      return MAPPER.readTree(in);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "user, User",
    "repository, Repository",
    "repo-collaborator-permission, RepoCollaboratorPermission",
    "issue, Issue",
    "timeline-label, TimelineComment",
    "label, Label",
    "comment, Comment",
    "pull-request, PullRequest",
    "pull-review, PullReview",
    "commit-status, CommitStatus",
    "error, APIError"
  })
  void everyFieldIsInTheDefinition(String name, String definition) throws IOException {
    assertThat(SUBSET).as("the subset spec, from the library module").exists();
    JsonNode definitions = MAPPER.readTree(Files.readString(SUBSET)).path("definitions");
    List<String> unknown = new ArrayList<>();
    check(fixture(name), definition, definitions, name, unknown);
    assertThat(unknown).as("fields not in Forgejo's %s", definition).isEmpty();
  }

  private static void check(
      JsonNode value, String definition, JsonNode definitions, String at, List<String> unknown) {
    JsonNode properties = definitions.path(definition).path("properties");
    assertThat(properties.isObject()).as("definition %s exists", definition).isTrue();
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      JsonNode property = properties.get(field.getKey());
      String where = at + "." + field.getKey();
      if (property == null) {
        unknown.add(where);
        continue;
      }
      JsonNode child = field.getValue();
      String ref = property.path("$ref").asText("");
      if (child.isObject() && ref.startsWith("#/definitions/")) {
        check(child, ref.substring("#/definitions/".length()), definitions, where, unknown);
      }
      String itemRef = property.path("items").path("$ref").asText("");
      if (child.isArray() && itemRef.startsWith("#/definitions/")) {
        for (JsonNode item : child) {
          check(item, itemRef.substring("#/definitions/".length()), definitions, where, unknown);
        }
      }
    }
  }
}
