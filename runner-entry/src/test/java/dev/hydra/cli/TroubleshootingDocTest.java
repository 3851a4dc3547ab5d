package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/troubleshooting.md has an entry for every configuration error Hydra prints in the curated
 * cases below (run through the real command line, offline: each case is a mistake an adopter can
 * make with options, variables, secrets, the event or Docker), and a row for every check {@code
 * hydra doctor} can report (read from the {@code dev.hydra.ops} sources). Its table "Errors Hydra
 * prints" has no row that none of these cases prints, so it cannot go stale either.
 */
class TroubleshootingDocTest {

  private static final Path PAGE = Path.of("..", "docs", "troubleshooting.md");
  private static final Path OPS = Path.of("..", "library/src/main/java/dev/hydra/ops");
  private static final String BUILDER = "gh" + "p_builder_NOT-A-REAL-SECRET-0123456789";
  private static final String CLAUDE = "sk-" + "ant-oat01-NOT-A-REAL-SECRET-0123456789";

  @TempDir Path dir;

  record Case(String name, Map<String, String> env, List<String> args) {}

  /** The mistakes: each prints one error and exits non-zero. */
  List<Case> cases() throws IOException {
    Path bad = write("bad.json", "{\"action\":");
    Path event = write("event.json", "{\"action\":\"labeled\"}");
    String missing = dir.resolve("missing.json").toString();
    Path noClone = Files.createDirectories(dir.resolve("not-a-clone"));
    Path clone = dir.resolve("clone");
    Files.createDirectories(clone.resolve(".git"));
    Map<String, String> run =
        Map.of("HYDRA_IMAGE_PREFIX", "ghcr.io/o/hydra", "HYDRA_DOCKER", "true");
    Map<String, String> withTokens = with(run, "HYDRA_BUILDER_TOKEN", BUILDER);
    Map<String, String> ready = with(withTokens, "HYDRA_CLAUDE_TOKEN_1", CLAUDE);
    List<String> runExample = List.of("run", "--example", "--forge", "github");
    List<String> doctor = List.of("doctor", "--forge", "github", "--repo", "o/r");
    List<String> route = List.of("route", "--event", event.toString(), "--event-name", "issues");
    return List.of(
        new Case("unknown command", Map.of(), List.of("demp")),
        new Case("unknown option", Map.of(), List.of("route", "--evnt", "x")),
        new Case("no forge", Map.of(), route),
        new Case("not a forge", Map.of("HYDRA_FORGE", "gitlab"), route),
        new Case("no event", Map.of(), List.of("route", "--forge", "github")),
        new Case(
            "event file missing",
            Map.of(),
            List.of("route", "--forge", "github", "--event", missing, "--event-name", "issues")),
        new Case(
            "event not JSON",
            Map.of(),
            List.of(
                "route", "--forge", "github", "--event", bad.toString(), "--event-name", "issues")),
        new Case(
            "unsupported event",
            Map.of(),
            List.of(
                "route",
                "--forge",
                "github",
                "--event",
                event.toString(),
                "--event-name",
                "release")),
        new Case(
            "bad prefix", Map.of("HYDRA_LABEL_PREFIX", "Wilco_"), List.of("route", "--example")),
        new Case(
            "bad trigger", Map.of("HYDRA_TRIGGER_LABEL", "a b"), List.of("route", "--example")),
        new Case("no repository", Map.of(), List.of("doctor", "--forge", "github")),
        new Case("bad repository", Map.of(), List.of("doctor", "--forge", "github", "--repo", "x")),
        new Case("no API URL", Map.of(), List.of("doctor", "--forge", "forgejo", "--repo", "o/r")),
        new Case("bad API URL", Map.of(), concat(doctor, "--api-url", "ftp://x")),
        new Case("bad persona logins", Map.of("HYDRA_PERSONA_LOGINS", "builder"), doctor),
        new Case(
            "token of the other forge",
            Map.of("HYDRA_BUILDER_TOKEN", BUILDER),
            List.of(
                "labels",
                "seed",
                "--forge",
                "forgejo",
                "--repo",
                "o/r",
                "--api-url",
                "https://codeberg.org/api/v1")),
        new Case("no image prefix", Map.of(), runExample),
        new Case("digest as tag", with(run, "HYDRA_IMAGE_TAG", "sha256:abc"), runExample),
        new Case("no docker CLI", with(run, "HYDRA_DOCKER", "/nonexistent/docker"), runExample),
        new Case("image missing", with(run, "HYDRA_DOCKER", "false"), runExample),
        new Case("no credentials", run, runExample),
        new Case("no builder token", with(run, "HYDRA_CLAUDE_TOKEN_1", CLAUDE), runExample),
        new Case("no Claude token", withTokens, runExample),
        new Case(
            "Claude tokens in one secret",
            with(withTokens, "HYDRA_CLAUDE_TOKENS", "a b"),
            runExample),
        new Case("bad stage timeout", with(ready, "HYDRA_BUILD_TIMEOUT", "soon"), runExample),
        new Case("bad runtime", with(ready, "HYDRA_RUNTIME", "bogus"), runExample),
        new Case("bad review step", ready, concat(runExample, "--stage", "bogus")),
        new Case(
            "forge unreachable", with(ready, "GITHUB_API_URL", "http://127.0.0.1:9"), runExample),
        new Case(
            "init outside a clone",
            Map.of(),
            List.of(
                "init",
                "--forge",
                "github",
                "--repo",
                "o/r",
                "--dir",
                noClone.toString(),
                "--action",
                "o/hydra-java@v1")),
        new Case(
            "init from an unreleased build",
            Map.of(),
            List.of("init", "--forge", "github", "--repo", "o/r", "--dir", clone.toString())));
  }

