package dev.hydra.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.credentials.Persona;
import dev.hydra.event.EventExamples;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.fake.FakeForgejo;
import dev.hydra.forge.fake.FakeGitHub;
import dev.hydra.json.Json;
import dev.hydra.label.LabelScheme;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.workspace.GitHttpRemote;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The Actions jobs of {@code hydra run}, run in-process through the CLI entry exactly as {@code
 * action.yml} calls it: every job gets an Actions environment (the event payload in {@code
 * GITHUB_EVENT_PATH}, {@code GITHUB_OUTPUT} and {@code GITHUB_STEP_SUMMARY} files, only its own
 * personas' tokens, the two Claude tokens), the forge is a stateful fake in WireMock, the git
 * remote a {@link GitHttpRemote}. The review jobs run at the same time, then the decision job gets
 * {@code HYDRA_REVIEW_REPORTS} built from their {@code GITHUB_OUTPUT} files the way {@code
 * toJSON(needs)} is. Shared by {@code RunCommandIT} (demo images) and {@code FieldTestIT} (the real
 * persona images).
 */
final class ActionsRun {

  /** The settings of a run that every job shares. */
  record Setup(
      RepoRef repo,
      int issue,
      String forge,
      String apiUrl,
      String prefix,
      String tag,
      String network,
      Map<Persona, String> tokens,
      List<String> claudeTokens) {

    Setup withApiUrl(String url) {
      return new Setup(repo, issue, forge, url, prefix, tag, network, tokens, claudeTokens);
    }

    String token(Persona persona) {
      return Objects.requireNonNull(tokens.get(persona));
    }
  }

  /** Fake tokens of a test class, new for each run of it, labelled as not secret. */
  static Map<Persona, String> personaTokens(String salt) {
    Map<Persona, String> tokens = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      tokens.put(p, "gh" + "p_" + p.id() + "_" + salt);
    }
    return tokens;
  }

  /**
   * The fake GitHub served by a started WireMock, the personas on it with write access and Hydra's
   * labels in the repository.
   */
  static WireMockServer serveGitHub(FakeGitHub gh, Setup setup) {
    WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort().extensions(gh));
    wm.start();
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeGitHub.NAME)));
    gh.baseUrl(wm.baseUrl());
    for (Persona p : Persona.values()) {
      gh.user("hydra-" + p.id(), setup.token(p), "write");
    }
    gh.labels(
        LabelSeeding.specs(LabelScheme.canonical()).stream()
            .map(LabelSpec::name)
            .collect(Collectors.toSet()));
    return wm;
  }

  /**
   * Forgejo's access tokens (40 hex digits: Hydra refuses to send a GitHub-shaped token there), new
   * for each run.
   */
  static Map<Persona, String> forgejoTokens() {
    Map<Persona, String> tokens = new EnumMap<>(Persona.class);
    for (Persona p : Persona.values()) {
      tokens.put(p, hex(20));
    }
    return tokens;
  }

  /**
   * The fake Forgejo served by a started WireMock, the personas on it with write access and Hydra's
   * labels in the repository (created in the web interface, as an adopter seeds them).
   */
  static WireMockServer serveForgejo(FakeForgejo fj, Setup setup) {
    WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort().extensions(fj));
    wm.start();
    wm.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers(FakeForgejo.NAME)));
    fj.baseUrl(wm.baseUrl());
    for (Persona p : Persona.values()) {
      fj.user("hydra-" + p.id(), setup.token(p), "write");
    }
    fj.existingLabels(LabelSeeding.specs(LabelScheme.canonical()));
    return wm;
  }

  /**
   * The repository's git remote, on loopback with a token per persona (only the builder's may
   * push): the runner clones and pushes there; the container reaches neither it nor the forge.
   */
  static GitHttpRemote gitRemote(Path dir, Setup setup) throws IOException {
    GitHttpRemote remote = GitHttpRemote.start(dir).seed(setup.repo().fullName());
    for (Persona p : Persona.values()) {
      remote.user("hydra-" + p.id(), setup.token(p), p == Persona.BUILDER);
    }
    return remote;
  }

  private final Setup setup;
  private final Path work;
  private final WireMockServer wm;
  private final GitHttpRemote git;

  /** Everything a job printed or wrote, for the secret check at the end of each test. */
  private final List<String> printed = Collections.synchronizedList(new ArrayList<>());

  ActionsRun(Setup setup, Path work, WireMockServer wm, GitHttpRemote git) {
    this.setup = setup;
    this.work = work;
    this.wm = wm;
    this.git = git;
  }

  Setup setup() {
    return setup;
  }

  String token(Persona persona) {
    return setup.token(persona);
  }

  /** The web root the runner derives the clone URL from: the loopback git remote. */
  String gitServer() {
    String url = git.url(setup.repo().fullName()).toString();
    return url.substring(0, url.length() - ("/" + setup.repo().fullName() + ".git").length());
  }

  /** Where the remote's branch is, or null. */
  @Nullable String head(String branch) {
    try {
      return git.head(setup.repo().fullName(), branch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------- the jobs

  /**
   * A job's environment as {@code action.yml}'s step sets it, on a hosted runner: every input
   * variable (empty when the workflow passes nothing), only {@code personas}' tokens.
   */
  JobSpec job(String name, String eventName, Path payload, String stage, Persona... personas)
      throws IOException {
    JobSpec spec = new JobSpec(name);
    Map<String, String> env = spec.env;
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_EVENT_NAME", eventName);
    env.put("GITHUB_EVENT_PATH", payload.toString());
    env.put("GITHUB_REPOSITORY", setup.repo().fullName());
    env.put("GITHUB_SERVER_URL", gitServer());
    env.put("GITHUB_API_URL", setup.apiUrl());
    env.put("GITHUB_OUTPUT", spec.output.toString());
    env.put("GITHUB_STEP_SUMMARY", spec.summary.toString());
    // The action's inputs. The forge is named: this API URL is not the public one.
    env.put("HYDRA_STAGE", stage);
    env.put("HYDRA_FORGE", setup.forge());
    for (Persona p : Persona.values()) {
      env.put(p.envVariable(), Arrays.asList(personas).contains(p) ? token(p) : "");
    }
    for (int i = 0; i < 3; i++) {
      List<String> claude = setup.claudeTokens();
      env.put("HYDRA_CLAUDE_TOKEN_" + (i + 1), i < claude.size() ? claude.get(i) : "");
    }
    env.put("HYDRA_LABEL_PREFIX", "");
    env.put("HYDRA_TRIGGER_LABEL", "");
    env.put("HYDRA_IMAGE_PREFIX", setup.prefix());
    env.put("HYDRA_IMAGE_TAG", setup.tag());
    env.put("HYDRA_TRUSTED_LABELERS", "");
    env.put("HYDRA_REVIEW_REPORTS", "");
    // The test's own network, and the run records to look into.
    env.put("HYDRA_NETWORK", setup.network());
    env.put("HYDRA_RUN_RECORDS", spec.records.toString());
    return spec;
  }

  /**
   * The two review jobs at the same time.
   *
   * @return the code review job, then the security review job
   */
  Job[] reviewJobs(JobSpec code, JobSpec security) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      int first = wm.getAllServeEvents().size();
      Future<MainTest.Result> a = pool.submit(() -> MainTest.run(code.env, "run"));
      Future<MainTest.Result> b = pool.submit(() -> MainTest.run(security.env, "run"));
      MainTest.Result codeResult = a.get(5, TimeUnit.MINUTES);
      MainTest.Result securityResult = b.get(5, TimeUnit.MINUTES);
      Job codeJob = code.finished(codeResult, first, "run");
      Job securityJob = security.finished(securityResult, first, "run");
      // Both ran at once, so the requests of both are in each window: split them by token.
      Set<String> both = codeJob.tokensSeen();
      return new Job[] {
        withTokens(codeJob, both, Persona.REVIEWER), withTokens(securityJob, both, Persona.SECURITY)
      };
    } finally {
      pool.shutdownNow();
    }
  }

  private Job withTokens(Job job, Set<String> seen, Persona own) {
    assertThat(seen)
        .as("the review jobs used only the two reviewers' tokens")
        .containsExactlyInAnyOrder(token(Persona.REVIEWER), token(Persona.SECURITY));
    return new Job(
        job.name(),
        job.command(),
        job.code(),
        job.out(),
        job.err(),
        job.outputs(),
        job.summary(),
        job.records(),
        Set.of(token(own)),
        setup.issue());
  }

  /** The two review jobs' specs on a {@code pull_request.opened} event. */
  JobSpec[] reviewSpecs(Path opened) throws IOException {
    return new JobSpec[] {
      job("code-review", "pull_request", opened, "code-review", Persona.REVIEWER),
      job("security-review", "pull_request", opened, "security-review", Persona.SECURITY)
    };
  }

  /** The decision job, with {@code toJSON(needs)} as Actions builds it from the review jobs. */
  JobSpec decisionSpec(Path opened, Job code, Job security) throws IOException {
    return job("decision", "pull_request", opened, "decision", Persona.BUILDER, Persona.APPLIER)
        .with("HYDRA_REVIEW_REPORTS", needs(code, security));
  }

  /**
   * {@code ${{ toJSON(needs) }}} of the decision job: per needed job its result and its declared
   * outputs — only {@code report}, from the step's {@code GITHUB_OUTPUT} — pretty-printed as
   * Actions prints it.
   */
  static String needs(Job code, Job security) throws IOException {
    ObjectNode needs = Json.mapper().createObjectNode();
    for (Job job : List.of(code, security)) {
      ObjectNode entry = needs.putObject(job.name());
      entry.put("result", job.code() == 0 ? "success" : "failure");
      ObjectNode outputs = entry.putObject("outputs");
      String report = job.outputs().get("report");
      if (report != null) {
        outputs.put("report", report);
      }
    }
    return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(needs);
  }

  /** Parses {@code GITHUB_OUTPUT}: {@code key=value} lines and {@code key<<DELIMITER} blocks. */
  static Map<String, String> outputs(String text) {
    Map<String, String> outputs = new LinkedHashMap<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int heredoc = line.indexOf("<<");
      if (heredoc > 0) {
        String delimiter = line.substring(heredoc + 2);
        List<String> value = new ArrayList<>();
        i++;
        while (!lines.get(i).equals(delimiter)) {
          value.add(lines.get(i));
          i++;
        }
        assertThat(outputs.put(line.substring(0, heredoc), String.join("\n", value)))
            .as("one value per key")
            .isNull();
      } else if (!line.isEmpty()) {
        int eq = line.indexOf('=');
        outputs.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return outputs;
  }

  /** One job of a workflow: its Actions environment, then what it printed and wrote. */
  final class JobSpec {
    final String name;
    final Map<String, String> env = new HashMap<>();
    final Path output;
    final Path summary;
    final Path records;

    JobSpec(String name) throws IOException {
      this.name = name;
      Path jobDir = Files.createDirectory(work.resolve(name + "-" + hex(4)));
      output = Files.createFile(jobDir.resolve("github_output"));
      summary = Files.createFile(jobDir.resolve("step_summary"));
      records = jobDir.resolve("runs");
    }

    JobSpec with(String key, String value) {
      env.put(key, value);
      return this;
    }

    Job run(String... args) throws IOException {
      int first = wm.getAllServeEvents().size();
      List<String> argv = new ArrayList<>(List.of("run"));
      argv.addAll(List.of(args));
      MainTest.Result result = MainTest.run(env, argv.toArray(new String[0]));
      return finished(result, first, argv.get(0));
    }

    Job reconcile() throws IOException {
      int first = wm.getAllServeEvents().size();
      MainTest.Result result =
          MainTest.run(env, "reconcile", "--issue", Integer.toString(setup.issue()));
      return finished(result, first, "reconcile");
    }

    JobRun start() {
      int first = wm.getAllServeEvents().size();
      AtomicReference<MainTest.@Nullable Result> result = new AtomicReference<>();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Thread thread =
          new Thread(
              () ->
                  result.set(
                      new MainTest.Result(
                          Main.run(
                              new String[] {"run"},
                              env,
                              new PrintWriter(out, true),
                              new PrintWriter(err, true)),
                          out.toString(),
                          err.toString())),
              "hydra-run-" + name);
      thread.start();
      return new JobRun(this, thread, result, first);
    }

    Job finished(MainTest.Result result, int firstRequest, String command) throws IOException {
      List<ServeEvent> events = new ArrayList<>(wm.getAllServeEvents());
      Collections.reverse(events); // oldest first
      Set<String> seen =
          events.subList(firstRequest, events.size()).stream()
              .map(e -> String.valueOf(e.getRequest().getHeader("Authorization")))
              .map(h -> h.replaceFirst("^(?i)(token|bearer) ", ""))
              .collect(Collectors.toSet());
      Job job =
          new Job(
              name,
              command,
              result.code(),
              result.out(),
              result.err(),
              outputs(Files.readString(output)),
              Files.readString(summary),
              records,
              seen,
              setup.issue());
      printed.add(result.out());
      printed.add(result.err());
      printed.add(Files.readString(output));
      printed.add(job.summary());
      if (Files.isDirectory(records)) {
        try (Stream<Path> files = Files.list(records)) {
          for (Path f : files.toList()) {
            printed.add(Files.readString(f));
          }
        }
      }
      return job;
    }
  }

  /** A job started in its own thread, to be killed. */
  record JobRun(
      JobSpec spec, Thread thread, AtomicReference<MainTest.@Nullable Result> result, int first) {
    Job kill() throws Exception {
      thread.interrupt();
      thread.join(Duration.ofMinutes(1).toMillis());
      assertThat(thread.isAlive()).as("the interrupted job ended").isFalse();
      MainTest.Result r = result.get();
      assertThat(r).isNotNull();
      return spec.finished(Objects.requireNonNull(r), first, "run");
    }
  }

  /**
   * What one job did.
   *
   * @param tokensSeen the tokens of every forge request the job made
   * @param issue the issue the run is about, for its run records
   */
  record Job(
      String name,
      String command,
      int code,
      String out,
      String err,
      Map<String, String> outputs,
      String summary,
      Path records,
      Set<String> tokensSeen,
      int issue) {

    JsonNode report() throws IOException {
      return Json.mapper().readTree(Objects.requireNonNull(outputs.get("report")));
    }

    JsonNode record(String stage) throws IOException {
      return Json.mapper()
          .readTree(records.resolve("run-" + issue + "-" + stage + ".json").toFile());
    }

    /** The one error line; in Actions it is repeated as an annotation, and nothing else shows. */
    String oneError() {
      List<String> lines = err.lines().toList();
      assertThat(lines).as(err).hasSize(2);
      assertThat(lines.get(0)).startsWith("hydra " + command + ": error: ");
      assertThat(lines.get(1)).isEqualTo("::error title=hydra::" + lines.get(0));
      return lines.get(0);
    }
  }

  // ----------------------------------------------------------------------------- payloads

  /**
   * {@code issues.labeled}: {@code sender} added {@code ready-to-build} to the issue, as the event
   * saw it (the text the fake forge serves: an edit after the label stops the build).
   */
  Path issuesLabeled(String sender, String title, String body) throws Exception {
    ObjectNode payload =
        example(setup.forge().equals("forgejo") ? "forgejo-issues-labeled" : "issues-labeled");
    payload.withObject("/sender").put("login", sender);
    payload.withObject("/issue").put("title", title).put("body", body);
    return write("issues-labeled", payload);
  }

  /** {@code pull_request.opened} carrying the pull request as the forge answers it. */
  Path pullRequestOpened(ObjectNode pull) throws Exception {
    ObjectNode payload = example("pull-request-opened");
    payload.put("number", pull.path("number").asInt());
    payload.set("pull_request", pull);
    payload.withObject("/sender").put("login", pull.path("user").path("login").asText());
    return write("pull-request-opened", payload);
  }

  /** A bundled real-shaped payload, moved to this run's repository. */
  ObjectNode example(String name) throws Exception {
    RepoRef repo = setup.repo();
    String text =
        new String(EventExamples.get(name).payload(), StandardCharsets.UTF_8)
            .replace("octo-org/hello-hydra", repo.fullName());
    ObjectNode payload = (ObjectNode) Json.mapper().readTree(text);
    ObjectNode repository = payload.withObject("/repository");
    repository.put("name", repo.name());
    repository.withObject("/owner").put("login", repo.owner());
    if (payload.has("organization")) {
      payload.withObject("/organization").put("login", repo.owner());
    }
    return payload;
  }

  Path write(String name, JsonNode payload) throws IOException {
    Path file = work.resolve(name + "-" + hex(4) + ".json");
    Files.writeString(file, payload.toString(), StandardCharsets.UTF_8);
    return file;
  }

  // ------------------------------------------------------------------------------- checks

  /** The write requests WireMock saw. */
  List<String> writes() {
    return wm.getAllServeEvents().stream()
        .map(e -> e.getRequest().getMethod().getName() + " " + e.getRequest().getUrl())
        .filter(r -> !r.startsWith("GET "))
        .filter(r -> !r.equals("POST /graphql")) // the issue's read
        .toList();
  }

  /**
   * No token in any form in anything a job printed or wrote, nor in {@code forgeTexts} (what the
   * forge holds). The {@code ::add-mask::} lines are the exception that proves it: they register
   * the token with the Actions runner, which consumes them and never shows them.
   */
  void assertNoTokenAnywhere(List<String> forgeTexts) {
    List<String> texts = new ArrayList<>(forgeTexts);
    synchronized (printed) {
      for (String text : printed) {
        texts.add(
            text.lines()
                .filter(l -> !l.startsWith("::add-mask::"))
                .collect(Collectors.joining("\n")));
      }
    }
    List<String> secrets = new ArrayList<>(setup.tokens().values());
    secrets.addAll(setup.claudeTokens());
    String all = String.join("\n", texts);
    for (String secret : secrets) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      assertThat(all)
          .doesNotContain(secret)
          .doesNotContain(Base64.getEncoder().encodeToString(bytes))
          .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(bytes))
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
          .doesNotContain(URLEncoder.encode(secret, StandardCharsets.UTF_8))
          .doesNotContain(
              Base64.getEncoder()
                  .encodeToString(("x-access-token:" + secret).getBytes(StandardCharsets.UTF_8)));
    }
  }

  static String hex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
