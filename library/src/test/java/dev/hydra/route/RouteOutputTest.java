package dev.hydra.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.config.ForgeSelection;
import dev.hydra.event.ForgeEvent;
import dev.hydra.forge.ForgeType;
import dev.hydra.json.Json;
import dev.hydra.label.LabelScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RouteOutputTest {

  static final LabelScheme CANONICAL = LabelScheme.canonical();
  static final ForgeSelection FORGEJO =
      new ForgeSelection(ForgeType.FORGEJO, "detected: FORGEJO_ACTIONS=true");

  static final String HOSTILE = "ready-to-build\n::add-mask::x\r\n::error::owned\u2028\u0085";

  static RouteDecision runBuild() {
    return Router.route(
        RouterTest.issues("labeled", "ready-to-build", RouterTest.openIssue("ready-to-build")),
        CANONICAL,
        FORGEJO);
  }

  static RouteDecision skipHostileLabel() {
    return Router.route(
        RouterTest.issues("labeled", HOSTILE, RouterTest.openIssue(HOSTILE), "mona"),
        CANONICAL,
        FORGEJO);
  }

  static RouteDecision runReview() {
    return Router.route(
        RouterTest.pullRequest(
            "synchronized",
            RouterTest.pr("hydra/12-add-a-health-endpoint", true, "octo-org/hello-hydra")),
        CANONICAL,
        FORGEJO);
  }

  static RouteDecision skipPush() {
    return Router.route(RouterTest.push("refs/heads/feature", "main"), CANONICAL, FORGEJO);
  }

  static RouteDecision runSchedule() {
    return Router.route(
        ForgeEvent.schedule(new ForgeEvent.Origin(RouterTest.REPO, "", "", false), null),
        CANONICAL,
        FORGEJO);
  }

  static Stream<RouteDecision> decisions() {
    return Stream.of(runBuild(), skipHostileLabel(), runReview(), skipPush(), runSchedule());
  }

  static JsonNode parse(String json) throws Exception {
    return Json.mapper().readTree(json);
  }

  @Nested
  class JsonContract {

    @ParameterizedTest
    @MethodSource("dev.hydra.route.RouteOutputTest#decisions")
    void oneLineOfValidJsonWithTheContractKeys(RouteDecision d) throws Exception {
      String json = RouteOutput.json(d);

      assertThat(json).doesNotContain("\n", "\r").startsWith("{").endsWith("}");
      assertThat(json.lines()).hasSize(1);
      JsonNode node = parse(json);
      assertThat(node.isObject()).isTrue();
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      assertThat(keys)
          .startsWith(
              "decision",
              "stage",
              "forge",
              "repository",
              "issue",
              "pull_request",
              "trigger_label",
              "reason")
          .contains("fix", "event", "label", "sender", "seen", "forge_source", "schema")
          .doesNotHaveDuplicates();
      assertThat(node.get("decision").asText()).isEqualTo(d.decision().id());
      assertThat(node.get("forge").asText()).isEqualTo("forgejo");
      assertThat(node.get("repository").asText()).isEqualTo("octo-org/hello-hydra");
      assertThat(node.get("trigger_label").asText()).isEqualTo("ready-to-build");
      assertThat(node.get("reason").asText()).isEqualTo(d.reason());
      assertThat(node.get("seen").asText()).isEqualTo(d.seen());
      assertThat(node.get("forge_source").asText()).isEqualTo("detected: FORGEJO_ACTIONS=true");
      assertThat(node.get("schema").asInt()).isEqualTo(RouteOutput.SCHEMA);
    }

    @Test
    void runBuildHasIssueAndNoPullRequest() throws Exception {
      JsonNode node = parse(RouteOutput.json(runBuild()));

      assertThat(node.get("decision").asText()).isEqualTo("run");
      assertThat(node.get("stage").asText()).isEqualTo("build");
      assertThat(node.get("issue").isInt()).isTrue();
      assertThat(node.get("issue").asInt()).isEqualTo(7);
      assertThat(node.get("pull_request").isNull()).isTrue();
      assertThat(node.get("fix").isNull()).isTrue();
      assertThat(node.get("label").asText()).isEqualTo("ready-to-build");
      assertThat(node.get("sender").asText()).isEqualTo("mona");
      assertThat(node.get("event").asText()).isEqualTo("issues.labeled");
    }

    @Test
    void runReviewHasBoth() throws Exception {
      JsonNode node = parse(RouteOutput.json(runReview()));

      assertThat(node.get("stage").asText()).isEqualTo("review");
      assertThat(node.get("issue").asInt()).isEqualTo(12);
      assertThat(node.get("pull_request").asInt()).isEqualTo(8);
      assertThat(node.get("label").isNull()).isTrue();
      assertThat(node.get("event").asText()).isEqualTo("pull_request.synchronized");
    }

    @Test
    void skipHasNullStage() throws Exception {
      JsonNode node = parse(RouteOutput.json(skipPush()));

      assertThat(node.get("decision").asText()).isEqualTo("skip");
      assertThat(node.get("stage").isNull()).isTrue();
      assertThat(node.get("issue").isNull()).isTrue();
      assertThat(node.get("pull_request").isNull()).isTrue();
    }

    @Test
    void emptySenderIsNull() throws Exception {
      JsonNode node = parse(RouteOutput.json(runSchedule()));

      assertThat(node.get("sender").isNull()).isTrue();
      assertThat(node.get("stage").asText()).isEqualTo("image");
    }

    @Test
    void hostileLabelStaysInsideOneJsonString() throws Exception {
      String json = RouteOutput.json(skipHostileLabel());

      assertThat(json.lines()).hasSize(1);
      // Python's str.splitlines() also breaks at U+0085, U+2028 and U+2029.
      assertThat(json.codePoints())
          .noneMatch(cp -> cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029);
      assertThat(json).contains("\\n::add-mask::x", "\\u2028", "\\u0085");
      JsonNode node = parse(json);
      assertThat(node.get("label").asText()).as("round trip").isEqualTo(HOSTILE);
      assertThat(node.get("reason").asText()).doesNotContain("\n", "\r", "\u2028", "\u0085");
      assertThat(node.get("decision").asText()).isEqualTo("skip");
    }
  }

  @Nested
  class Explain {

    @ParameterizedTest
    @MethodSource("dev.hydra.route.RouteOutputTest#decisions")
    void oneLinePerField(RouteDecision d) {
      String text = RouteOutput.explain(d);

      List<String> lines = text.lines().toList();
      String last = d.runs() ? "Next:" : "Fix:";
      assertThat(lines)
          .hasSize(6)
          .satisfiesExactly(
              l -> assertThat(l).startsWith("Event:    "),
              l -> assertThat(l).startsWith("Seen:     "),
              l -> assertThat(l).startsWith("Trigger:  "),
              l -> assertThat(l).startsWith("Decision: "),
              l -> assertThat(l).startsWith("Why:      "),
              l -> assertThat(l).startsWith(last));
      assertThat(text).endsWith(System.lineSeparator());
      assertThat(text.replace(System.lineSeparator(), ""))
          .doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0085");
    }

    @Test
    void run() {
      String text = RouteOutput.explain(runBuild());

      assertThat(text)
          .contains(
              "Event:    issues.labeled in octo-org/hello-hydra on forgejo (forge from detected:"
                  + " FORGEJO_ACTIONS=true)")
          .contains("Trigger:  `ready-to-build`")
          .contains("Decision: run build for issue #7")
          .contains("Next:     the Builder implements issue #7 on branch hydra/7-<slug>");
    }

    @Test
    void review() {
      assertThat(RouteOutput.explain(runReview()))
          .contains("Decision: run review for PR #8 (issue #12)");
    }

    @Test
    void skipWithoutFix() {
      assertThat(RouteOutput.explain(skipPush()))
          .contains("Decision: skip\n".replace("\n", System.lineSeparator()))
          .contains("Fix:      nothing to change: this event is not for Hydra");
    }

    @Test
    void hostileInputCannotAddLines() {
      String text = RouteOutput.explain(skipHostileLabel());

      assertThat(text.lines()).hasSize(6).noneMatch(line -> line.startsWith("::"));
      assertThat(text).contains("\\u000A::add-mask::x");
    }

    @Test
    void aRawNewlineFromAFutureCallerIsStillEscaped() {
      RouteDecision d = runBuild();
      RouteDecision raw =
          new RouteDecision(
              d.decision(),
              d.workflow(),
              d.forge(),
              d.repository(),
              d.event(),
              d.issue(),
              d.pullRequest(),
              d.triggerLabel(),
              d.label(),
              d.sender(),
              "seen\n::add-mask::x",
              "why\r\nnot",
              null);

      String text = RouteOutput.explain(raw);

      assertThat(text.lines()).hasSize(6);
      assertThat(text).contains("Seen:     seen\\u000A::add-mask::x");
      assertThat(text).contains("Why:      why\\u000D\\u000Anot");
    }
  }
}