  @Test
  void everyErrorOfTheCasesHasAnEntryAndEveryEntryIsPrinted() throws IOException {
    Map<String, String> entries = errorEntries(page());
    assertThat(entries).as("rows of the table 'Errors Hydra prints'").hasSizeGreaterThan(20);
    Set<String> used = new LinkedHashSet<>();
    List<String> undocumented = new ArrayList<>();
    for (Case c : cases()) {
      MainTest.Result r = MainTest.run(c.env(), c.args().toArray(new String[0]));
      assertThat(r.code()).as(c.name() + ": " + r.err()).isIn(2, 3);
      String error = errorLine(r.err());
      assertThat(error).as(c.name() + " prints an error line").isNotEmpty();
      List<String> matching = entries.keySet().stream().filter(error::contains).toList();
      if (matching.isEmpty()) {
        undocumented.add(c.name() + ": " + error);
      }
      used.addAll(matching);
    }
    assertThat(undocumented).as("errors without an entry in docs/troubleshooting.md").isEmpty();
    assertThat(entries.keySet())
        .as("entries that none of the cases prints (stale, or add a case)")
        .containsExactlyInAnyOrderElementsOf(used);
    assertThat(entries.values()).as("every entry says the fix").allMatch(fix -> fix.length() > 10);
  }

  @Test
  void everyCheckDoctorCanReportHasARowWithItsFix() throws IOException {
    Set<String> checks = doctorChecks();
    assertThat(checks)
        .as("doctor's checks, read from the sources")
        .contains("token present", "own account", "image pullable", "labellers", "tokens");
    List<String> spans = new ArrayList<>();
    Matcher m = Pattern.compile("`([^`]+)`").matcher(page());
    while (m.find()) {
      spans.add(m.group(1));
    }
    assertThat(checks)
        .as("doctor checks without a `subject check` in docs/troubleshooting.md")
        .allMatch(check -> spans.stream().anyMatch(s -> s.endsWith(check)));
  }

  @Test
  void anUndocumentedErrorAndAStaleEntryAreBothCaught() {
    Map<String, String> entries =
        errorEntries(
            """
            ## Errors Hydra prints

            | The error contains | Fix |
            |---|---|
            | `cannot tell which forge` | pass `--forge github` or set HYDRA_FORGE in the job |
            | `no such message` | never printed |

            ## Next
            | `not in the table` | x |
            """);
    assertThat(entries).containsOnlyKeys("cannot tell which forge", "no such message");
    assertThat(errorLine("hydra route: pulling x\nhydra route: error: boom; fix it\n"))
        .isEqualTo("boom; fix it");
  }

  /** The rows of the section "Errors Hydra prints": the first backticked text → the fix. */
  static Map<String, String> errorEntries(String page) {
    int start = page.indexOf("## Errors Hydra prints");
    assertThat(start).as("the section ## Errors Hydra prints").isNotNegative();
    int end = page.indexOf("\n## ", start + 3);
    String section = page.substring(start, end < 0 ? page.length() : end);
    Map<String, String> entries = new LinkedHashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([^`]+)`[^|]*\\| (.+) \\|$").matcher(section);
    while (row.find()) {
      entries.put(row.group(1).replace("\\|", "|"), row.group(2));
    }
    return entries;
  }

  /** The check names of every doctor row the ops package can make. */
  static Set<String> doctorChecks() throws IOException {
    Set<String> checks = new LinkedHashSet<>();
    Pattern row =
        Pattern.compile("(?:Row\\.fail|Row\\.warn|new Row)\\(\\s*[^,;]+?,\\s*\"([^\"]+)\"");
    try (Stream<Path> files = Files.list(OPS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = row.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
          checks.add(m.group(1));
        }
      }
    }
    return checks;
  }

  /** The message of the error line a command printed, without {@code hydra CMD: error: }. */
  static String errorLine(String err) {
    for (String line : err.lines().toList()) {
      int at = line.indexOf(": error: ");
      if (line.startsWith("hydra") && at > 0) {
        return line.substring(at + ": error: ".length());
      }
    }
    return "";
  }

  private static String page() throws IOException {
    return Files.readString(PAGE, StandardCharsets.UTF_8);
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put(key, value);
    return copy;
  }

  private static List<String> concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }
}
