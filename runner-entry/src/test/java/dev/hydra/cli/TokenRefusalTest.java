package dev.hydra.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.credentials.Persona;
import dev.hydra.event.EventExamples;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.label.LabelScheme;
import dev.hydra.ops.LabelSeeding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §6 through the real commands: a persona token with admin rights on the repository is refused
 * by {@code run}, {@code reconcile} and {@code labels seed} before anything is written, and a token
 * shaped for the other forge before the first request — on GitHub's wire ({@link FakeGitHub}) and
 * Forgejo's (WireMock stubs).
 */
class TokenRefusalTest {

  static final RepoRef REPO = RepoRef.of("octo-org", "hello-hydra");
  static final String SALT = "k3Jd9sQ2xV7mZp4T";
  static final String GITHUB_SHAPED = "gh" + "p_" + SALT + SALT + "abcd";
  static final String FORGEJO_SHAPED = "0123456789abcdef0123456789abcdef" + "fedcba98";

  @TempDir Path dir;
  FakeGitHub gh = new FakeGitHub(REPO);
  WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort());

  @BeforeEach
  void start() {
    gh = new FakeGitHub(REPO);
    wm = new WireMockServer(wireMockConfig().dynamicPort().extensions(gh));
    wm.start();
    gh.baseUrl(wm.baseUrl());
    gh.labels(
        LabelSeeding.specs(LabelScheme.canonical()).stream()
            .map(LabelSpec::name)
            .collect(Collectors.toSet()));
    gh.user("alice", "gh" + "p_alice_" + SALT, "write");
    gh.apply("alice", "ready-to-build");
  }

  @AfterEach
  void stop() {
    wm.stop();
  }

  static String token(Persona p) {
    return "gh" + "p_" + p.id() + "_" + SALT;
  }

  Map<String, String> actions(String forge, String api, String eventName, String example)
      throws Exception {
    Path event = dir.resolve(example + ".json");
    Files.write(event, EventExamples.get(example).payload());
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_EVENT_NAME", eventName);
    env.put("GITHUB_EVENT_PATH", event.toString());
    env.put("GITHUB_REPOSITORY", REPO.fullName());
    env.put("GITHUB_API_URL", api);
    env.put("HYDRA_FORGE", forge);
    env.put("HYDRA_CLAUDE_TOKEN_1", "sk-" + "ant-oat01-account1-" + SALT);
    env.put("HYDRA_IMAGE_PREFIX", "ghcr.io/acme/hydra");
    env.put("HYDRA_IMAGE_TAG", "it");
    // A docker CLI that answers every call with success and no output: the run's image check
    // finds the images, and a stage that got as far as a container would end without a verdict.
    env.put("HYDRA_DOCKER", "true");
    for (Persona p : Persona.values()) {
      env.put(p.envVariable(), token(p));
    }
    return env;
  }

  List<String> journal() {
    return wm.getAllServeEvents().stream()
        .map(ServeEvent::getRequest)
        .map(r -> r.getMethod().getName() + " " + r.getUrl() + (query(r) ? " (query)" : ""))
        .toList();
  }

  /** A GraphQL request that only reads (GitHub's guard read of the issue). */
  static boolean query(com.github.tomakehurst.wiremock.http.Request request) {
    return request.getUrl().endsWith("/graphql")
        && request.getBodyAsString().contains("\"query\":\"query(");
  }

  void assertNothingWritten() {
    assertThat(journal())
        .allSatisfy(
            line -> assertThat(line.startsWith("GET ") || line.equals(GRAPHQL_READ)).isTrue());
    assertThat(gh.labelsNow()).containsExactly("ready-to-build");
    assertThat(gh.comments).isEmpty();
    assertThat(gh.hasPull()).isFalse();
  }

  static final String GRAPHQL_READ = "POST /graphql (query)";

  static void assertNoToken(String text) {
    assertThat(text).doesNotContain(SALT);
  }

  // ------------------------------------------------------------------------- item 8: admin

  @ParameterizedTest
  @EnumSource(
      value = Persona.class,
      names = {"BUILDER", "REVIEWER", "SECURITY", "APPLIER"})
  void runRefusesAnAdminPersonaTokenOnGitHubBeforeAnyWrite(Persona admin) throws Exception {
    for (Persona p : Persona.values()) {
      gh.user("hydra-" + p.id(), token(p), p == admin ? "admin" : "write");
    }
    boolean build = admin == Persona.BUILDER;
    Map<String, String> env =
        actions(
            "github",
            wm.baseUrl(),
            build ? "issues" : "pull_request",
            build ? "issues-labeled" : "pull-request-opened");
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));

    MainTest.Result r = MainTest.run(env, "run");

    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("the " + admin.id() + " token (" + admin.envVariable() + ")")
        .contains("is admin on octo-org/hello-hydra")
        .contains("refused before anything was written")
        .contains("not admin");
    assertThat(r.err().strip().lines().filter(l -> !l.startsWith("hydra run: image ")))
        .as("one error line besides the image check's")
        .hasSize(1);
    assertNoToken(r.out() + r.err());
    assertNothingWritten();
    // The builder's permission came with the guard's read of the issue; the others asked.
    assertThat(journal()).contains(build ? GRAPHQL_READ : "GET /repos/octo-org/hello-hydra");
  }

  @Test
  void aWriteTokenPassesTheCheckWithTheGuardsReadOnGitHub() throws Exception {
    for (Persona p : Persona.values()) {
      gh.user("hydra-" + p.id(), token(p), "write");
    }
    Map<String, String> env = actions("github", wm.baseUrl(), "issues", "issues-labeled");
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));

    MainTest.Result r = MainTest.run(env, "run");

    assertThat(r.err()).doesNotContain("admin");
    List<String> journal = new java.util.ArrayList<>(journal());
    java.util.Collections.reverse(journal); // oldest first
    assertThat(journal.get(0)).isEqualTo(GRAPHQL_READ);
    assertThat(journal)
        .as("the build job's one token: its permission came with the guard's read of the issue")
        .doesNotContain("GET /repos/octo-org/hello-hydra");
    assertThat(journal).anyMatch(l -> !l.startsWith("GET ")); // the build went on and claimed
  }

  @Test
  void runRefusesAnAdminTokenOnForgejoBeforeAnyWrite() throws Exception {
    wm.stubFor(
        get(urlPathEqualTo("/api/v1/repos/octo-org/hello-hydra"))
            .willReturn(
                okJson(
                    "{\"id\":1,\"name\":\"hello-hydra\",\"full_name\":\"octo-org/hello-hydra\","
                        + "\"owner\":{\"id\":2,\"login\":\"octo-org\"},"
                        + "\"permissions\":{\"admin\":true,\"push\":true,\"pull\":true}}")));
    Map<String, String> env =
        actions("forgejo", wm.baseUrl() + "/api/v1", "issues", "forgejo-issues-labeled");
    env.put(Persona.BUILDER.envVariable(), FORGEJO_SHAPED);

    MainTest.Result r = MainTest.run(env, "run");

    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("the builder token (HYDRA_BUILDER_TOKEN) is admin on octo-org/hello-hydra");
    assertThat(r.err()).doesNotContain(FORGEJO_SHAPED.substring(0, 12));
    assertThat(journal()).containsExactly("GET /api/v1/repos/octo-org/hello-hydra");
  }

  @ParameterizedTest
  @ValueSource(strings = {"reconcile", "labels"})
  void reconcileAndLabelSeedingRefuseAnAdminBuilderToken(String command) {
    gh.user("hydra-builder", token(Persona.BUILDER), "admin");
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));
    Map<String, String> env = new HashMap<>();
    env.put(Persona.BUILDER.envVariable(), token(Persona.BUILDER));
    String[] args =
        command.equals("reconcile")
            ? new String[] {"reconcile", "--issue", "7"}
            : new String[] {"labels", "seed"};
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--repo", REPO.fullName(), "--forge", "github", "--api-url", wm.baseUrl()));

    MainTest.Result r = MainTest.run(env, all.toArray(String[]::new));

    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("the builder token (HYDRA_BUILDER_TOKEN) is admin on octo-org/hello-hydra");
    assertNothingWritten();
  }

  // ------------------------------------------------------------- item 9: the token's shape

  @Test
  void aGitHubTokenForForgejoNeverLeavesTheProcess() throws Exception {
    Map<String, String> env =
        actions("forgejo", wm.baseUrl() + "/api/v1", "issues", "forgejo-issues-labeled");
    env.put(Persona.BUILDER.envVariable(), GITHUB_SHAPED);

    MainTest.Result run = MainTest.run(env, "run");
    MainTest.Result seed =
        MainTest.run(
            env, "labels", "seed", "--forge", "forgejo", "--api-url", wm.baseUrl() + "/api/v1");
    MainTest.Result reconcile = MainTest.run(env, "reconcile", "--issue", "7");

    for (MainTest.Result r : List.of(run, seed, reconcile)) {
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("the builder token (HYDRA_BUILDER_TOKEN) is a GitHub token")
          .contains("the forge is Forgejo at localhost")
          .contains("create a Forgejo access token");
      assertThat(r.err().strip().lines().filter(l -> !l.startsWith("hydra run: image ")))
          .as("one error line besides the image check's")
          .hasSize(1);
      assertNoToken(r.out() + r.err());
    }
    assertThat(wm.getAllServeEvents()).as("requests that reached the forge").isEmpty();
  }

  @Test
  void doctorReportsTheShapeAsARowAndSendsNothingWithThatToken() throws Exception {
    Map<String, String> env =
        actions("forgejo", wm.baseUrl() + "/api/v1", "issues", "forgejo-issues-labeled");
    env.put(Persona.BUILDER.envVariable(), GITHUB_SHAPED);
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401)));

    MainTest.Result r =
        MainTest.run(env, "doctor", "--forge", "forgejo", "--api-url", wm.baseUrl() + "/api/v1");

    assertThat(r.out()).contains("token for forge").contains("is a GitHub token");
    assertNoToken(r.out() + r.err());
    assertThat(wm.getAllServeEvents())
        .noneMatch(
            e -> String.valueOf(e.getRequest().getHeader("Authorization")).contains(SALT + SALT));
  }

  @Test
  void aForgejoTokenForGitHubDotComIsRefusedBeforeTheFirstRequest() throws Exception {
    Map<String, String> env =
        actions("github", "https://api.github.com", "issues", "issues-labeled");
    env.put(Persona.BUILDER.envVariable(), FORGEJO_SHAPED);

    MainTest.Result run = MainTest.run(env, "run");
    MainTest.Result seed = MainTest.run(env, "labels", "seed");

    for (MainTest.Result r : List.of(run, seed)) {
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("the builder token (HYDRA_BUILDER_TOKEN) is shaped like a Forgejo token")
          .contains("api.github.com")
          .doesNotContain(FORGEJO_SHAPED.substring(0, 10));
    }
  }
}
