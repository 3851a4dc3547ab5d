package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.RepoRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordSinkTest {

  static final RepoRef REPO = new RepoRef("acme", "widgets");

  @Test
  void filesWriteOnePrettyJsonFilePerIssueAndStage(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("records");
    RunRecordSink.files(dir).write(REPO, 7, ReviewReportTest.RECORD);

    Path file = dir.resolve("run-7-code-review.json");
    String json = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(json)
        .startsWith("{\n")
        .endsWith("}\n")
        .contains("\"stage\" : \"code-review\"", "\"tokenName\" : \"account-2\"");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(file); // the temporary file was renamed
    }
  }

  @Test
  void anOptionalDirectoryGetsTheSameFiles(@TempDir Path tmp) {
    RunRecordSink.of(tmp).write(REPO, 9, ReviewReportTest.RECORD);
    assertThat(tmp.resolve("run-9-code-review.json")).isRegularFile();
  }
}
