package dev.hydra.forge.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The GitHub fixtures are GitHub's own examples, unchanged: each committed file equals the example
 * SOURCE.json names in the pinned @octokit/openapi. Regenerate with tools/github-examples.py.
 *
 * <p>The package is installed by {@code npm ci --prefix test-fixtures}; without it the test is
 * skipped, or fails when {@code HYDRA_REQUIRE_FIXTURES=1} (CI).
 */
class GitHubExamplesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String EXAMPLES = "/dev/hydra/forge/github/examples/";

  static JsonNode resource(String name) throws IOException {
    try (InputStream in = GitHubExamplesTest.class.getResourceAsStream(EXAMPLES + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + EXAMPLES + name);
      }
      return MAPPER.readTree(in);
    }
  }

  static Optional<Path> installedPackage(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("test-fixtures").resolve("node_modules").resolve(name);
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  @Test
  void committedExamplesAreGitHubsOwn() throws IOException {
    JsonNode source = resource("SOURCE.json");
    String name = source.get("package").asText();
    Optional<Path> installed = installedPackage(name);
    if (installed.isEmpty()) {
      String missing = name + " is not installed: run `npm ci --prefix test-fixtures`";
      if ("1".equals(System.getenv("HYDRA_REQUIRE_FIXTURES"))) {
        fail(missing + " (HYDRA_REQUIRE_FIXTURES=1 makes this an error)");
      }
      Assumptions.assumeTrue(false, missing);
    }
    Path root = installed.orElseThrow();
    JsonNode pkg = MAPPER.readTree(root.resolve("package.json").toFile());
    assertThat(pkg.get("version").asText())
        .as("the @octokit/openapi version the fixtures were copied from")
        .isEqualTo(source.get("version").asText());
    JsonNode examples =
        MAPPER
            .readTree(root.resolve(source.get("file").asText()).toFile())
            .path("components")
            .path("examples");
    for (Map.Entry<String, JsonNode> entry : source.get("examples").properties()) {
      JsonNode expected = examples.path(entry.getValue().asText()).path("value");
      assertThat(resource(entry.getKey() + ".json"))
          .as("%s.json is example %s", entry.getKey(), entry.getValue().asText())
          .isEqualTo(expected);
    }
  }
}
