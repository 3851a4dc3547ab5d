package dev.hydra.supervise;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.forges.Forges;
import dev.hydra.label.LabelScheme;
import dev.hydra.pipeline.PipelineResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The supervisor's poll against the stateful fake GitHub through the real transport: an idle cycle
 * is one conditional request per repository, answered 304, and a 304 means nothing to do.
 */
class GitHubPollingTest {

  static final RepoRef REPO = RepoRef.of("acme", "app");
  static final FakeGitHub github = new FakeGitHub(REPO);

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(github))
          .build();

  final List<Job> ran = Collections.synchronizedList(new ArrayList<>());
  final Pool pool = new Pool(2);
  IssueFeed feed;

  @BeforeEach
  void repository() {
    github.labels.clear();
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));
    String token = TestTokens.github(900);
    github.user("hydra-builder", token, "write");
    github.user("alice", TestTokens.github(901), "write");
    feed =
        Forges.feed(
            ForgeType.GITHUB, URI.create(wm.baseUrl()), "builder", token, ForgeOptions.defaults());
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.drain(Duration.ofSeconds(5));
    wm.resetAll();
  }

  @Test
  void anIdleCycleIsOneConditionalRequestAnswered304() throws Exception {
    Supervisor supervisor =
        new Supervisor(
            feed,
            new JobPlanner(LabelScheme.canonical()),
            job -> {
              ran.add(job);
              return new PipelineResult(
                  "build", PipelineResult.Status.SKIPPED, "ok", null, null, List.of());
            },
            pool,
            new SupervisorMetrics(pool, ClaudeAccounts.none()),
            new ManualClock(),
            line -> {});

    Supervisor.Cycle first = supervisor.cycle(List.of(REPO));
    Supervisor.Cycle idle = supervisor.cycle(List.of(REPO));

    assertThat(first).isEqualTo(new Supervisor.Cycle(1, 0, 0, 0, 0, 0));
    assertThat(idle).isEqualTo(new Supervisor.Cycle(1, 1, 0, 0, 0, 0));
    assertThat(wm.getAllServeEvents()).hasSize(2);
    assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/repos/acme/app/issues"))))
        .hasSize(2)
        .last()
        .satisfies(r -> assertThat(r.getHeader("If-None-Match")).startsWith("\""));
    assertThat(wm.getAllServeEvents().stream().map(e -> e.getResponse().getStatus()).toList())
        .containsExactlyInAnyOrder(200, 304);
    assertThat(ran).isEmpty();

    github.apply("alice", "ready-to-build");
    Supervisor.Cycle changed = supervisor.cycle(List.of(REPO));

    assertThat(changed).isEqualTo(new Supervisor.Cycle(1, 0, 1, 0, 0, 0));
    assertThat(wm.getAllServeEvents()).hasSize(3);
  }

  @Test
  void readsTheOpenItemsWithTheirLabels() throws Exception {
    github.apply("alice", "ready-to-build");
    IssueFeed.Page page = feed.openItems(REPO, null);
    assertThat(page.items().orElseThrow())
        .singleElement()
        .satisfies(
            issue -> {
              assertThat(issue.number()).isEqualTo(github.issue);
              assertThat(issue.title()).isEqualTo(FakeGitHub.TITLE);
              assertThat(issue.labels()).containsExactly("ready-to-build");
              assertThat(issue.pullRequest()).isFalse();
            });
    assertThat(page.etag()).isNotBlank();
    assertThat(feed.openItems(REPO, page.etag()).notModified()).isTrue();
  }
}
