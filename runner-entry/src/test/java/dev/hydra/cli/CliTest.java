package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code hydra help}, suggestions for mistyped commands, the commit in --version, completion. */
class CliTest {

  @TempDir Path dir;

  @Test
  void helpAloneIsTheRootHelpAndNamesHelpAndCompletion() {
    MainTest.Result r = MainTest.run("help");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Usage: hydra", "route", "demo", "help", "completion", "Exit codes:");
  }

  @Test
  void pollWithoutOnceOrWithBothRepositoryFormsIsAUsageErrorThatSaysTheFix() {
    MainTest.Result noOnce = MainTest.run("poll", "--repos", "o/r");
    assertThat(noOnce.code()).as(noOnce.err()).isEqualTo(2);
    assertThat(noOnce.err()).contains("pass --once", "hydra supervise");
    MainTest.Result both =
        MainTest.run("poll", "--once", "--forge", "github", "--repos", "o/r", "--owner", "o");
    assertThat(both.code()).as(both.err()).isEqualTo(2);
    assertThat(both.err()).contains("pass --repos or --owner, not both");
    MainTest.Result help = MainTest.run("help", "supervise");
    assertThat(help.code()).as(help.err()).isZero();
    assertThat(help.out()).contains("--pool", "--metrics");
  }

  @Test
  void helpWithACommandIsThatCommandsHelp() {
    MainTest.Result r = MainTest.run("help", "demo");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Usage:", "hydra demo [--agent <AGENT>] [--dir", "--outcome", "--scripted");
    assertThat(r.out()).isEqualTo(MainTest.run("demo", "--help").out());
  }

  @Test
  void helpWithAMistypedCommandSuggestsTheRightOne() {
    MainTest.Result r = MainTest.run("help", "rout");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown command `rout`; did you mean `route`?");
  }

  @ParameterizedTest
  @CsvSource({
    "rout,route",
    "explian,explain",
    "lables,labels",
    "doctr,doctor",
    "dmeo,demo",
    "demp,demo",
    "Demo,demo",
    "stagerun,stage-run",
    "reconcil,reconcile",
    "imgae,image",
    "hepl,help",
    "complet,completion"
  })
  void aMistypedCommandGetsASuggestion(String typed, String meant) {
    MainTest.Result r = MainTest.run(typed);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("did you mean `" + meant + "`?");
    assertThat(r.err().strip().lines()).as("one line").hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"xyzzy", "deploy", "q"})
  void aWordFarFromEveryCommandGetsNoGuess(String typed) {
    MainTest.Result r = MainTest.run(typed);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).doesNotContain("did you mean").contains("choose one of route");
  }

  @ParameterizedTest
  @CsvSource({
    "route,--evnt,--event",
    "demo,--outcom,--outcome",
    "demo,--scriptd,--scripted",
    "init,--rpeo,--repo",
    "doctor,--Repo,--repo",
    "run,--stag=build,--stage",
    "explain,--exampel,--example"
  })
  void aMistypedOptionGetsASuggestionFromThatCommandsOptions(
      String command, String typed, String meant) {
    MainTest.Result r = MainTest.run(command, typed);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("hydra " + command + ": error: unknown option `" + typed + "`")
        .contains("did you mean `" + meant + "`?")
        .contains("hydra " + command + " --help");
    assertThat(r.err().strip().lines()).as("one line").hasSize(1);
  }

  @Test
  void anOptionFarFromEveryOptionOfTheCommandGetsNoGuess() {
    MainTest.Result r = MainTest.run("route", "--outcome", "pass");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown option `--outcome`").doesNotContain("did you mean");
  }

  @Test
  void distanceCountsEditsAndTranspositions() {
    assertThat(Cli.distance("route", "route")).isZero();
    assertThat(Cli.distance("rotue", "route")).isEqualTo(1);
    assertThat(Cli.distance("rout", "route")).isEqualTo(1);
    assertThat(Cli.distance("", "demo")).isEqualTo(4);
    assertThat(Cli.suggest("zzzzzz", List.of("route"))).isEmpty();
  }

  @Test
  void versionNamesTheCommitOrSaysUnknown() {
    MainTest.Result r = MainTest.run("--version");
    assertThat(r.out()).containsPattern("^hydra \\S+ \\(commit ([0-9a-f]{40}|unknown)\\)");
    assertThat(Version.commit("0123456789abcdef0123456789abcdef01234567"))
        .isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(Version.commit("${git.commit}")).isEqualTo("unknown");
    assertThat(Version.commit("")).isEqualTo("unknown");
    assertThat(Version.commit("unknown")).isEqualTo("unknown");
  }

  @Test
  void completionNeedsAKnownShell() {
    assertThat(MainTest.run("completion").code()).isEqualTo(2);
    MainTest.Result fish = MainTest.run("completion", "fish");
    assertThat(fish.code()).isEqualTo(2);
    assertThat(fish.err()).contains("unknown shell `fish`; choose bash or zsh");
  }

  @Test
  void zshCompletionLoadsTheSameWordsThroughBashcompinit() {
    MainTest.Result r = MainTest.run("completion", "zsh");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("bashcompinit", "_hydra()", "complete -o default -F _hydra hydra");
  }

  @Test
  void bashCompletionCompletesCommandsAndEachCommandsOptions() throws Exception {
    MainTest.Result r = MainTest.run("completion", "bash");
    assertThat(r.code()).as(r.err()).isZero();
    Path script = dir.resolve("hydra.bash");
    Files.writeString(script, r.out(), StandardCharsets.UTF_8);
    assertThat(bash("bash -n " + script + " && echo syntax-ok")).isEqualTo("syntax-ok\n");
    assertThat(complete(script, "hydra", "ro")).isEqualTo("route");
    assertThat(complete(script, "hydra", "d")).isEqualTo("demo dev-run doctor");
    assertThat(complete(script, "hydra", "demo", "--out")).isEqualTo("--outcome");
    assertThat(complete(script, "hydra", "-v", "labels", "s")).isEqualTo("seed");
    assertThat(complete(script, "hydra", "help", "exp")).isEqualTo("explain");
    assertThat(complete(script, "hydra", "completion", "")).isEqualTo("bash zsh");
    assertThat(complete(script, "hydra", "run", "--st")).contains("--stage", "--stacktrace");
    // Every command of the table, and only those with the built-ins, at the first word.
    List<String> names = new java.util.ArrayList<>();
    Cli.defaultCommands().forEach(c -> names.add(c.name()));
    names.add("help");
    names.add("completion");
    assertThat(
            java.util.Arrays.stream(complete(script, "hydra", "").split(" "))
                .filter(w -> !w.startsWith("-")))
        .containsExactlyInAnyOrderElementsOf(names);
    assertThat(complete(script, "hydra", "--v")).isEqualTo("--verbose --version");
    String registered = bash("source " + script + "; complete -p hydra");
    assertThat(registered).contains("-F _hydra").contains("hydra");
  }

  @Test
  void zshLoadsTheScriptRegistersItAndCompletesACommandsOptions() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh")),
        "zsh is not installed (apt-get install zsh)");
    MainTest.Result r = MainTest.run("completion", "zsh");
    Path script = dir.resolve("hydra.zsh");
    Files.writeString(script, r.out(), StandardCharsets.UTF_8);
    // zsh's own completion filters COMPREPLY by the word typed; bashcompinit runs the function
    // with ksharrays, as here.
    ProcessBuilder p =
        new ProcessBuilder(
                "zsh",
                "-f",
                "-c",
                "source "
                    + script
                    + "; setopt ksharrays; COMP_WORDS=(hydra demo --out); COMP_CWORD=2; _hydra;"
                    + " print -r -- \"${COMPREPLY[*]}\"; print -r -- ${_comps[hydra]}")
            .redirectErrorStream(true);
    p.environment().put("HOME", dir.toString());
    Process zsh = p.start();
    String output = new String(zsh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(zsh.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> lines = output.strip().lines().toList();
    assertThat(lines).as(output).hasSize(2);
    assertThat(lines.get(0)).contains("--outcome", "--scripted").doesNotContain("route");
    assertThat(lines.get(1)).isEqualTo("_bash_complete -o default -F _hydra");
  }

  /** What the completion offers for the last word, via the function bash calls, sorted. */
  private static String complete(Path script, String... words) throws Exception {
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append("'").append(w).append("' ");
    }
    return bash("source "
            + script
            + "; COMP_WORDS=("
            + array
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; _hydra; printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '")
        .strip();
  }

  private static String bash(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(output, StandardCharsets.UTF_8);
  }
}
