package dev.hydra.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.json.Json;
import dev.hydra.label.Stage;
import dev.hydra.model.scripted.PersonaCli;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code images/base/hydra-verdict.sh} and {@link VerdictReader} agree on a builder's retry: in
 * {@code HYDRA_MODE=fix} a pass without branch and PR text stays a pass the runner accepts; in
 * build mode the script turns it into a fail.
 */
class VerdictScriptTest {

  @TempDir Path dir;

  static final String BLOCK =
      "Fixed the finding.\n```json\n{\"outcome\": \"pass\", \"summary\": \"fixed src/a.c\","
          + " \"findings\": [], \"fixes_applied\": [], \"unfixed\": []}\n```\n";

  String verdictLine(String mode) throws Exception {
    String result =
        Json.mapper()
            .writeValueAsString(
                java.util.Map.of(
                    "type", "result", "is_error", false, "num_turns", 3, "result", BLOCK));
    Path log = Files.writeString(dir.resolve("claude-" + mode + ".jsonl"), result + "\n");
    ProcessBuilder builder =
        new ProcessBuilder(
                "bash",
                PersonaCli.imagesDir().resolve("base/hydra-verdict.sh").toString(),
                "build",
                log.toString())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true);
    builder.environment().put("HYDRA_MODE", mode);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.strip();
  }

  @Test
  void aRetryPassWithoutPrTextStaysAPassTheRunnerAccepts() throws Exception {
    Verdict v =
        VerdictReader.read(Stage.BUILD, VerdictReader.FIX_MODE, List.of(verdictLine("fix")));
    assertThat(v.passed()).as(v.summary()).isTrue();
    assertThat(v.builder()).isEmpty();
  }

  @Test
  void aBuildPassWithoutPrTextIsAFail() throws Exception {
    Verdict v = VerdictReader.read(Stage.BUILD, "build", List.of(verdictLine("build")));
    assertThat(v.passed()).isFalse();
    assertThat(v.summary()).startsWith("the builder reported pass without a valid branch");
  }
}
