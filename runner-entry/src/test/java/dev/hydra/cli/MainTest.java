package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

  @TempDir Path dir;

  /** What one run printed and returned. */
  record Result(int code, String out, String err) {}

  static Result run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Nested
  class Help {
    @Test
    void rootHelpListsCommandsAndExitCodes() {
      Result r = run("--help");
      assertThat(r.code()).isZero();
      assertThat(r.out()).contains("route", "explain", "Exit codes:", "70");
    }

    @ParameterizedTest
    @ValueSource(strings = {"route", "explain"})
    void everyCommandHasHelp(String command) {
      Result r = run(command, "--help");
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .contains("--event", "--event-name", "--forge", "--example", "Exit codes:");
      assertThat(r.err()).isEmpty();
    }

    @Test
    void versionNamesHydraAndJava() {
      Result r = run("--version");
      assertThat(r.code()).isZero();
      assertThat(r.out()).startsWith("hydra ").contains("Java ");
    }
  }

  @Nested
  class Route {
    @Test
    void printsOneJsonObjectOnOneLine() throws IOException {
      Result r = run("route", "--example");
      assertThat(r.code()).isZero();
      assertThat(r.err()).isEmpty();
      assertThat(r.out().strip()).doesNotContain("\n");
      Map<String, Object> json = Json.lite().mapFrom(r.out());
      assertThat(json)
          .containsEntry("decision", "run")
          .containsEntry("stage", "build")
          .containsEntry("forge", "github")
          .containsEntry("repository", "octo-org/hello-hydra")
          .containsEntry("issue", 7)
          .containsEntry("pull_request", null)
          .containsEntry("trigger_label", "ready-to-build");
      assertThat((String) json.get("reason")).contains("ready-to-build");
    }

    @Test
    void readsTheEventFromTheActionsEnvironment() throws IOException {
      Path event = write("event.json", exampleIssueLabeled("ready-to-build"));
      Map<String, String> env = new HashMap<>();
      env.put("GITHUB_EVENT_PATH", event.toString());
      env.put("GITHUB_EVENT_NAME", "issues");
      env.put("GITHUB_ACTIONS", "true");
      env.put("GITHUB_API_URL", "https://api.github.com");
      Result r = run(env, "route");
      assertThat(r.code()).isZero();
      Map<String, Object> json = Json.lite().mapFrom(r.out());
      assertThat(json).containsEntry("decision", "run").containsEntry("forge", "github");
      assertThat(json.get("forge_source")).asString().contains("GITHUB_API_URL");
    }

    @Test
    void skipIsStillExitZeroAndSaysWhy() throws IOException {
      Path event = write("event.json", exampleIssueLabeled("ready-to-build"));
      Map<String, String> env = Map.of("HYDRA_LABEL_PREFIX", "wilco");
      Result r =
          run(
              env,
              "route",
              "--event",
              event.toString(),
              "--event-name",
              "issues",
              "--forge",
              "github");
      assertThat(r.code()).isZero();
      Map<String, Object> json = Json.lite().mapFrom(r.out());
      assertThat(json).containsEntry("decision", "skip").containsEntry("stage", null);
      assertThat(json.get("reason"))
          .isEqualTo(
              "label `wilco-ready-to-build` expected because HYDRA_LABEL_PREFIX=wilco; got"
                  + " `ready-to-build`");
      assertThat(json.get("trigger_label")).isEqualTo("wilco-ready-to-build");
    }

    @Test
    void forgejoPayloadIsRoutedTheSameWay() throws IOException {
      Result r = run("route", "--example", "forgejo-issues-labeled");
      assertThat(r.code()).isZero();
      Map<String, Object> json = Json.lite().mapFrom(r.out());
      assertThat(json)
          .containsEntry("decision", "run")
          .containsEntry("forge", "forgejo")
          .containsEntry("event", "issues.label_updated");
    }
  }

  @Nested
  class Explain {
    @Test
    void explainsARun() {
      Result r = run("explain", "--example");
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .contains("Decision: run build for issue #7")
          .contains("Why:")
          .contains("Next:");
    }

    @Test
    void explainsASkipWithTheFix() throws IOException {
      Path event = write("event.json", exampleIssueLabeled("Ready-To-Build"));
      Result r =
          run(
              "explain",
              "--event",
              event.toString(),
              "--event-name",
              "issues",
              "--forge",
              "github");
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .contains("Decision: skip for issue #7")
          .contains("differs in case")
          .contains("Fix:");
    }
  }

  @Nested
  class ExplainRetry {
    @Test
    void explainsThatAPersonsRetryRunsTheBuildJobsFixerPass() throws IOException {
      Path event = write("event.json", exampleIssueLabeled("retry:queued"));
      Result r =
          run(
              "explain",
              "--event",
              event.toString(),
              "--event-name",
              "issues",
              "--forge",
              "github");
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .contains("Decision: run build for issue #7")
          .contains("the retry label `retry:queued` was added")
          .contains("one fixer pass", "round 2");
    }
  }

  @Nested
  class BadInput {
    @Test
    void missingFileIsOneLineAndExitTwo() {
      Result r =
          run(
              "route",
              "--event",
              dir.resolve("nope.json").toString(),
              "--event-name",
              "issues",
              "--forge",
              "github");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err())
          .contains("does not exist")
          .contains("--event FILE")
          .doesNotContain("at dev.");
    }

    @Test
    void invalidJsonNamesLineAndColumn() throws IOException {
      Path event = write("event.json", "{\"action\": \"labeled\", \"issue\": {");
      Result r =
          run("route", "--event", event.toString(), "--event-name", "issues", "--forge", "github");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("not valid JSON").contains("line 1");
      assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void stackTraceOnlyWhenAsked() throws IOException {
      Path event = write("event.json", "[]");
      Result quiet =
          run("route", "--event", event.toString(), "--event-name", "issues", "--forge", "github");
      Result loud =
          run(
              "route",
              "--event",
              event.toString(),
              "--event-name",
              "issues",
              "--forge",
              "github",
              "--stacktrace");
      assertThat(quiet.code()).isEqualTo(2);
      assertThat(quiet.err()).contains("must be a JSON object").doesNotContain("\tat ");
      assertThat(loud.code()).isEqualTo(2);
      assertThat(loud.err()).contains("\tat dev.hydra.");
    }

    @Test
    void noForgeIsAnErrorNeverADefault() throws IOException {
      Path event = write("event.json", exampleIssueLabeled("ready-to-build"));
      Result r = run("route", "--event", event.toString(), "--event-name", "issues");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains("cannot tell which forge").contains("--forge github|forgejo");
    }

    @Test
    void invalidPrefixNamesTheVariable() throws IOException {
      Path event = write("event.json", exampleIssueLabeled("ready-to-build"));
      Result r =
          run(
              Map.of("HYDRA_LABEL_PREFIX", "Wilco_"),
              "route",
              "--event",
              event.toString(),
              "--event-name",
              "issues",
              "--forge",
              "github");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("HYDRA_LABEL_PREFIX").contains("Wilco_");
    }

    @Test
    void unsupportedEventListsTheSupportedOnes() throws IOException {
      Path event = write("event.json", "{}");
      Result r =
          run(
              "route",
              "--event",
              event.toString(),
              "--event-name",
              "issue_comment",
              "--forge",
              "github");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("issue_comment").contains("issues, pull_request, push");
    }

    @Test
    void noEventAtAllExplainsWhereEventsComeFrom() {
      Result r = run("route", "--forge", "github");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("GITHUB_EVENT_PATH").contains("--example");
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
      Result command = run("rout");
      Result option = run("route", "--evnt", "x");
      assertThat(command.code()).isEqualTo(2);
      assertThat(command.err()).contains("unknown command `rout`").contains("route, explain");
      assertThat(option.code()).isEqualTo(2);
      assertThat(option.err()).contains("--evnt").contains("hydra route --help");
    }

    @Test
    void noCommandIsAUsageError() {
      Result r = run();
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("no command given");
    }

    @Test
    void inActionsTheErrorIsAlsoAnAnnotationWithEscapedData() {
      Result r =
          run(
              Map.of("GITHUB_ACTIONS", "true", "HYDRA_FORGE", "gitlab"),
              "route",
              "--example",
              "--forge",
              "gitlab%0A::add-mask::x");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("::error title=hydra::hydra route: error: --forge");
      // The percent sign of the hostile value is escaped, so it cannot smuggle a newline.
      assertThat(r.err()).contains("gitlab%250A::add-mask::x");
      assertThat(r.err().lines().filter(l -> l.startsWith("::add-mask::"))).isEmpty();
    }
  }

  @Nested
  class Run {
    @Test
    void aSkippedEventWritesOutputsAndExitsZero() throws IOException {
      Path event = write("event.json", exampleIssueLabeled("bug"));
      Path output = write("output.txt", "");
      Path summary = write("summary.md", "");
      Map<String, String> env = new HashMap<>();
      env.put("GITHUB_EVENT_PATH", event.toString());
      env.put("GITHUB_EVENT_NAME", "issues");
      env.put("GITHUB_ACTIONS", "true");
      env.put("GITHUB_API_URL", "https://api.github.com");
      env.put("GITHUB_OUTPUT", output.toString());
      env.put("GITHUB_STEP_SUMMARY", summary.toString());
      Result r = run(env, "run");
      assertThat(r.code()).isZero();
      assertThat(java.nio.file.Files.readString(output))
          .containsPattern("outcome<<ghadelimiter_[0-9a-f]{32}\nskipped\n");
      assertThat(java.nio.file.Files.readString(summary)).startsWith("### Hydra route: skipped");
    }

    /** A build job's environment; its forge is a closed port, so no request can succeed. */
    Map<String, String> buildJob() throws IOException {
      Map<String, String> env = new HashMap<>();
      env.put(
          "GITHUB_EVENT_PATH",
          write("labeled.json", exampleIssueLabeled("ready-to-build")).toString());
      env.put("GITHUB_EVENT_NAME", "issues");
      env.put("GITHUB_ACTIONS", "true");
      env.put("HYDRA_FORGE", "github");
      env.put("GITHUB_API_URL", "http://127.0.0.1:9");
      env.put("GITHUB_OUTPUT", write("output.txt", "").toString());
      env.put("HYDRA_BUILDER_TOKEN", "gh" + "p_builder_NOT-A-REAL-SECRET-0123456789");
      env.put("HYDRA_CLAUDE_TOKEN_1", "sk-" + "ant-oat01-NOT-A-REAL-SECRET-0123456789");
      env.put("HYDRA_IMAGE_PREFIX", "ghcr.io/octo-org/hydra");
      return env;
    }

    @Test
    void anImageThatCannotBePulledIsAConfigurationErrorBeforeAnythingIsClaimed()
        throws IOException {
      // Issue 12: an unset prefix takes the one default (in Actions, the repository's registry),
      // and the run checks that image before it claims the issue. A docker CLI that finds and
      // pulls nothing stands in for a registry without the image.
      Map<String, String> env = buildJob();
      env.put("HYDRA_IMAGE_PREFIX", "");
      env.put("HYDRA_DOCKER", "false");

      Result r = run(env, "run");

      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("hydra run: pulling ghcr.io/octo-org/hydra-builder:latest")
          .contains(
              "hydra run: error: the image ghcr.io/octo-org/hydra-builder:latest can be neither"
                  + " found here nor pulled (no message); nothing was claimed. Fix: build and push"
                  + " it");
      assertThat(java.nio.file.Files.readString(dir.resolve("output.txt"))).isEmpty();
    }

    @Test
    void aBadStageTimeoutIsAConfigurationErrorBeforeAnythingIsClaimed() throws IOException {
      Map<String, String> env = buildJob();
      env.put("HYDRA_BUILD_TIMEOUT", "soon");

      Result r = run(env, "run");

      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("hydra run: error: HYDRA_BUILD_TIMEOUT=`soon` is not a duration");
    }

    @Test
    void anUnknownStepNamesTheOptionAndTheChoices() throws IOException {
      Map<String, String> env = buildJob();

      Result option = run(env, "run", "--stage", "bogus");
      env.put("HYDRA_STAGE", "code-reveiw\nstage=x");
      Result variable = run(env, "run");

      assertThat(option.code()).isEqualTo(2);
      assertThat(option.err())
          .contains(
              "hydra run: error: --stage `bogus` is not a job of the review workflow; use one of"
                  + " code-review, security-review, decision, or leave it empty");
      assertThat(variable.code()).isEqualTo(2);
      assertThat(variable.err()).contains("hydra run: error: HYDRA_STAGE `code-reveiw");
      assertThat(variable.err().lines())
          .as("the value cannot start a line of its own")
          .hasSize(2)
          .noneMatch(l -> l.startsWith("stage=x"));
    }

    @Test
    void theDemoRunsTheWholePipelineOnTheLocalForge() throws IOException {
      Result r = run("demo", "--scripted", "--dir", dir.resolve("demo").toString());
      assertThat(r.code()).isZero();
      assertThat(r.out())
          .contains("draft PR #2")
          .contains("review PR #2 COMMENT")
          .contains("result: decision done");
    }

    @Test
    void reconcileNeedsAnIssue() {
      Result r = run("reconcile", "--repo", "acme/app", "--forge", "github");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("--issue");
    }
  }

  static String exampleIssueLabeled(String label) {
    return """
        {"action":"labeled",
         "issue":{"number":7,"title":"Add a /health endpoint","state":"open",
                  "user":{"login":"mona"},"labels":[{"name":"%s"}]},
         "label":{"name":"%s"},
         "repository":{"full_name":"octo-org/hello-hydra","default_branch":"main"},
         "sender":{"login":"mona"}}
        """
        .formatted(label, label);
  }
}
