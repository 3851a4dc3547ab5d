package dev.hydra.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.forge.github.GitHubForge;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageResult;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Severity;
import dev.hydra.verdict.Verdict;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sinks of agent text on a (fake) GitHub, issue 11 items 4, 5 and 7: what the agent wrote, with
 * tokens in it in decoded form, is masked in the PR title and body, the review body and its inline
 * comments, the progress comment, the job outputs and the summary; a review that cannot be posted
 * still reports a failed review, and the forge's echo of the token in its error is masked.
 */
class SinksGitHubTest {

  static final RepoRef REPO = RepoRef.of("acme", "shop");
  static final LabelScheme SCHEME = LabelScheme.canonical();
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

  static final FakeGitHub github = new FakeGitHub(REPO);

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(github))
          .build();

  final Map<Persona, String> tokens = new EnumMap<>(Persona.class);
  final String claude = TestTokens.claude(1101);
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  SecretMasker masker = SecretMasker.NONE;
  final FakeGitHub gh = github;

  /** What the agent writes into every string of its verdict; set per test. */
  String leak = "";

  FakeStageExecutor executor =
      new FakeStageExecutor() {
        @Override
        public StageResult execute(Call call) {
          if (call.stage() == Stage.BUILD) {
            gh.push("hydra/7-add-a-health-endpoint", "9".repeat(40));
          }
          return leaking(super.execute(call));
        }
      };

  @BeforeEach
  void repository() {
    synchronized (gh) {
      gh.labels.clear();
      gh.events.clear();
      gh.comments.clear();
      gh.reviews.clear();
      gh.pull = new ObjectMapper().createObjectNode();
      gh.merged = false;
      gh.issueOpen = true;
      gh.issueBody = FakeGitHub.ORIGINAL_BODY;
      gh.rateLimitOnce.clear();
      gh.pullStates.clear();
    }
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));
    List<Secret> secrets = new ArrayList<>();
    long seed = 1000;
    for (Persona p : Persona.values()) {
      tokens.put(p, TestTokens.github(seed++));
      gh.user("hydra-" + p.id(), tokens.get(p), "write");
      secrets.add(Secret.of(p.id(), tokens.get(p)));
    }
    secrets.add(Secret.of("claude", claude));
    masker = SecretMasker.of(secrets);
    gh.user("alice", "ghp_alice", "write");
    gh.labels(LabelSeeding.specs(SCHEME).stream().map(LabelSpec::name).collect(Collectors.toSet()));
  }

  @AfterEach
  void clear() {
    wm.resetAll();
  }

  /** Every form a decoded string may hold a token in: raw, base64, URL-encoded, inside text. */
  String leaks() {
    String reviewer = tokens.get(Persona.REVIEWER);
    String builder = tokens.get(Persona.BUILDER);
    return "raw "
        + reviewer
        + " b64 "
        + Base64.getEncoder().encodeToString(("user:" + builder).getBytes(StandardCharsets.UTF_8))
        + " url "
        + URLEncoder.encode(claude, StandardCharsets.UTF_8)
        + " glued"
        + tokens.get(Persona.SECURITY)
        + "text";
  }

  StageResult leaking(StageResult r) {
    if (leak.isEmpty()) {
      return r;
    }
    Verdict v = r.verdictValue().orElseThrow();
    Verdict.BuilderResult b = v.builderResult();
    Verdict verdict =
        new Verdict(
            v.stage(),
            v.passed(),
            v.summary() + " " + leak,
            List.of(
                new Finding(Severity.WARNING, "src/App.java", 3, "R1", "inline " + leak),
                new Finding(Severity.WARNING, "", 0, "R2", "general " + leak)),
            v.fixesApplied(),
            v.unfixed(),
            v.turns(),
            v.costUsd(),
            b == null
                ? null
                : new Verdict.BuilderResult(b.branch(), "Title " + leak, "Body\n" + leak));
    return new StageResult(
        r.stage(),
        r.persona(),
        r.image(),
        r.status(),
        r.message() + " " + leak,
        r.attempts(),
        verdict,
        null,
        r.turns(),
        r.costUsd(),
        r.duration());
  }

  Forge forge(Persona persona) {
    return new GitHubForge(
        URI.create(wm.baseUrl()),
        persona.id(),
        java.util.Objects.requireNonNull(tokens.get(persona)),
        ForgeOptions.defaults().withTime(Clock.fixed(T0, ZoneOffset.UTC), d -> {}));
  }

  /** A job as {@code hydra run} wires it: each persona's forge behind the run's masker. */
  Pipeline job(Persona... personas) {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona p : personas) {
      forges.put(p, forge(p));
    }
    return new Pipeline(
        MaskingForge.wrap(forges, masker),
        executor,
        PipelineOptions.defaults(SCHEME).withClock(Clock.fixed(T0, ZoneOffset.UTC)),
        log::add);
  }

  PullRequest opened() {
    ObjectNode pr = gh.pull;
    return new PullRequest(
        pr.path("number").asInt(),
        pr.path("title").asText(),
        pr.path("body").asText(),
        true,
        pr.path("draft").asBoolean(),
        false,
        pr.path("head").path("ref").asText(),
        pr.path("head").path("sha").asText(),
        "main",
        pr.path("html_url").asText(),
        pr.path("user").path("login").asText(),
        pr.path("node_id").asText(),
        REPO.fullName(),
        List.of());
  }

  /** Everything a person can read of the run: the forge's state, the outputs, the summary. */
  String everythingWritten(List<PipelineResult> results) {
    StringBuilder all = new StringBuilder();
    all.append(gh.pullNow()).append('\n');
    gh.reviewsNow().forEach(r -> all.append(r).append('\n'));
    gh.commentsNow().forEach(c -> all.append(c).append('\n'));
    for (PipelineResult r : results) {
      all.append(ActionsOutput.render(ActionsOutput.outputs(r, masker)));
      all.append(ActionsOutput.summary(r, masker));
    }
    return all.toString();
  }

  @Test
  void tokensTheAgentWroteAreMaskedInEverySink() throws Exception {
    leak = leaks();
    gh.apply("alice", "ready-to-build");
    PipelineResult build = job(Persona.BUILDER).build(REPO, 7, "alice");
    var pr = opened();
    PipelineResult code = job(Persona.REVIEWER).review(Stage.CODE_REVIEW, REPO, pr);
    PipelineResult security = job(Persona.SECURITY).review(Stage.SECURITY_REVIEW, REPO, pr);
    PipelineResult decision =
        job(Persona.BUILDER, Persona.APPLIER)
            .decide(REPO, pr, ReviewReport.fromNeeds(WorkflowJobs.needs(code, security)));

    assertThat(gh.pullNow().path("title").asText()).startsWith("Title raw *** b64 ");
    assertThat(gh.reviewsNow()).hasSize(2);
    assertThat(gh.reviewsNow().get(0).path("body").asText()).contains("glued***text");
    String all = everythingWritten(List.of(build, code, security, decision));
    assertThat(all).contains("***");
    TestTokens.assertNoTokenIn(all);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 403, 401})
  void aReviewThatCannotBePostedStillReportsAFailedReviewWithTheEchoMasked(int status)
      throws Exception {
    gh.apply("alice", "ready-to-build");
    job(Persona.BUILDER).build(REPO, 7, "alice");
    var pr = opened();
    String reviewer = java.util.Objects.requireNonNull(tokens.get(Persona.REVIEWER));
    String echo =
        "{\"message\":\"request with Authorization: token "
            + reviewer
            + " basic "
            + Base64.getEncoder()
                .encodeToString(("x-access-token:" + reviewer).getBytes(StandardCharsets.UTF_8))
            + " url "
            + URLEncoder.encode(reviewer, StandardCharsets.UTF_8)
            + " escaped "
            + reviewer.replace("_", "\\u005f").replace("a", "\\u0061")
            + "\"}";
    wm.stubFor(
        post(urlPathMatching("/repos/acme/shop/pulls/\\d+/reviews"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(echo)));

    PipelineResult code = job(Persona.REVIEWER).review(Stage.CODE_REVIEW, REPO, pr);

    assertThat(code.status()).isEqualTo(PipelineResult.Status.FAILED);
    ReviewReport report = code.reviewReport().orElseThrow();
    assertThat(report.outcome()).isEqualTo(ReviewReport.FAIL);
    assertThat(report.reason()).contains("its review could not be posted", String.valueOf(status));
    String outputs = ActionsOutput.render(ActionsOutput.outputs(code, masker));
    assertThat(outputs).contains("report<<", "\"outcome\":\"fail\"");
    TestTokens.assertNoTokenIn(outputs);
    TestTokens.assertNoTokenIn(String.join("\n", log));
    TestTokens.assertNoTokenIn(ActionsOutput.render(ActionsOutput.outputs(code)));
  }
}
