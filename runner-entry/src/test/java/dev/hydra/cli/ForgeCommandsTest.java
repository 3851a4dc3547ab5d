package dev.hydra.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code hydra labels seed} and {@code hydra doctor} against a GitHub-shaped WireMock API. */
@WireMockTest
class ForgeCommandsTest {

  static final String BUILDER = "builder-token-0123456789abcdef";
  static final String REVIEWER = "reviewer-token-0123456789abcdef";
  static final String SECURITY = "security-token-0123456789abcdef";
  static final String APPLIER = "applier-token-0123456789abcdef";

  String base = "";
  final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void stubGitHub(WireMockRuntimeInfo wm) {
    base = wm.getHttpBaseUrl();
    env.put("HYDRA_BUILDER_TOKEN", BUILDER);
    env.put("HYDRA_REVIEWER_TOKEN", REVIEWER);
    env.put("HYDRA_SECURITY_TOKEN", SECURITY);
    env.put("HYDRA_APPLIER_TOKEN", APPLIER);
    var api = wm.getWireMock();
    api.register(
        get(urlPathEqualTo("/repos/octo-org/hello-hydra"))
            .atPriority(5)
            .willReturn(okJson(repo(false, false))));
    api.register(
        get(urlPathEqualTo("/repos/octo-org/hello-hydra"))
            .withHeader("Authorization", equalTo("token " + BUILDER))
            .atPriority(1)
            .willReturn(okJson(repo(false, true))));
    api.register(
        get(urlPathEqualTo("/repos/octo-org/hello-hydra/labels")).willReturn(okJson("[]")));
    api.register(
        get(urlPathMatching("/repos/octo-org/hello-hydra/labels/.+"))
            .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"Not Found\"}")));
    api.register(
        post(urlEqualTo("/repos/octo-org/hello-hydra/labels"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"id\":1,\"name\":\"x\",\"color\":\"0e8a16\",\"description\":\"\"}")));
    for (String persona : List.of("builder", "reviewer", "security", "applier")) {
      String token = env.get("HYDRA_" + persona.toUpperCase(java.util.Locale.ROOT) + "_TOKEN");
      api.register(
          get(urlEqualTo("/user"))
              .withHeader("Authorization", equalTo("token " + token))
              .willReturn(
                  okJson(
                      "{\"login\":\"hydra-"
                          + persona
                          + "\",\"id\":"
                          + persona.length()
                          + ",\"type\":\"User\"}")));
    }
  }

  String repo(boolean admin, boolean push) {
    return "{\"id\":3001,\"name\":\"hello-hydra\",\"full_name\":\"octo-org/hello-hydra\","
        + "\"owner\":{\"login\":\"octo-org\",\"id\":4001,\"type\":\"Organization\"},"
        + "\"private\":false,\"html_url\":\"https://github.com/octo-org/hello-hydra\","
        + "\"url\":\""
        + base
        + "/repos/octo-org/hello-hydra\",\"default_branch\":\"main\","
        + "\"permissions\":{\"admin\":"
        + admin
        + ",\"push\":"
        + push
        + ",\"pull\":true}}";
  }

  MainTest.Result hydra(String... args) {
    return MainTest.run(env, args);
  }

  @Test
  void labelsSeedCreatesEveryLabelWithTheBuilderToken(WireMockRuntimeInfo wm) {
    MainTest.Result r =
        hydra(
            "labels",
            "seed",
            "--repo",
            "octo-org/hello-hydra",
            "--forge",
            "github",
            "--api-url",
            base,
            "--prefix",
            "wilco");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "created   wilco-ready-to-build", "created   yolo", "labels in octo-org/hello-hydra");
    List<LoggedRequest> creates =
        wm.getWireMock().find(postRequestedFor(urlEqualTo("/repos/octo-org/hello-hydra/labels")));
    assertThat(creates).hasSize(26); // trigger, 21 stage labels, done, needs-input, yolo, openspec
    assertThat(creates).allMatch(q -> q.getHeader("Authorization").equals("token " + BUILDER));
    assertThat(creates.get(0).getBodyAsString())
        .contains("\"wilco-ready-to-build\"")
        .contains("0e8a16");
    assertThat(r.out() + r.err()).doesNotContain(BUILDER);
    assertThat(wm.getWireMock().find(getRequestedFor(urlPathMatching("/repos/.*/labels/.+"))))
        .as("one listing, then only the writes: no read per label")
        .isEmpty();
    assertThat(
            wm.getWireMock()
                .find(getRequestedFor(urlPathEqualTo("/repos/octo-org/hello-hydra/labels"))))
        .hasSize(1);
  }

  @Test
  void doctorReportsEachProblemWithItsFixAndExitsOne(WireMockRuntimeInfo wm) {
    env.put("HYDRA_APPLIER_TOKEN", REVIEWER);
    MainTest.Result r =
        hydra("doctor", "--repo", "octo-org/hello-hydra", "--forge", "github", "--api-url", base);
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("authenticates as @hydra-builder")
        .contains("the same token as the applier persona")
        .contains("fix: run `hydra labels seed --repo octo-org/hello-hydra`")
        .contains("problems found");
    assertThat(r.out() + r.err())
        .doesNotContain(BUILDER)
        .doesNotContain(REVIEWER)
        .doesNotContain(SECURITY);
    assertThat(wm.getWireMock().find(postRequestedFor(anyUrl())))
        .as("doctor writes nothing")
        .isEmpty();
  }

  @Test
  void aMissingForgeOrRepositoryIsUsageNotAGuess() {
    assertThat(hydra("doctor", "--forge", "github", "--api-url", base).err())
        .contains("no repository");
    MainTest.Result noForge = hydra("labels", "seed", "--repo", "o/r");
    assertThat(noForge.code()).isEqualTo(2);
    assertThat(noForge.err()).contains("cannot tell which forge");
    MainTest.Result badSub = hydra("labels", "plant", "--repo", "o/r", "--forge", "github");
    assertThat(badSub.code()).isEqualTo(2);
    assertThat(badSub.err()).contains("expected `hydra labels seed`");
  }
}
