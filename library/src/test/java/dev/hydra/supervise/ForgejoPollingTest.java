package dev.hydra.supervise;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeForgejo;
import dev.hydra.forge.forgejo.ForgejoForge;
import dev.hydra.forges.Forges;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.pipeline.FakeStageExecutor;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.stage.StageResult;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The supervisor against the stateful fake Forgejo through the real transport and the real pipeline
 * (every persona a {@link ForgejoForge}, the stages a {@link FakeStageExecutor}): Forgejo sends no
 * {@code ETag} on issue lists, so every poll is a plain read of the first page — still one request
 * per repository when nothing changed — and a trigger starts its stages once however many cycles
 * see it.
 */
class ForgejoPollingTest {

  static final RepoRef REPO = RepoRef.of("acme", "shop");
  static final LabelScheme SCHEME = LabelScheme.canonical();
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
  static final FakeForgejo forgejo = new FakeForgejo(REPO);

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(forgejo))
          .build();

  final Map<Persona, String> tokens = new EnumMap<>(Persona.class);
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final Pool pool = new Pool(2);
  FakeStageExecutor executor = new FakeStageExecutor();

  @BeforeEach
  void repository() throws Exception {
    forgejo.baseUrl(wm.baseUrl()).reset(T0);
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeForgejo.NAME)));
    for (Persona p : Persona.values()) {
      tokens.put(p, String.format("%040x", p.id().hashCode() & 0xffffffffL));
      forgejo.user("hydra-" + p.id(), tokens.get(p), "write");
    }
    forgejo.user("alice", "alice-token", "write");
    if (forgejo.labelCount() == 0) {
      LabelSeeding.seed(
          new ForgejoForge(api(), "alice", "alice-token", ForgeOptions.defaults()), REPO, SCHEME);
    }
    executor =
        new FakeStageExecutor() {
          @Override
          public StageResult execute(Call call) {
            if (call.stage() == Stage.BUILD) {
              forgejo.push("hydra/7-add-a-health-endpoint", "9".repeat(40));
            }
            return super.execute(call);
          }
        };
    wm.resetRequests();
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.drain(Duration.ofSeconds(5));
    wm.resetAll();
  }

  @Test
  void everyPollIsOnePlainReadAndATriggerStartsItsStagesOnce() throws Exception {
    Supervisor supervisor = supervisor();

    Supervisor.Cycle first = supervisor.cycle(List.of(REPO));
    Supervisor.Cycle idle = supervisor.cycle(List.of(REPO));

    assertThat(first).isEqualTo(new Supervisor.Cycle(1, 0, 0, 0, 0, 0));
    // No ETag from Forgejo: an idle cycle is still one request, a full read, never a 304.
    assertThat(idle).isEqualTo(new Supervisor.Cycle(1, 0, 0, 0, 0, 0));
    List<LoggedRequest> lists = lists();
    assertThat(lists).hasSize(2);
    assertThat(lists).allSatisfy(r -> assertThat(r.containsHeader("If-None-Match")).isFalse());
    assertThat(wm.getAllServeEvents()).hasSize(2);

    forgejo.apply("alice", SCHEME.trigger());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<Supervisor.Cycle> cycles = new ArrayList<>();
    while (!forgejo.labelsNow().contains("done") && System.nanoTime() < deadline) {
      cycles.add(supervisor.cycle(List.of(REPO)));
      Thread.sleep(20);
    }
    awaitIdle();

    assertThat(forgejo.labelsNow()).contains("done");
    assertThat(cycles).allSatisfy(c -> assertThat(c.requests()).isEqualTo(1));
    assertThat(cycles.get(0).started()).isEqualTo(1);
    for (Stage stage : List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW)) {
      assertThat(executor.calls.stream().filter(c -> c.stage() == stage)).as(stage.id()).hasSize(1);
    }

    int before = lists().size();
    Supervisor.Cycle done = supervisor.cycle(List.of(REPO));
    assertThat(done).isEqualTo(new Supervisor.Cycle(1, 0, 0, 0, 0, 0));
    assertThat(lists()).hasSize(before + 1);
    assertThat(log).noneMatch(l -> l.contains("failed"));
  }

  Supervisor supervisor() {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      forges.put(p, new ForgejoForge(api(), p.id(), token(p), ForgeOptions.defaults()));
    }
    Map<Persona, String> logins = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      logins.put(p, "hydra-" + p.id());
    }
    Pipeline pipeline =
        new Pipeline(
            forges,
            executor,
            PipelineOptions.defaults(SCHEME)
                .withPersonaLogins(logins)
                .withClock(Clock.fixed(T0, ZoneOffset.UTC))
                .withTrustedLabelers(Set.of("alice")),
            log::add);
    IssueFeed feed =
        Forges.feed(
            ForgeType.FORGEJO,
            api(),
            Persona.BUILDER.id(),
            token(Persona.BUILDER),
            ForgeOptions.defaults());
    return new Supervisor(
        feed,
        new JobPlanner(SCHEME),
        new PipelineJobs(
            repo ->
                new PipelineJobs.Opened(
                    pipeline, Objects.requireNonNull(forges.get(Persona.BUILDER)))),
        pool,
        new SupervisorMetrics(pool, ClaudeAccounts.none()),
        new ManualClock(),
        log::add);
  }

  String token(Persona persona) {
    return Objects.requireNonNull(tokens.get(persona));
  }

  List<LoggedRequest> lists() {
    return wm.findAll(getRequestedFor(urlPathEqualTo(FakeForgejo.API + "/repos/acme/shop/issues")));
  }

  static URI api() {
    return URI.create(wm.baseUrl() + FakeForgejo.API);
  }

  void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.busy() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(pool.busy()).isZero();
  }
}
