package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.event.EventExamples;
import dev.hydra.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code hydra route} and {@code explain} through the real command classes, with hostile text in
 * every payload field they print: label names (the added one, the list, near misses of the
 * trigger), the sender, the issue title, branch names and the default branch, on both forges'
 * payload shapes. Whatever the text, stdout holds no control, bidi, zero-width or separator
 * character and no workflow command, and route's JSON is one line that parses back to the original
 * strings.
 */
class RouteEscapingTest {

  @TempDir Path dir;

  /** One class of hostile characters each. */
  static final Map<String, String> HOSTILE =
      Map.ofEntries(
          Map.entry("c0", "a\u0007b\u001B[31mc\rd\ne\tf\u0000g"),
          Map.entry("c1", "a\u0085b\u009B31mc"),
          Map.entry("del", "a\u007Fb"),
          Map.entry(
              "bidi",
              "a\u202Ab\u202Bc\u202Cd\u202De\u202Ef\u2066g\u2067h\u2068i\u2069j\u200Ek\u200Fl\u061Cm"),
          Map.entry("zero-width", "a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf"),
          Map.entry("separators", "a\u2028b\u2029c"),
          Map.entry("tag characters", "a\uDB40\uDC41\uDB40\uDC7Fb"),
          Map.entry("workflow command", "::add-mask::x"),
          Map.entry("workflow command after a space", "  ::error::x"),
          Map.entry("workflow command on a new line", "x\n::error file=a::owned"),
          Map.entry("old workflow command", "##[error]owned"),
          Map.entry("old workflow command mid-line", "x ##[group]y"),
          Map.entry("near miss with bidi", "ready-to-build\u202E"),
          Map.entry("near miss with zero-width", "ready\u200B-to-build"),
          Map.entry("near miss in case with a command", "Ready-To-Build ##[error]x"),
          Map.entry("other prefix with bidi", "wilco\u202E-ready-to-build"));

  /** How a hostile value is placed into a bundled or hand-made payload. */
  enum Scenario {
    GITHUB_LABEL("issues", "issues-labeled"),
    GITHUB_SENDER_AND_TITLE("issues", "issues-labeled"),
    FORGEJO_LABEL_LIST("issues", "forgejo-issues-labeled"),
    FORGEJO_SENDER("issues", "forgejo-issues-labeled"),
    PULL_REQUEST_BRANCH("pull_request", "pull-request-opened"),
    PULL_REQUEST_HYDRA_BRANCH("pull_request", "pull-request-opened"),
    PULL_REQUEST_HEAD_REPOSITORY("pull_request", "pull-request-opened"),
    PUSH_BRANCH("push", ""),
    PUSH_DEFAULT_BRANCH("push", "");

    final String event;
    final String example;

    Scenario(String event, String example) {
      this.event = event;
      this.example = example;
    }

    ObjectNode payload(String h) throws Exception {
      ObjectNode root =
          example.isEmpty()
              ? push()
              : (ObjectNode) Json.mapper().readTree(EventExamples.get(example).payload());
      Consumer<ObjectNode> edit =
          switch (this) {
            case GITHUB_LABEL ->
                r -> {
                  r.withObjectProperty("label").put("name", h);
                  ((ObjectNode) r.withObjectProperty("issue").withArray("labels").get(0))
                      .put("name", h);
                };
            case GITHUB_SENDER_AND_TITLE ->
                r -> {
                  r.withObjectProperty("sender").put("login", h);
                  r.withObjectProperty("issue").put("title", h);
                };
            case FORGEJO_LABEL_LIST ->
                r -> {
                  ArrayNode labels = r.withObjectProperty("issue").withArray("labels");
                  labels.removeAll();
                  labels.addObject().put("name", h);
                  labels.addObject().put("name", "bug" + h);
                };
            case FORGEJO_SENDER ->
                r -> {
                  r.withObjectProperty("sender").put("login", h).put("username", h);
                  r.withObjectProperty("issue").put("title", h);
                };
            case PULL_REQUEST_BRANCH ->
                r -> r.withObjectProperty("pull_request").withObjectProperty("head").put("ref", h);
            case PULL_REQUEST_HYDRA_BRANCH ->
                r -> {
                  r.withObjectProperty("pull_request")
                      .withObjectProperty("head")
                      .put("ref", "hydra/7-" + h);
                  r.withObjectProperty("pull_request").put("title", h);
                  r.withObjectProperty("sender").put("login", h);
                };
            case PULL_REQUEST_HEAD_REPOSITORY ->
                r ->
                    r.withObjectProperty("pull_request")
                        .withObjectProperty("head")
                        .withObjectProperty("repo")
                        .put("full_name", h + "/x");
            case PUSH_BRANCH -> r -> r.put("ref", "refs/heads/" + h);
            case PUSH_DEFAULT_BRANCH ->
                r -> {
                  r.put("ref", "refs/heads/feature");
                  r.withObjectProperty("repository").put("default_branch", h);
                };
          };
      edit.accept(root);
      return root;
    }

