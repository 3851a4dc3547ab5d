package dev.hydra.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.credentials.Persona;
import dev.hydra.event.EventAction;
import dev.hydra.event.EventName;
import dev.hydra.event.EventParser;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeForgejo;
import dev.hydra.forge.forgejo.ForgejoForge;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.stage.StageResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pipeline end to end on Forgejo's wire, as the workflows run it: the build job, the two review
 * jobs in parallel (each holding only its own persona's token), and the decision job reading their
 * reports through the {@code needs} context — every persona a real {@link ForgejoForge} talking
 * HTTP to a stateful Forgejo in WireMock ({@link FakeForgejo}). Prints the requests of a whole run
 * per job and endpoint (there is no request budget on Forgejo).
 *
 * <p>What differs from GitHub, and is exercised here: labels are written by ID (the repository has
 * more labels than one page); Forgejo will not tell a persona another user's permission, so the
 * authority of a label rests on {@code HYDRA_TRUSTED_LABELERS} (or on owning the repository); the
 * label history is the issue's timeline; a draft is a {@code WIP:} title.
 *
 * <p><b>Duplicate deliveries.</b> Forgejo's label removal answers 204 whether or not the label was
 * there, so {@link Forge#takeLabel} is a read then a removal, not a compare-and-set: two runs of
 * one issue that both read before either removes would both claim the stage. What keeps them apart
 * on Forgejo is the workflows' per-issue {@code concurrency} group, which runs them one after
 * another; so this test asserts what holds one after another — ten duplicate deliveries, one
 * container, one comment — and no exactly-once for runs at the same time.
 */
class ForgejoPipelineTest {

  static final RepoRef REPO = RepoRef.of("acme", "shop");
  static final LabelScheme SCHEME = LabelScheme.canonical();
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
  static final String BRANCH = "hydra/7-add-a-health-endpoint";
  static final String HEAD = "9".repeat(40);
  static final String FIXED_HEAD = "a".repeat(40);

  static final FakeForgejo forgejo = new FakeForgejo(REPO);

  @RegisterExtension
  static final WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().extensions(forgejo))
          .build();

  final Map<Persona, String> tokens = new EnumMap<>(Persona.class);
  final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  final Set<Stage> pushFixes = Collections.synchronizedSet(EnumSet.noneOf(Stage.class));
  Set<String> trusted = Set.of("alice");

  /** {@code HYDRA_PERSONA_LOGINS}: set, as the docs recommend, unless a test says otherwise. */
  Map<Persona, String> personaLogins = WorkflowJobs.PERSONA_LOGINS;

  FakeStageExecutor executor = new FakeStageExecutor();
  FakeForgejo fj = forgejo;

  @BeforeEach
  void repository() throws Exception {
    fj = forgejo;
    fj.baseUrl(wm.baseUrl()).reset(T0);
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeForgejo.NAME)));
    for (Persona p : Persona.values()) {
      // Forgejo access tokens are 40 hex digits.
      tokens.put(p, String.format("%040x", p.id().hashCode() & 0xffffffffL));
      fj.user("hydra-" + p.id(), tokens.get(p), "write");
    }
    fj.user("acme", "owner-token", "owner")
        .user("alice", "alice-token", "write")
        .user("bob", "bob-token", "write")
        .user("trudy", "trudy-token", "read")
        .issueWriter("trudy");
    if (fj.labelCount() == 0) {
      // A repository with labels of its own, then `hydra labels seed` as alice, over HTTP.
      fj.existingLabels(existingLabels());
      Forge alice =
          new ForgejoForge(
              URI.create(wm.baseUrl() + FakeForgejo.API),
              "alice",
              "alice-token",
              ForgeOptions.defaults());
      LabelSeeding.seed(alice, REPO, SCHEME);
      wm.resetRequests();
    }
    executor =
        new FakeStageExecutor() {
          @Override
          public StageResult execute(Call call) {
            if (call.stage() == Stage.BUILD) {
              fj.push(BRANCH, HEAD);
            }
            if (pushFixes.contains(call.stage())) {
              fj.push(BRANCH, FIXED_HEAD);
            }
            return super.execute(call);
          }
        };
  }

  @AfterEach
  void clear() {
    wm.resetAll();
  }

  /** Forgejo's "Advanced" label set and some areas: with Hydra's, more than one page of 50. */
  static List<LabelSpec> existingLabels() {
    List<LabelSpec> labels = new ArrayList<>();
    for (String name :
        List.of(
            "Kind/Bug",
            "Kind/Feature",
            "Kind/Enhancement",
            "Kind/Security",
            "Kind/Testing",
            "Kind/Documentation",
            "Kind/Breaking",
            "Compat/Breaking",
            "Priority/Critical",
            "Priority/High",
            "Priority/Medium",
            "Priority/Low",
            "Reviewed/Duplicate",
            "Reviewed/Invalid",
            "Reviewed/Confirmed",
            "Reviewed/Won't Fix",
            "Status/Need More Info",
            "Status/Blocked",
            "Status/Abandoned")) {
      labels.add(new LabelSpec(name, "ee0701", ""));
    }
    for (String area :
        List.of(
            "api", "auth", "build", "ci", "cli", "db", "docs", "i18n", "infra", "ops", "perf",
            "ui")) {
      labels.add(new LabelSpec("area/" + area, "c5def5", ""));
    }
    return labels;
  }

  // ------------------------------------------------------------------------------- the jobs

  Forge forge(Persona persona) {
    return new ForgejoForge(
        URI.create(wm.baseUrl() + FakeForgejo.API),
        persona.id(),
        Objects.requireNonNull(tokens.get(persona)),
        ForgeOptions.defaults().withTime(Clock.fixed(T0, ZoneOffset.UTC), slept::add));
  }

  Pipeline job(Persona... personas) {
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona p : personas) {
      forges.put(p, forge(p));
    }
    return new Pipeline(
        forges,
        executor,
        PipelineOptions.defaults(SCHEME)
            .withPersonaLogins(personaLogins)
            .withClock(Clock.fixed(T0, ZoneOffset.UTC))
            .withTrustedLabelers(trusted),
        log::add);
  }

  /**
   * The build job for an issues event.
   *
   * @param labeller the sender, when the payload names the label it added (Forgejo Actions
   *     v9.0.2+); null when it does not (webhook payloads, older versions), so the pipeline reads
   *     the timeline
   */
  PipelineResult buildJob(String labeller) throws Exception {
    return job(Persona.BUILDER).build(REPO, FakeForgejo.ISSUE, labeller);
  }

  PipelineResult buildJobWithoutLabel() throws Exception {
    return job(Persona.BUILDER).build(REPO, FakeForgejo.ISSUE, null);
  }

  /** The {@code pull_request} event the opened draft sends, parsed as the runner parses it. */
  PullRequest opened() throws Exception {
    ObjectNode payload = new ObjectMapper().createObjectNode();
    payload.put("action", "opened");
    payload.put("number", 12);
    payload.set("pull_request", fj.pullJson(12));
    payload.set("repository", fj.repositoryJson());
    payload.set("sender", fj.userJson("hydra-builder"));
    PullRequest snapshot =
        EventParser.parse(
                EventName.PULL_REQUEST,
                payload.toString().getBytes(StandardCharsets.UTF_8),
                Optional.empty())
            .pullRequestSnapshot()
            .orElseThrow();
    return snapshot;
  }

  /**
   * Issue 11 item 5 on Forgejo: the forge refuses the review (a 5xx or 403 whose body echoes the
   * token, raw and JSON-escaped); the job still reports a failed review for the decision job's
   * {@code GITHUB_OUTPUT}, with the echo masked (item 7).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {500, 403})
  void aReviewTheForgeRefusesStillReportsAFailedReview(int status) throws Exception {
    fj.apply("alice", "ready-to-build");
    buildJob("alice");
    String token = Objects.requireNonNull(tokens.get(Persona.REVIEWER));
    StringBuilder escaped = new StringBuilder();
    token.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
    wm.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                    FakeForgejo.API + "/repos/acme/shop/pulls/\\d+/reviews"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"message\":\"token " + token + " or " + escaped + "\",\"url\":\"x\"}")));

    PipelineResult code = job(Persona.REVIEWER).review(Stage.CODE_REVIEW, REPO, opened());

    assertThat(code.status()).isEqualTo(PipelineResult.Status.FAILED);
    ReviewReport report = code.reviewReport().orElseThrow();
    assertThat(report.outcome()).isEqualTo(ReviewReport.FAIL);
    assertThat(report.reason()).contains("its review could not be posted", "***");
    String outputs = ActionsOutput.render(ActionsOutput.outputs(code));
    assertThat(outputs).contains("report<<").doesNotContain(token);
    assertThat(String.join("\n", log)).doesNotContain(token);
  }

  /** The two review jobs at the same time, then the decision job with their outputs. */
  PipelineResult reviewJobs() throws Exception {
    return WorkflowJobs.reviewsThenDecision(this::job, REPO, opened());
  }

  int requests() {
    return wm.getAllServeEvents().size();
  }

  /** Every request so far, oldest first. */
  List<ServeEvent> served() {
    List<ServeEvent> all = new ArrayList<>(wm.getAllServeEvents());
    Collections.reverse(all);
    return all;
  }

  static void report(String title, List<ServeEvent> events) {
    WorkflowJobs.report(
        "Forgejo, " + title, events, path -> path.replaceFirst("^" + FakeForgejo.API, ""));
  }

  static List<String> reviewStates(FakeForgejo fj) {
    synchronized (fj) {
      return fj.reviews.stream()
          .map(r -> r.path("user").path("login").asText() + " " + r.path("state").asText())
          .toList();
    }
  }

  // ------------------------------------------------------------------------------- the tests

  @Test
  @SuppressWarnings("SystemOut") // the measurement is this test's report
  void aWholeRun() throws Exception {
    fj.apply("alice", "ready-to-build");

    PipelineResult build = buildJob("alice");
    int afterBuild = requests();
    PipelineResult decision = reviewJobs();
    int total = requests();

    List<ServeEvent> all = served();
    report("build job", all.subList(0, afterBuild));
    report("review jobs and decision", all.subList(afterBuild, total));
    report("whole run", all);
    System.out.println("  (the repository has " + fj.labelCount() + " labels: two pages of 50)");

    assertThat(build.status()).isEqualTo(PipelineResult.Status.PASSED);
    assertThat(build.reason()).contains("#12");
    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(fj.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:pass", "done");
    assertThat(fj.labelHistory())
        .startsWith("+ready-to-build by alice", "-ready-to-build by hydra-builder")
        .contains("+code-review:running by hydra-reviewer", "+done by hydra-builder");
    assertThat(fj.pullTitle(12))
        .as("ready for review: no WIP prefix")
        .isEqualTo("Add a /health endpoint");
    assertThat(Objects.requireNonNull(fj.pull()).merged).isFalse();
    assertThat(reviewStates(fj))
        .containsExactlyInAnyOrder("hydra-reviewer COMMENT", "hydra-security COMMENT");
    assertThat(fj.comments(7)).hasSize(1);
    FakeForgejo.Event progress = fj.comments(7).get(0);
    assertThat(progress.body)
        .contains("hydra:progress issue=7", "| build |", "| code-review |", "| security-review |");
    assertThat(progress.user).isEqualTo("hydra-builder");
    assertThat(executor.calls)
        .extracting(StageExecutor.Call::stage)
        .containsExactlyInAnyOrder(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW);
    assertThat(log).anyMatch(l -> l.contains("listed in HYDRA_TRUSTED_LABELERS"));

    ObjectMapper mapper = new ObjectMapper();
    for (ServeEvent e : all) {
      String method = e.getRequest().getMethod().getName();
      String url = e.getRequest().getUrl();
      // Every request carried a persona's own token, as Forgejo's `token` scheme.
      assertThat(e.getRequest().getHeader("Authorization"))
          .isIn(tokens.values().stream().map(t -> "token " + t).toList());
      if (url.matches(".*/issues/\\d+/labels") && !method.equals("GET")) {
        JsonNode labels = mapper.readTree(e.getRequest().getBodyAsString()).path("labels");
        assertThat(labels).as("labels written by ID: %s", url).allMatch(JsonNode::isIntegralNumber);
      }
      if (url.endsWith("/reviews")) {
        assertThat(mapper.readTree(e.getRequest().getBodyAsString()).path("event").asText())
            .as("reviewers never approve")
            .isIn("COMMENT", "REQUEST_CHANGES");
      }
      if (url.contains("/collaborators/")) {
        assertThat(e.getResponse().getStatus()).as("Forgejo will not say").isEqualTo(403);
      }
    }
    assertThat(fj.labelCount()).as("the label list spans pages").isGreaterThan(50);
    assertThat(all)
        .anyMatch(e -> e.getRequest().getUrl().matches(".*/repos/acme/shop/labels\\?.*page=2.*"));
  }

  @Test
  void aFailedReviewEndsInNeedsInputWithOneComment() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.FAIL);
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    assertThat(fj.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:fail", "needs-input");
    assertThat(reviewStates(fj))
        .containsExactlyInAnyOrder("hydra-reviewer COMMENT", "hydra-security REQUEST_CHANGES");
    assertThat(fj.comments(7).stream().filter(c -> c.body.contains("hydra:needs-input")))
        .hasSize(1);
    assertThat(fj.pullTitle(12)).as("still a draft").startsWith("WIP: ");
  }

  @Test
  void aRebuildAfterNeedsInputReopensThePullRequestAndReachesDone() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.FAIL);
    buildJob("alice");
    assertThat(reviewJobs().status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    int comments = fj.comments(FakeForgejo.ISSUE).size();

    // A person fixes things, takes needs-input off and asks for a rebuild.
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.PASS);
    fj.remove("alice", "needs-input");
    fj.apply("alice", "rebuild:queued");
    wm.resetRequests();
    PipelineResult build = job(Persona.BUILDER).rebuild(REPO, FakeForgejo.ISSUE, "alice", null);
    int afterBuild = requests();
    PipelineResult decision = reviewJobs();
    report("rebuild job", served().subList(0, afterBuild));
    report("whole rebuild run", served());

    assertThat(build.status()).isEqualTo(PipelineResult.Status.PASSED);
    assertThat(executor.count(Stage.BUILD)).as("one container per build").isEqualTo(2);
    assertThat(fj.pullStates)
        .containsExactly("closed #12 by hydra-builder", "reopened #12 by hydra-builder");
    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(fj.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "code-review:pass", "security-review:pass", "done");
    assertThat(fj.comments(FakeForgejo.ISSUE)).as("the progress comment edited").hasSize(comments);
    assertThat(fj.pullTitle(12)).as("ready for review").doesNotStartWith("WIP: ");
  }

  @Test
  void fixesGoToTheApplierThenDone() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor.script(Stage.CODE_REVIEW, FakeStageExecutor.Script.PASS_WITH_FIXES);
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(executor.count(Stage.APPLIER)).isEqualTo(1);
    assertThat(fj.labelsNow()).contains("applier:pass", "done");
    assertThat(fj.pullTitle(12)).doesNotStartWith("WIP");
  }

  // ------------------------------------------------------------------ gates (issue 13)

  List<String> bodies() {
    return fj.comments(FakeForgejo.ISSUE).stream().map(c -> c.body).toList();
  }

  @Test
  void aRedGateGetsAFixPassThenGreenReachesDone() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor
        .gates(FakeStageExecutor.table("tests=FAIL"), FakeStageExecutor.table("tests=PASS"))
        .rechecks(FakeStageExecutor.table("tests=PASS"));

    assertThat(buildJob("alice").status()).isEqualTo(PipelineResult.Status.PASSED);
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(executor.count(Stage.BUILD)).isEqualTo(2);
    assertThat(executor.calls.get(1).inputs().get(GatePasses.INPUT)).contains("`tests`");
    assertThat(bodies().get(0)).contains("Gates rechecked on the final head", "✅ PASS");
    assertThat(fj.labelsNow()).contains("done");
  }

  @Test
  void aGateStillRedEndsInNeedsInputAndNoPullRequest() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor.gates(FakeStageExecutor.table("tests=FAIL"));

    PipelineResult build = buildJob("alice");

    assertThat(build.status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    assertThat(executor.count(Stage.BUILD)).isEqualTo(3);
    assertThat(fj.labelsNow()).containsExactlyInAnyOrder("build:fail", "needs-input");
    assertThat(fj.pull()).as("no pull request").isNull();
    assertThat(bodies())
        .filteredOn(b -> b.contains("hydra:needs-input"))
        .singleElement()
        .asString()
        .contains("| `tests` | ❌ FAIL");
  }

  @Test
  void theRecheckCatchesAGateBrokenByAReviewersFixAndYoloDoesNotMerge() throws Exception {
    fj.apply("alice", "ready-to-build");
    fj.apply("alice", "yolo");
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.PASS_WITH_FIXES);
    pushFixes.add(Stage.SECURITY_REVIEW);
    executor
        .gates(FakeStageExecutor.table("tests=PASS"))
        .rechecks(FakeStageExecutor.table("tests=FAIL"));
    buildJob("alice");

    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    assertThat(executor.count(Stage.APPLIER)).isEqualTo(1);
    assertThat(fj.labelsNow()).contains("applier:pass", "needs-input").doesNotContain("done");
    assertThat(Objects.requireNonNull(fj.pull()).merged).isFalse();
  }

  @Test
  void yoloFromATrustedLabellerMergesTheReviewedHead() throws Exception {
    fj.apply("alice", "ready-to-build");
    fj.apply("alice", "yolo");
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.MERGED);
    assertThat(decision.reason()).contains("@alice", "HYDRA_TRUSTED_LABELERS");
    FakeForgejo.Pull pull = Objects.requireNonNull(fj.pull());
    assertThat(pull.merged).isTrue();
    assertThat(pull.mergedSha).isEqualTo(HEAD);
    assertThat(fj.issueOpen()).as("the merge closed #7").isFalse();
  }

  @Test
  void yoloAfterFixesMergesTheHeadTheApplierSaw() throws Exception {
    fj.apply("alice", "ready-to-build");
    fj.apply("alice", "yolo");
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.PASS_WITH_FIXES);
    pushFixes.add(Stage.SECURITY_REVIEW);
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.MERGED);
    assertThat(Objects.requireNonNull(fj.pull()).mergedSha).isEqualTo(FIXED_HEAD);
  }

  @Test
  void aPushDuringTheReviewsKeepsYoloFromMergingAnUnreviewedHead() throws Exception {
    fj.apply("alice", "ready-to-build");
    fj.apply("alice", "yolo");
    pushFixes.add(Stage.SECURITY_REVIEW); // pushed, but reported no fixes: nobody reviewed it
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(decision.reason()).contains("refused the yolo merge", "head out of date");
    assertThat(Objects.requireNonNull(fj.pull()).merged).isFalse();
  }

  @Test
  void yoloFromAWriterWhoIsNotListedDoesNotMerge() throws Exception {
    fj.apply("alice", "ready-to-build");
    fj.apply("bob", "yolo");
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(decision.reason()).contains("not merged", "@bob", "HYDRA_TRUSTED_LABELERS");
    assertThat(Objects.requireNonNull(fj.pull()).merged).isFalse();
  }

  @Test
  void yoloReappliedByAnUntrustedUserAfterALongDiscussionDoesNotMerge() throws Exception {
    // Forgejo's timeline counts only the page in X-Total-Count: the label history must be read
    // to its end, or the yolo on page 2 would be taken for alice's on page 1.
    fj.apply("alice", "ready-to-build");
    fj.apply("alice", "yolo");
    fj.remove("alice", "yolo");
    fj.discuss("bob", 60);
    fj.apply("trudy", "yolo");
    buildJobWithoutLabel();
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(decision.reason()).contains("not merged", "@trudy");
    assertThat(Objects.requireNonNull(fj.pull()).merged).isFalse();
  }

  @Test
  void anUntrustedLabellerStartsNoContainer() throws Exception {
    fj.apply("trudy", "ready-to-build");
    PipelineResult build = buildJob("trudy");

    assertThat(build.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(build.reason()).contains("@trudy", "HYDRA_TRUSTED_LABELERS");
    assertThat(executor.calls).isEmpty();
    assertThat(fj.labelsNow()).containsExactly("ready-to-build");
    assertThat(fj.comments(7)).hasSize(1);
    assertThat(fj.comments(7).get(0).body).contains("Hydra did not start", "@trudy");
    // A second delivery explains nothing twice.
    buildJob("trudy");
    assertThat(fj.comments(7)).hasSize(1);
  }

  @Test
  void theOwnerNeedsNoListingAndTheTimelineNamesThem() throws Exception {
    trusted = Set.of();
    fj.apply("acme", "ready-to-build");
    PipelineResult build = buildJobWithoutLabel();

    assertThat(build.status()).isEqualTo(PipelineResult.Status.PASSED);
    assertThat(log).anyMatch(l -> l.contains("@acme, who has write access"));
    assertThat(served()).anyMatch(e -> e.getRequest().getUrl().contains("/issues/7/timeline?"));
  }

  @Test
  void tenDuplicateDeliveriesOneAfterAnotherStartOneContainer() throws Exception {
    fj.apply("alice", "ready-to-build");
    List<PipelineResult.Status> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      statuses.add(buildJob("alice").status());
    }

    assertThat(statuses.get(0)).isEqualTo(PipelineResult.Status.PASSED);
    assertThat(statuses.subList(1, 10)).containsOnly(PipelineResult.Status.SKIPPED);
    assertThat(executor.count(Stage.BUILD)).isEqualTo(1);
    assertThat(fj.comments(7)).hasSize(1);
    assertThat(fj.labelsNow())
        .containsExactlyInAnyOrder("build:pass", "code-review:queued", "security-review:queued");
  }

  @Test
  void aDuplicateDeliveryWhileBothReviewsAreQueuedReadsTheLabelHistoryOnce() throws Exception {
    fj.apply("alice", "ready-to-build");
    buildJob("alice");
    int before = requests();
    PipelineResult again = buildJob("alice");

    assertThat(again.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(again.reason()).contains("has a stage in progress");
    List<ServeEvent> delivery = served().subList(before, requests());
    assertThat(delivery)
        .as("both queued reviews timed from one read of the timeline: its page, then the empty one")
        .filteredOn(e -> e.getRequest().getUrl().contains("/issues/7/timeline"))
        .hasSize(2);
  }

  @Test
  void aReplayedReviewEventAfterTheDecisionDoesNothing() throws Exception {
    fj.apply("alice", "ready-to-build");
    buildJob("alice");
    reviewJobs();
    int before = requests();
    PipelineResult again = reviewJobs();

    assertThat(again.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(executor.count(Stage.CODE_REVIEW)).isEqualTo(1);
    assertThat(fj.reviews).hasSize(2);
    assertThat(requests() - before)
        .as("two reads of the issue for the reviewers, two guard reads, nothing written")
        .isEqualTo(4);
  }

  // ------------------------------------------------------- authority: who may move the pipeline

  @Test
  void theBuilderAppliesItsOwnTriggerAndNothingIsBuiltThoughForgejoSaysItMayWrite()
      throws Exception {
    // Forgejo answers a token's question about its own user truthfully (write), and the operator
    // even listed it: a persona still carries no authority, with or without HYDRA_PERSONA_LOGINS.
    personaLogins = Map.of();
    trusted = Set.of("alice", "Hydra-Builder");
    fj.apply("hydra-builder", "ready-to-build");
    PipelineResult build = buildJob("hydra-builder");

    assertThat(build.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(build.reason()).contains("@hydra-builder", "builder persona's account");
    assertThat(executor.calls).isEmpty();
    assertThat(fj.labelsNow()).containsExactly("ready-to-build");
  }

  @Test
  void anotherPersonaListedAsTrustedAppliesTheTriggerAndNothingIsBuilt() throws Exception {
    trusted = Set.of("alice", "hydra-reviewer");
    fj.apply("hydra-reviewer", "ready-to-build");
    PipelineResult build = buildJobWithoutLabel();

    assertThat(build.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(build.reason()).contains("@hydra-reviewer", "reviewer persona's account");
    assertThat(executor.calls).isEmpty();
  }

  @Test
  void yoloFromTheApplierPersonaDoesNotMerge() throws Exception {
    trusted = Set.of("alice", "hydra-applier");
    fj.apply("alice", "ready-to-build");
    fj.apply("hydra-applier", "yolo");
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(decision.reason()).contains("not merged", "applier persona's account");
    assertThat(Objects.requireNonNull(fj.pull()).merged).isFalse();
  }

  @Test
  void aUserWhoMayOnlyWriteIssuesReopensThePullRequestAndNoReviewStarts() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.FAIL);
    buildJob("alice");
    assertThat(reviewJobs().status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    fj.remove("trudy", "needs-input");
    fj.remove("trudy", "code-review:pass");
    fj.remove("trudy", "security-review:fail");
    fj.apply("trudy", "code-review:queued");
    fj.apply("trudy", "security-review:queued");
    List<String> before = fj.labelsNow();

    PipelineResult decision =
        WorkflowJobs.reviewsThenDecision(
            this::job,
            REPO,
            opened(),
            new Pipeline.Start(EventAction.REOPENED, new Authority.Actor("trudy", false)));

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(decision.reason()).contains("refused", "@trudy", "HYDRA_TRUSTED_LABELERS");
    assertThat(executor.count(Stage.SECURITY_REVIEW)).isEqualTo(1);
    assertThat(fj.labelsNow()).isEqualTo(before);
  }

  @Test
  void withoutPersonaLoginsTheReviewJobsCannotTellTheBuilderAndSaySo() throws Exception {
    personaLogins = Map.of();
    fj.apply("alice", "ready-to-build");
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(decision.reason()).contains("@hydra-builder", "HYDRA_PERSONA_LOGINS");
    assertThat(executor.count(Stage.CODE_REVIEW)).isZero();
    assertThat(fj.labelsNow())
        .as("nothing taken: the reviews run once the variable is set")
        .containsExactlyInAnyOrder("build:pass", "code-review:queued", "security-review:queued");
  }

  @Test
  void aRateLimitDuringTheRunIsWaitedOut() throws Exception {
    fj.apply("alice", "ready-to-build");
    buildJob("alice");
    reviewJobs();
    int whole = requests();
    wm.resetRequests();
    fj.reset(T0);
    executor.calls.clear();

    fj.apply("alice", "ready-to-build");
    fj.rateLimitOnce.add("PUT /api/v1/repos/acme/shop/issues/7/labels");
    fj.rateLimitOnce.add("POST /api/v1/repos/acme/shop/pulls/12/reviews");
    buildJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    assertThat(requests()).as("the whole run plus the two refused").isEqualTo(whole + 2);
    assertThat(fj.reviews).as("the refused review was posted once").hasSize(2);
    assertThat(fj.labelsNow()).contains("done");
  }

  // --------------------------------------------------------------- retry:queued (issue 13)

  void aRunThatNeedsInput() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.FAIL);
    buildJob("alice");
    assertThat(reviewJobs().status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
  }

  PipelineResult retryJob(String sender) throws Exception {
    return job(Persona.BUILDER).retry(REPO, FakeForgejo.ISSUE, sender);
  }

  long fixPasses() {
    synchronized (executor.calls) {
      return executor.calls.stream().filter(c -> c.mode() == StageExecutor.Mode.FIX).count();
    }
  }

  String lastComment() {
    List<FakeForgejo.Event> comments = fj.comments(FakeForgejo.ISSUE);
    return comments.get(comments.size() - 1).body;
  }

  @Test
  void aRetryFromAWriterRunsOnePassThenRoundTwoReachesDone() throws Exception {
    aRunThatNeedsInput();
    assertThat(lastComment()).contains("apply `retry:queued`", "hydra:retry-scope");
    executor.script(Stage.SECURITY_REVIEW, FakeStageExecutor.Script.PASS);
    fj.remove("alice", "needs-input");
    fj.apply("alice", "retry:queued");

    PipelineResult retry = retryJob("alice");
    PipelineResult again = retryJob("alice");
    PipelineResult decision = reviewJobs();

    assertThat(retry.status()).isEqualTo(PipelineResult.Status.PASSED);
    assertThat(again.status()).as("claimed once").isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(fixPasses()).isEqualTo(1);
    assertThat(fj.pullStates)
        .containsExactly("closed #12 by hydra-builder", "reopened #12 by hydra-builder");
    assertThat(decision.status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(fj.labelsNow())
        .containsExactlyInAnyOrder(
            "build:pass", "retry:pass", "code-review:pass", "security-review:pass", "done");
  }

  @Test
  void aRedRecheckOffersARetryOnTheRedGatesWhosePassIsGatedAndRecheckedAgain() throws Exception {
    fj.apply("alice", "ready-to-build");
    executor
        .gates(
            FakeStageExecutor.table("tests=PASS"),
            FakeStageExecutor.table("tests=FAIL"),
            FakeStageExecutor.table("tests=PASS"))
        .rechecks(
            FakeStageExecutor.redNaming("tests", "src/Health.java"),
            FakeStageExecutor.table("tests=PASS"));
    buildJob("alice");
    assertThat(reviewJobs().status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    assertThat(fj.labelsNow()).contains("needs-input").doesNotContain("done");
    assertThat(lastComment()).contains("apply `retry:queued`", "(`src/Health.java`)");
    fj.remove("alice", "needs-input");
    fj.apply("alice", "retry:queued");

    PipelineResult retry = retryJob("alice");

    assertThat(retry.status()).as(retry.reason()).isEqualTo(PipelineResult.Status.PASSED);
    assertThat(fixPasses()).as("the retry pass and one gate fix pass").isEqualTo(2);
    StageExecutor.Call first =
        executor.calls.stream().filter(c -> c.mode() == StageExecutor.Mode.FIX).findFirst().get();
    assertThat(Objects.requireNonNull(first.retry()).findings())
        .extracting(f -> f.file(), f -> f.rule())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("src/Health.java", "gate:tests"));
    assertThat(retry.records().get(0).passes())
        .extracting(AgentPass::pass)
        .containsExactly("retry-1", "retry-2");
    assertThat(ActionsOutput.summary(retry)).contains("| retry-1 | tests | FAIL |", "(2 passes)");

    assertThat(reviewJobs().status()).isEqualTo(PipelineResult.Status.DONE);
    assertThat(executor.recheckedAs).hasSize(2);
    assertThat(fj.labelsNow()).contains("retry:pass", "done");
  }

  @Test
  void aRetryFromATriageUserIsRefused() throws Exception {
    aRunThatNeedsInput();
    fj.remove("alice", "needs-input");
    fj.apply("trudy", "retry:queued");

    PipelineResult retry = retryJob("trudy");

    assertThat(retry.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(retry.reason()).contains("@trudy", "HYDRA_TRUSTED_LABELERS");
    assertThat(fixPasses()).isZero();
    assertThat(lastComment()).contains("Hydra did not retry", "@trudy");
    assertThat(fj.labelsNow()).contains("retry:queued").doesNotContain("retry:running");
  }

  @Test
  void aRetryWhileNeedsInputIsOnOrASecondRetryInTheRoundIsRefused() throws Exception {
    aRunThatNeedsInput();
    fj.apply("alice", "retry:queued");

    PipelineResult early = retryJob("alice");

    assertThat(early.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(early.reason()).contains("`needs-input` is still on issue #7");
    assertThat(fixPasses()).isZero();

    fj.remove("alice", "needs-input");
    assertThat(retryJob("alice").status()).isEqualTo(PipelineResult.Status.PASSED);
    assertThat(reviewJobs().status()).isEqualTo(PipelineResult.Status.NEEDS_INPUT);
    assertThat(lastComment())
        .as("round 2's failure is terminal: no further retry offered")
        .contains("retry: not available, this round's one retry was used already", "**rebuild**")
        .doesNotContain("hydra:retry-scope");
    fj.remove("alice", "needs-input");
    fj.apply("alice", "retry:queued");

    PipelineResult second = retryJob("alice");

    assertThat(second.status()).isEqualTo(PipelineResult.Status.SKIPPED);
    assertThat(second.reason()).contains("a round gets one retry", "rebuild:queued");
    assertThat(fixPasses()).isEqualTo(1);
    assertThat(lastComment()).contains("Hydra did not retry", "rebuild:queued");
  }
}
