package dev.hydra.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.hydra.forge.RepoRef;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventFilesTest {

  private static final Optional<RepoRef> NONE = Optional.empty();

  @TempDir Path dir;

  private Path payload(String name, byte[] content) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, content);
    return file;
  }

  @Nested
  class Load {

    @Test
    void readsAndParsesAForgejoPayload() throws Exception {
      Path file = payload("event.json", EventParserTest.resource(EventParserTest.LABEL_UPDATED));

      ForgeEvent event = EventFiles.load(file, "issues", NONE);

      assertThat(event.action()).isEqualTo(EventAction.LABELED);
      assertThat(event.changedLabel()).contains("ready-to-build");
      assertThat(event.issueSnapshot().orElseThrow().number()).isEqualTo(12);
    }

    @Test
    void passesTheFallbackRepositoryOn() throws Exception {
      Path file = payload("schedule.json", EventParserTest.utf8("{\"schedule\":\"0 3 * * *\"}"));

      ForgeEvent event = EventFiles.load(file, "schedule", Optional.of(RepoRef.of("o", "r")));

      assertThat(event.repository()).isEqualTo(RepoRef.of("o", "r"));
    }

    @Test
    void missingFile() {
      Path missing = dir.resolve("nope.json");

      assertThatThrownBy(() -> EventFiles.load(missing, "issues", NONE))
          .isInstanceOf(InvalidEventException.class)
          .hasMessage(
              "event file "
                  + missing
                  + " does not exist; pass --event FILE or run inside Actions, which sets"
                  + " GITHUB_EVENT_PATH");
    }

    @Test
    void directory() {
      assertThatThrownBy(() -> EventFiles.load(dir, "issues", NONE))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("event file " + dir + " cannot be read (");
    }

    @Test
    void unreadableFile() throws Exception {
      Path file = payload("secret.json", EventParserTest.utf8("{}"));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
      assumeThat(Files.isReadable(file))
          .as("running as root: a mode-000 file is still readable, so this case cannot happen")
          .isFalse();

      assertThatThrownBy(() -> EventFiles.load(file, "issues", NONE))
          .isInstanceOf(InvalidEventException.class)
          .hasMessage(
              "event file " + file + " is not readable by this user; check its permissions");
    }

    @Test
    void largerThanAnyForgeSendsIsRefusedWithoutParsing() throws Exception {
      Path file = dir.resolve("huge.json");
      try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
        sparse.setLength(EventFiles.MAX_BYTES + 1L);
      }

      assertThatThrownBy(() -> EventFiles.load(file, "issues", NONE))
          .isInstanceOf(InvalidEventException.class)
          .hasMessage(
              "event file "
                  + file
                  + " is larger than 25 MiB, which no forge sends; pass the file Actions wrote to"
                  + " GITHUB_EVENT_PATH");
    }

    @Test
    void exactlyTheLimitIsReadAndThenParsed() throws Exception {
      Path file = dir.resolve("limit.json");
      try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
        sparse.setLength(EventFiles.MAX_BYTES);
      }

      // 25 MiB of NUL bytes: read in full, then refused by the parser, not by the size check.
      assertThatThrownBy(() -> EventFiles.load(file, "issues", NONE))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("event payload is not valid JSON");
    }

    @Test
    void emptyFile() throws Exception {
      Path file = payload("empty.json", new byte[0]);

      assertThatThrownBy(() -> EventFiles.load(file, "issues", NONE))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("event payload is empty");
    }

    @Test
    void theEventNameIsCheckedBeforeTheFile() {
      Path missing = dir.resolve("nope.json");

      assertThatThrownBy(() -> EventFiles.load(missing, "issue_comment", NONE))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("unsupported event `issue_comment`");
    }
  }

  @Nested
  class EventNames {

    @ParameterizedTest
    @EnumSource(EventName.class)
    void supported(EventName name) throws Exception {
      assertThat(EventFiles.eventName(name.id())).isEqualTo(name);
    }

    @Test
    void pullRequestTargetGetsItsOwnHint() {
      assertThatThrownBy(() -> EventFiles.eventName("pull_request_target"))
          .isInstanceOf(InvalidEventException.class)
          .hasMessage(
              "unsupported event `pull_request_target`: Hydra handles issues, pull_request, push,"
                  + " workflow_dispatch, schedule; pull_request_target runs fork code with"
                  + " secrets, use pull_request as Hydra's hydra-review.yml does");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(
        strings = {
          "issue_comment",
          "workflow_run",
          "Issues",
          "ISSUES",
          "issues ",
          "issue_label",
          "pull_request_label",
          "pull_request_review"
        })
    void unsupported(String name) {
      assertThatThrownBy(() -> EventFiles.eventName(name))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("unsupported event `" + name + "`: Hydra handles issues,")
          .hasMessageEndingWith("; check the workflow's `on:` block");
    }

    @ParameterizedTest(name = "[{index}] blank \"{0}\"")
    @ValueSource(strings = {"", " ", "\t"})
    void blank(String name) {
      assertThatThrownBy(() -> EventFiles.eventName(name))
          .isInstanceOf(InvalidEventException.class)
          .hasMessage(
              "no event name: pass --event-name NAME or set GITHUB_EVENT_NAME (one of issues,"
                  + " pull_request, push, workflow_dispatch, schedule)");
    }

    @Test
    void hostileNameIsEscaped() {
      assertThatThrownBy(() -> EventFiles.eventName("issues\n::add-mask::x"))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("unsupported event `issues\\u000A::add-mask::x`")
          .satisfies(e -> EventParserTest.assertClean(e.getMessage()));
    }
  }
}