    private static ObjectNode push() {
      ObjectNode root = Json.mapper().createObjectNode();
      root.put("ref", "refs/heads/main");
      root.withObjectProperty("repository")
          .put("full_name", "octo-org/hello-hydra")
          .put("default_branch", "main");
      root.withObjectProperty("sender").put("login", "mona");
      return root;
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Scenario scenario : Scenario.values()) {
      for (Map.Entry<String, String> h : HOSTILE.entrySet()) {
        for (String forge : List.of("github", "forgejo")) {
          all.add(Arguments.of(scenario, h.getKey(), h.getValue(), forge));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1} {3}")
  @MethodSource("cases")
  void routePrintsOneSafeJsonLineThatParsesBack(
      Scenario scenario, String name, String hostile, String forge) throws Exception {
    ObjectNode payload = scenario.payload(hostile);
    Path event = write(payload);

    MainTest.Result r =
        MainTest.run(
            Map.of(),
            "route",
            "--event",
            event.toString(),
            "--event-name",
            scenario.event,
            "--forge",
            forge);

    assertThat(r.code()).as(r.err()).isZero();
    String line = r.out();
    assertThat(line).endsWith(System.lineSeparator());
    line = line.substring(0, line.length() - System.lineSeparator().length());
    assertSafe(line);
    Map<String, Object> json = Json.lite().mapFrom(line);
    assertThat(json).containsEntry("forge", forge);
    if (payload.path("label").has("name")) {
      assertThat(json).containsEntry("label", payload.path("label").path("name").asText());
    }
    String sender = payload.path("sender").path("login").asText("");
    assertThat(json).containsEntry("sender", sender.isEmpty() ? null : sender);
  }

  @ParameterizedTest(name = "{0} {1} {3}")
  @MethodSource("cases")
  void explainPrintsOnlySafeLines(Scenario scenario, String name, String hostile, String forge)
      throws Exception {
    Path event = write(scenario.payload(hostile));

    MainTest.Result r =
        MainTest.run(
            Map.of(),
            "explain",
            "--event",
            event.toString(),
            "--event-name",
            scenario.event,
            "--forge",
            forge);

    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines)
        .allSatisfy(l -> assertThat(l).matches("(Event|Seen|Trigger|Decision|Why|Next|Fix): +.*"));
    lines.forEach(RouteEscapingTest::assertSafe);
  }

  @Test
  void aHostileLabelIsShownEscapedWhereAPersonCanSeeIt() throws Exception {
    Path event = write(Scenario.GITHUB_LABEL.payload("ready-to-build\u202E ##[error]x"));

    MainTest.Result r =
        MainTest.run(
            Map.of(),
            "explain",
            "--event",
            event.toString(),
            "--event-name",
            "issues",
            "--forge",
            "github");

    assertThat(r.out()).contains("`ready-to-build\\u202E ##\\u005Berror]x`");
  }

  @Test
  void aNearMissNamesTheHiddenCharacter() throws Exception {
    Path event = write(Scenario.GITHUB_LABEL.payload("ready-to\u200B-build"));

    MainTest.Result r =
        MainTest.run(
            Map.of(),
            "explain",
            "--event",
            event.toString(),
            "--event-name",
            "issues",
            "--forge",
            "github");

    assertThat(r.out())
        .contains("`ready-to\\u200B-build`")
        .contains("U+200B ZERO WIDTH SPACE at position 9");
  }

  @Test
  void theJsonShowsTheEscapesAndReadsBackTheRawLabel() throws Exception {
    String label = "a\u202Eb\u200Bc\u2028d ##[x";
    Path event = write(Scenario.GITHUB_LABEL.payload(label));

    MainTest.Result r =
        MainTest.run(
            Map.of(),
            "route",
            "--event",
            event.toString(),
            "--event-name",
            "issues",
            "--forge",
            "github");

    assertThat(r.out()).contains("\"label\":\"a\\u202Eb\\u200Bc\\u2028d ##\\u005Bx\"");
    assertThat(Json.lite().mapFrom(r.out())).containsEntry("label", label);
  }

  /** No raw hostile character, no workflow command, in one line of stdout (as UTF-8 bytes). */
  static void assertSafe(String line) {
    String decoded = new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    decoded
        .codePoints()
        .forEach(
            cp ->
                assertThat(forbidden(cp))
                    .as("U+%04X in %s", cp, line.replaceAll("[^ -~]", "?"))
                    .isFalse());
    assertThat(decoded).doesNotContain("##[");
    assertThat(decoded.stripLeading()).doesNotStartWith("::");
  }

  static boolean forbidden(int cp) {
    return cp < 0x20
        || (cp >= 0x7F && cp <= 0x9F)
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0x200E
        || cp == 0x200F
        || cp == 0x061C
        || (cp >= 0x200B && cp <= 0x200D)
        || cp == 0x2060
        || cp == 0xFEFF
        || cp == 0x2028
        || cp == 0x2029
        || (cp >= 0xE0000 && cp <= 0xE007F)
        || Character.getType(cp) == Character.FORMAT;
  }

  private Path write(ObjectNode payload) throws IOException {
    Path file = Files.createTempFile(dir, "event", ".json");
    Files.write(file, Json.mapper().writeValueAsBytes(payload));
    return file;
  }
}
