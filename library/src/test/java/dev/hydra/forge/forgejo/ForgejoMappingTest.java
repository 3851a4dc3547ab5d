package dev.hydra.forge.forgejo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.Permission;
import dev.hydra.forge.Review;
import dev.hydra.forge.forgejo.client.model.Label;
import dev.hydra.forge.forgejo.client.model.TimelineComment;
import dev.hydra.forge.forgejo.client.model.User;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForgejoMappingTest {

  @Test
  void approvalIsSpelledApproved() {
    assertThat(ForgejoMapping.event(Review.Event.APPROVE)).isEqualTo("APPROVED");
    assertThat(ForgejoMapping.event(Review.Event.COMMENT)).isEqualTo("COMMENT");
    assertThat(ForgejoMapping.event(Review.Event.REQUEST_CHANGES)).isEqualTo("REQUEST_CHANGES");
  }

  @ParameterizedTest
  @CsvSource({
    "owner, ADMIN",
    "admin, ADMIN",
    "write, WRITE",
    "read, READ",
    "none, NONE",
    "maintain, NONE"
  })
  void permissionWords(String word, Permission expected) {
    assertThat(ForgejoMapping.permission(word)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "Add a greeting, WIP: Add a greeting",
    "WIP: Add a greeting, WIP: Add a greeting",
    "[WIP] Add a greeting, [WIP] Add a greeting",
    "wip: lower, wip: lower"
  })
  void draftTitles(String title, String draft) {
    assertThat(ForgejoMapping.draftTitle(title)).isEqualTo(draft);
  }

  @ParameterizedTest
  @CsvSource({
    "WIP: Add a greeting, Add a greeting",
    "[WIP] Add a greeting, Add a greeting",
    "WIP: [WIP] both, both",
    "Add a greeting, Add a greeting",
    "Wipe the cache, Wipe the cache"
  })
  void readyTitles(String title, String ready) {
    assertThat(ForgejoMapping.withoutWipPrefix(title)).isEqualTo(ready);
  }

  static TimelineComment item(String type, String body, String who, String label) {
    return new TimelineComment()
        .type(type)
        .body(body)
        .user(new User().login(who))
        .label(new Label().name(label))
        .createdAt(java.time.OffsetDateTime.parse("2026-11-20T10:00:00+01:00"));
  }

  @Test
  void lastLabeledReadsAddedLabelsOnly() {
    List<TimelineComment> timeline =
        List.of(
            item("label", "1", "alice", "ready-to-build"),
            item("label", "", "bob", "ready-to-build"),
            item("comment", "1", "carol", "ready-to-build"),
            item("label", "1", "dave", "yolo"));
    assertThat(ForgejoMapping.lastLabeled(timeline, "ready-to-build"))
        .contains(LabelEvent.byUser("alice", java.time.Instant.parse("2026-11-20T09:00:00Z")));
    assertThat(ForgejoMapping.lastLabeled(timeline, "yolo").map(LabelEvent::actor))
        .contains("dave");
    assertThat(ForgejoMapping.lastLabeled(timeline, "done")).isEmpty();
  }
}
