package dev.hydra.forge.local;

import static dev.hydra.forge.local.Demo.BRANCH;
import static dev.hydra.forge.local.Demo.REPO;
import static dev.hydra.forge.local.Demo.SHA_1;
import static dev.hydra.forge.local.Demo.SHA_2;
import static dev.hydra.forge.local.Demo.TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.ForgeUnauthorizedException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalForgeTest {

  static final String BUILD_QUEUED = "build:queued";
  static final String BUILD_RUNNING = "build:running";

  @TempDir Path dir;
  Demo demo;
  int issue;

  @BeforeEach
  void demo() throws ForgeException {
    demo = new Demo(dir);
    issue = demo.issue;
  }

  NewPullRequest newPull() {
    return new NewPullRequest(BRANCH, "main", "Add a /health endpoint", "Closes #" + issue);
  }

  JsonNode json(Path file) throws IOException {
    return Json.mapper().readTree(Files.readAllBytes(file));
  }

  Path issueFile(int number) {
    return demo.repoDir().resolve("issues").resolve(number + ".json");
  }

  Path pullFile(int number) {
    return demo.repoDir().resolve("pulls").resolve(number + ".json");
  }

  List<String> timeline() throws ForgeException {
    return LocalForges.timeline(dir, REPO);
  }

  @Nested
  class Identity {

    @Test
    void personasActAsTheirLoginFromPersonasJson() throws ForgeException {
      assertThat(demo.builder.currentUser()).isEqualTo("hydra-builder");
      assertThat(demo.builder.persona()).isEqualTo("builder");
      assertThat(demo.builder.type()).isEqualTo(ForgeType.GITHUB);
      assertThat(demo.mona.currentUser()).isEqualTo("mona");
      assertThat(LocalForge.forPersona(dir, "reviewer").currentUser()).isEqualTo("hydra-reviewer");
      assertThat(LocalForge.asUser(dir, "tri").persona()).isEqualTo("tri");
      assertThat(demo.builder.directory()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void aPersonaWithoutALoginFailsEveryCallAsABadTokenWould() {
      LocalForge stranger = demo.persona("designer");

      assertThatThrownBy(stranger::currentUser)
          .isInstanceOf(ForgeUnauthorizedException.class)
          .hasMessageContaining("persona designer has no login in")
          .hasMessageContaining("personas.json")
          .hasMessageContaining("\"designer\": \"hydra-designer\"");
      assertThatThrownBy(() -> stranger.issue(REPO, issue))
          .isInstanceOf(ForgeUnauthorizedException.class);
      assertThat(((ForgeException) catchThrowable(() -> stranger.issue(REPO, issue))).status())
          .hasValue(401);
    }

    @Test
    void invalidNamesAreRefusedAtConstruction() {
      assertThatThrownBy(() -> LocalForge.asUser(dir, "mona\nrm -rf"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\\u000A");
    }

    @Test
    void permissionsComeFromUsersJson() throws ForgeException {
      assertThat(demo.builder.tokenPermission(REPO)).isEqualTo(Permission.WRITE);
      assertThat(demo.mona.tokenPermission(REPO)).isEqualTo(Permission.ADMIN);
      assertThat(demo.builder.userPermission(REPO, "mona")).isEqualTo(Permission.ADMIN);
      assertThat(demo.builder.userPermission(REPO, "tri")).isEqualTo(Permission.TRIAGE);
      assertThat(demo.builder.userPermission(REPO, "nobody")).isEqualTo(Permission.NONE);
      assertThat(demo.user("nobody").tokenPermission(REPO)).isEqualTo(Permission.NONE);
    }

    @Test
    void aMissingRepositoryIsNotFoundWithTheFix() {
      RepoRef other = RepoRef.of("demo", "other");

      assertThatThrownBy(() -> demo.builder.issue(other, 1))
          .isInstanceOf(ForgeNotFoundException.class)
          .hasMessageContaining("no repository demo/other")
          .hasMessageContaining("LocalForges.init");
      assertThatThrownBy(() -> demo.builder.setLabels(other, 1, Set.of()))
          .isInstanceOf(ForgeNotFoundException.class);
      assertThatThrownBy(() -> demo.builder.tokenPermission(other))
          .isInstanceOf(ForgeNotFoundException.class);
    }

    @Test
    void writesNeedTheGrantAndTheMessageSaysWhereToGiveIt() {
      LocalForge nobody = demo.user("nobody");

      assertThatThrownBy(() -> nobody.comment(REPO, issue, "hi"))
          .isInstanceOf(ForgeForbiddenException.class)
          .hasMessageContaining("user nobody may not comment on #" + issue + " on demo/app")
          .hasMessageContaining("it has none access and that needs read or more")
          .hasMessageContaining("users.json (\"nobody\": \"read\")");
      assertThatThrownBy(() -> demo.tri.upsertLabel(REPO, new LabelSpec("x", "ffffff", "")))
          .isInstanceOf(ForgeForbiddenException.class)
          .hasMessageContaining("needs write");
      assertThatThrownBy(() -> demo.tri.openDraftPullRequest(REPO, newPull()))
          .isInstanceOf(ForgeForbiddenException.class);
      assertThatThrownBy(() -> demo.tri.pushBranch(REPO, "x", SHA_2))
          .isInstanceOf(ForgeForbiddenException.class);
    }
  }

  @Nested
  class Issues {

    @Test
    void readsTheIssueAsItIsNow() throws ForgeException {
      Issue read = demo.builder.issue(REPO, issue);

      assertThat(read.number()).isEqualTo(1);
      assertThat(read.title()).isEqualTo("Add a /health endpoint");
      assertThat(read.body()).contains("GET /health");
      assertThat(read.author()).isEqualTo("mona");
      assertThat(read.open()).isTrue();
      assertThat(read.pullRequest()).isFalse();
      assertThat(read.labels()).isEmpty();
    }

    @Test
    void aMissingIssueIsNotFoundNamingTheFiles() {
      assertThatThrownBy(() -> demo.builder.issue(REPO, 99))
          .isInstanceOf(ForgeNotFoundException.class)
          .hasMessageContaining("no issue or pull request #99 in demo/app")
          .hasMessageContaining("issues/99.json")
          .hasMessageContaining("pulls/99.json");
      assertThat(((ForgeException) catchThrowable(() -> demo.builder.issue(REPO, 99))).status())
          .hasValue(404);
    }

    @Test
    void issuesAndPullRequestsShareOneCounter() throws ForgeException {
      Issue second = demo.tri.createIssue(REPO, "Second", "");
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());
      Issue fourth = demo.mona.createIssue(REPO, "Fourth", "body");

      assertThat(List.of(second.number(), pull.number(), fourth.number())).containsExactly(2, 3, 4);
      assertThat(demo.builder.issue(REPO, 3).pullRequest()).isTrue();
      assertThat(demo.builder.issue(REPO, 3).author()).isEqualTo("hydra-builder");
    }

    @Test
    void aNumberIsNeverReusedEvenWhenTheCounterIsEditedDown() throws Exception {
      demo.tri.createIssue(REPO, "Second", "");
      Path repoJson = demo.store().repoFile(REPO);
      String edited =
          Files.readString(repoJson).replaceAll("\"next_number\" : \\d+", "\"next_number\" : 1");
      Files.writeString(repoJson, edited);

      assertThat(demo.tri.createIssue(REPO, "Third", "").number()).isEqualTo(3);
    }
  }

  @Nested
  class Labels {

    @Test
    void setLabelsReplacesTheSetAndRecordsEventsWithTheLogin() throws Exception {
      demo.mona.setLabels(REPO, issue, Set.of(TRIGGER));
      demo.builder.setLabels(REPO, issue, Set.of(BUILD_QUEUED));

      assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly(BUILD_QUEUED);
      JsonNode events = json(issueFile(issue)).get("label_events");
      assertThat(events).hasSize(3);
      assertThat(events.get(0).get("label").asText()).isEqualTo(TRIGGER);
      assertThat(events.get(0).get("action").asText()).isEqualTo("added");
      assertThat(events.get(0).get("actor").asText()).isEqualTo("mona");
      assertThat(events.get(1).get("label").asText()).isEqualTo(TRIGGER);
      assertThat(events.get(1).get("action").asText()).isEqualTo("removed");
      assertThat(events.get(1).get("actor").asText()).isEqualTo("hydra-builder");
      assertThat(events.get(2).get("label").asText()).isEqualTo(BUILD_QUEUED);
      assertThat(events.get(2).get("at").asText()).isEqualTo("2026-11-22T08:01:02Z");
    }

    @Test
    void anUnchangedSetWritesNothing() throws ForgeException {
      demo.builder.setLabels(REPO, issue, Set.of(BUILD_QUEUED));
      int lines = timeline().size();

      demo.builder.setLabels(REPO, issue, Set.of(BUILD_QUEUED));

      assertThat(timeline()).hasSize(lines);
      assertThat(demo.builder.lastLabeled(REPO, issue, BUILD_QUEUED).map(e -> e.actor()))
          .contains("hydra-builder");
    }

    @Test
    void lastLabeledByIsTheMostRecentLoginThatAddedTheLabel() throws ForgeException {
      demo.mona.addLabel(REPO, issue, TRIGGER);
      demo.builder.setLabels(REPO, issue, Set.of());
      demo.tri.addLabel(REPO, issue, TRIGGER);

      assertThat(demo.builder.lastLabeled(REPO, issue, TRIGGER).map(e -> e.actor()))
          .contains("tri");
      assertThat(demo.builder.lastLabeled(REPO, issue, "yolo")).isEmpty();
      assertThatThrownBy(() -> demo.builder.lastLabeled(REPO, 42, TRIGGER))
          .isInstanceOf(ForgeNotFoundException.class);
    }

    @Test
    void anUnknownLabelIsRefusedNamingTheLabelAndTheFix() {
      assertThatThrownBy(() -> demo.builder.setLabels(REPO, issue, Set.of("build:queud")))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining("label `build:queud` does not exist in the repository")
          .hasMessageContaining("seed the labels (Forge.upsertLabel")
          .hasMessageContaining("repo.json");
      assertThatThrownBy(() -> demo.builder.setLabels(REPO, issue, Set.of("Build:Queued")))
          .hasMessageContaining("(it has `build:queued`, which differs in case)");
      assertThatThrownBy(() -> demo.mona.addLabel(REPO, issue, "wip"))
          .hasMessageContaining("`wip`");
    }

    @Test
    void anUnknownLabelChangesNothing() throws ForgeException {
      demo.builder.setLabels(REPO, issue, Set.of(BUILD_QUEUED));

      assertThatThrownBy(() -> demo.builder.setLabels(REPO, issue, Set.of(BUILD_RUNNING, "nope")))
          .isInstanceOf(ForgeException.class);

      assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly(BUILD_QUEUED);
    }

    @Test
    void triageMayLabelButNotCreateLabels() throws ForgeException {
      demo.tri.setLabels(REPO, issue, Set.of("yolo"));

      assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly("yolo");
    }

    @Test
    void labelsOnPullRequestsToo() throws ForgeException {
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());

      demo.builder.setLabels(REPO, pull.number(), Set.of(BUILD_QUEUED));

      assertThat(demo.builder.issue(REPO, pull.number()).labels()).containsExactly(BUILD_QUEUED);
    }

    @Test
    void upsertCreatesUpdatesOrLeavesAlone() throws Exception {
      LabelSpec spec = new LabelSpec("wip", "ff0000", "work in progress");

      assertThat(demo.builder.upsertLabel(REPO, spec)).isTrue();
      assertThat(demo.builder.upsertLabel(REPO, spec)).isFalse();
      assertThat(demo.builder.upsertLabel(REPO, new LabelSpec("wip", "00ff00", "changed")))
          .isFalse();

      assertThat(demo.builder.labels(REPO)).contains(new LabelSpec("wip", "00ff00", "changed"));
      assertThat(demo.builder.labels(REPO).get(0).name()).isEqualTo(TRIGGER);
      assertThat(timeline())
          .containsSubsequence(
              "08:01:02 builder   label created wip #ff0000",
              "08:01:02 builder   label updated wip #00ff00");
      assertThat(timeline().stream().filter(l -> l.contains(" wip ")).count()).isEqualTo(2);
    }

    @Test
    void replaceLabelsIfWritesOnlyWhenTheLabelsAreTheExpectedOnes() throws ForgeException {
      demo.builder.setLabels(REPO, issue, Set.of(BUILD_QUEUED, "yolo"));

      boolean stale =
          demo.builder.replaceLabelsIf(
              REPO, issue, Set.of(BUILD_QUEUED), Set.of(BUILD_RUNNING, "yolo"));
      boolean claimed =
          demo.builder.replaceLabelsIf(
              REPO, issue, Set.of("yolo", BUILD_QUEUED), Set.of(BUILD_RUNNING, "yolo"));
      boolean again =
          demo.builder.replaceLabelsIf(
              REPO, issue, Set.of("yolo", BUILD_QUEUED), Set.of(BUILD_RUNNING, "yolo"));

      assertThat(List.of(stale, claimed, again)).containsExactly(false, true, false);
      assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly("yolo", BUILD_RUNNING);
    }

    @Test
    void replaceLabelsIfRefusesUnknownLabelsEvenWhenStale() {
      assertThatThrownBy(() -> demo.builder.replaceLabelsIf(REPO, issue, Set.of("x"), Set.of("y")))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining("`y`");
    }

    @Test
    void addLabelKeepsTheOthers() throws ForgeException {
      demo.builder.setLabels(REPO, issue, Set.of(BUILD_QUEUED));

      assertThat(demo.mona.addLabel(REPO, issue, "yolo")).isTrue();
      assertThat(demo.mona.addLabel(REPO, issue, "yolo")).isFalse();

      assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly(BUILD_QUEUED, "yolo");
    }
  }

  @Nested
  class Comments {

    static final String MARKER = "<!-- hydra:progress -->";

    @Test
    void postFindAndEditInPlace() throws Exception {
      Comment posted = demo.builder.comment(REPO, issue, MARKER + "\nbuild queued");
      demo.reviewer.comment(REPO, issue, MARKER + "\nnot the builder's");

      Optional<Comment> found = demo.builder.findComment(REPO, issue, MARKER, "hydra-builder");
      demo.builder.editComment(REPO, posted.id(), MARKER + "\nbuild running");

      assertThat(found).contains(posted);
      assertThat(posted.author()).isEqualTo("hydra-builder");
      JsonNode comments = json(issueFile(issue)).get("comments");
      assertThat(comments).hasSize(2);
      assertThat(comments.get(0).get("id").asLong()).isEqualTo(posted.id());
      assertThat(comments.get(0).get("body").asText()).isEqualTo(MARKER + "\nbuild running");
      assertThat(demo.builder.findComment(REPO, issue, MARKER, "hydra-builder").orElseThrow())
          .isEqualTo(new Comment(posted.id(), "hydra-builder", MARKER + "\nbuild running"));
      assertThat(demo.builder.findComment(REPO, issue, "<!-- other -->", "hydra-builder"))
          .isEmpty();
      assertThat(demo.builder.findComment(REPO, issue, MARKER, "mona")).isEmpty();
    }

    @Test
    void theAuthorIsMatchedIgnoringCaseAndTheNewestMarkedCommentWins() throws Exception {
      demo.builder.comment(REPO, issue, MARKER + "\nolder");
      Comment newer = demo.builder.comment(REPO, issue, MARKER + "\nnewer");

      // Logins are case-insensitive on GitHub and Forgejo; the local forge answers the same way.
      assertThat(demo.builder.findComment(REPO, issue, MARKER, "Hydra-Builder")).contains(newer);
    }

    @Test
    void idsAreUniqueInTheRepositoryAndCommentsWorkOnPullRequests() throws ForgeException {
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());

      Comment a = demo.builder.comment(REPO, issue, "a");
      Comment b = demo.builder.comment(REPO, pull.number(), "b");
      Comment c = demo.tri.comment(REPO, issue, "c");

      assertThat(List.of(a.id(), b.id(), c.id())).containsExactly(1L, 2L, 3L);
      demo.builder.editComment(REPO, b.id(), "b, edited");
      assertThat(demo.builder.findComment(REPO, pull.number(), "edited", "hydra-builder"))
          .isPresent();
    }

    @Test
    void anUnchangedEditWritesNothing() throws ForgeException {
      Comment posted = demo.builder.comment(REPO, issue, "same");
      int lines = timeline().size();

      demo.builder.editComment(REPO, posted.id(), "same");

      assertThat(timeline()).hasSize(lines);
    }

    @Test
    void editingAnotherUsersCommentNeedsWrite() throws ForgeException {
      Comment posted = demo.builder.comment(REPO, issue, "mine");

      assertThatThrownBy(() -> demo.tri.editComment(REPO, posted.id(), "yours now"))
          .isInstanceOf(ForgeForbiddenException.class)
          .hasMessageContaining("edit another user's comment");
      demo.mona.editComment(REPO, posted.id(), "moderated");
      assertThat(demo.builder.findComment(REPO, issue, "moderated", "hydra-builder")).isPresent();
    }

    @Test
    void missingCommentsAndIssues() {
      assertThatThrownBy(() -> demo.builder.editComment(REPO, 77, "x"))
          .isInstanceOf(ForgeNotFoundException.class)
          .hasMessageContaining("no comment with id 77 in demo/app");
      assertThatThrownBy(() -> demo.builder.comment(REPO, 9, "x"))
          .isInstanceOf(ForgeNotFoundException.class);
      assertThatThrownBy(() -> demo.builder.findComment(REPO, 9, "x", "y"))
          .isInstanceOf(ForgeNotFoundException.class);
    }
  }

  @Nested
  class PullRequests {

    @Test
    void opensADraftFromThePushedBranch() throws Exception {
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());

      assertThat(pull.number()).isEqualTo(2);
      assertThat(pull.draft()).isTrue();
      assertThat(pull.open()).isTrue();
      assertThat(pull.merged()).isFalse();
      assertThat(pull.head()).isEqualTo(BRANCH);
      assertThat(pull.headSha()).isEqualTo(SHA_1);
      assertThat(pull.base()).isEqualTo("main");
      assertThat(pull.body()).isEqualTo("Closes #1");
      assertThat(pull.url()).startsWith("file:").endsWith("/repos/demo/app/pulls/2.json");
      assertThat(demo.builder.findPullRequest(REPO, BRANCH)).contains(pull);
      assertThat(demo.builder.findPullRequest(REPO, "hydra/2-other")).isEmpty();
      JsonNode file = json(pullFile(2));
      assertThat(file.get("head_sha").asText()).isEqualTo(SHA_1);
      assertThat(file.get("author").asText()).isEqualTo("hydra-builder");
    }

    @Test
    void aSecondOpenForTheSameHeadReturnsTheFirst() throws Exception {
      PullRequest first = demo.builder.openDraftPullRequest(REPO, newPull());
      int lines = timeline().size();

      PullRequest second =
          demo.builder.openDraftPullRequest(
              REPO, new NewPullRequest(BRANCH, "main", "Another title", "Closes #1"));

      assertThat(second).isEqualTo(first);
      try (var files = Files.list(demo.repoDir().resolve("pulls"))) {
        assertThat(files.filter(f -> f.toString().endsWith(".json"))).hasSize(1);
      }
      assertThat(timeline()).hasSize(lines);
    }

    @Test
    void theHeadMustExistAndCarryCommits() throws ForgeException {
      assertThatThrownBy(
              () ->
                  demo.builder.openDraftPullRequest(
                      REPO, new NewPullRequest("hydra/9-nothing", "main", "t", "")))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining("head branch `hydra/9-nothing` does not exist")
          .hasMessageContaining("LocalForge.pushBranch");
      assertThatThrownBy(
              () ->
                  demo.builder.openDraftPullRequest(
                      REPO, new NewPullRequest(BRANCH, "develop", "t", "")))
          .hasMessageContaining("base branch `develop` does not exist");
      String mainSha = LocalForges.initialCommit(REPO, "main");
      demo.builder.pushBranch(REPO, "hydra/3-empty", mainSha);
      assertThatThrownBy(
              () ->
                  demo.builder.openDraftPullRequest(
                      REPO, new NewPullRequest("hydra/3-empty", "main", "t", "")))
          .hasMessageContaining("no commits between `main` and `hydra/3-empty`");
    }

    @Test
    void readyForReviewOnceAndOnlyWhileOpen() throws ForgeException {
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());

      demo.builder.markReadyForReview(REPO, pull);
      demo.builder.markReadyForReview(REPO, pull);

      assertThat(demo.builder.findPullRequest(REPO, BRANCH).orElseThrow().draft()).isFalse();
      assertThat(timeline().stream().filter(l -> l.contains("ready for review")).count())
          .isEqualTo(1);
      assertThatThrownBy(() -> demo.tri.markReadyForReview(REPO, pull))
          .isInstanceOf(ForgeForbiddenException.class);
    }

    @Test
    void aPushMovesTheOpenPullRequestsHead() throws ForgeException {
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());

      demo.builder.pushBranch(REPO, BRANCH, SHA_2);

      assertThat(demo.builder.findPullRequest(REPO, BRANCH).orElseThrow().headSha())
          .isEqualTo(SHA_2);
      assertThat(timeline())
          .contains(
              "08:01:02 builder   push "
                  + BRANCH
                  + " 2222222 (PR #"
                  + pull.number()
                  + " head moved)");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "abc",
          "1111111111111111111111111111111111111111 ",
          "GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG"
        })
    void pushRefusesWhatIsNotACommit(String sha) {
      assertThatThrownBy(() -> demo.builder.pushBranch(REPO, BRANCH, sha))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Merging {

    PullRequest pull;

    @BeforeEach
    void open() throws ForgeException {
      pull = demo.builder.openDraftPullRequest(REPO, newPull());
    }

    @Test
    void aDraftIsNeverMerged() {
      assertThatThrownBy(() -> demo.mona.merge(REPO, pull.number(), SHA_1))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining("merge of pull request demo/app#2 as user mona refused")
          .hasMessageContaining("it is a draft; mark it ready for review first");
    }

    @Test
    void onlyAtTheHeadThatWasReviewed() throws ForgeException {
      demo.builder.markReadyForReview(REPO, pull);
      demo.builder.pushBranch(REPO, BRANCH, SHA_2);

      assertThatThrownBy(() -> demo.mona.merge(REPO, pull.number(), SHA_1))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining("its head is " + SHA_2 + ", not " + SHA_1)
          .hasMessageContaining("read it again and decide again");
      assertThat(demo.builder.issue(REPO, pull.number()).open()).isTrue();
    }

    @Test
    void mergesAndClosesTheIssueItNames() throws Exception {
      demo.builder.markReadyForReview(REPO, pull);

      demo.mona.merge(REPO, pull.number(), SHA_1);

      assertThat(demo.builder.issue(REPO, pull.number()).open()).isFalse();
      JsonNode file = json(pullFile(pull.number()));
      assertThat(file.get("merged").asBoolean()).isTrue();
      assertThat(file.get("open").asBoolean()).isFalse();
      assertThat(demo.builder.issue(REPO, issue).open()).isFalse();
      assertThat(json(demo.store().repoFile(REPO)).get("branches").get("main").asText())
          .isEqualTo(SHA_1);
      assertThat(demo.builder.findPullRequest(REPO, BRANCH)).isEmpty();
      assertThat(timeline())
          .endsWith(
              "08:01:02 mona      merge PR #2 1111111 into main",
              "08:01:02 mona      close issue #1 (PR #2 merged)");
      assertThatThrownBy(() -> demo.mona.merge(REPO, pull.number(), SHA_1))
          .hasMessageContaining("it is already merged");
    }

    @Test
    void mergingNeedsWrite() throws ForgeException {
      demo.builder.markReadyForReview(REPO, pull);

      assertThatThrownBy(() -> demo.tri.merge(REPO, pull.number(), SHA_1))
          .isInstanceOf(ForgeForbiddenException.class);
    }

    @Test
    void branchProtectionRequiresApprovalsFromWriters() throws Exception {
      demo.builder.markReadyForReview(REPO, pull);
      Path repoJson = demo.store().repoFile(REPO);
      Files.writeString(
          repoJson,
          Files.readString(repoJson)
              .replace("\"required_approvals\" : 0", "\"required_approvals\" : 1"));
      demo.tri.review(REPO, pull.number(), review(Review.Event.APPROVE));

      assertThatThrownBy(() -> demo.mona.merge(REPO, pull.number(), SHA_1))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining("requires 1 approving review(s) from users with write access")
          .hasMessageContaining("it has 0");

      demo.reviewer.review(REPO, pull.number(), review(Review.Event.REQUEST_CHANGES));
      demo.security.review(REPO, pull.number(), review(Review.Event.APPROVE));
      assertThatThrownBy(() -> demo.mona.merge(REPO, pull.number(), SHA_1))
          .hasMessageContaining("changes requested");

      demo.reviewer.review(REPO, pull.number(), review(Review.Event.APPROVE));
      demo.mona.merge(REPO, pull.number(), SHA_1);
      assertThat(json(pullFile(pull.number())).get("merged").asBoolean()).isTrue();
    }

    @Test
    void closedAndIssueNumbersAreRefused() {
      assertThatThrownBy(() -> demo.mona.merge(REPO, issue, SHA_1))
          .isInstanceOf(ForgeNotFoundException.class)
          .hasMessageContaining("#1 in demo/app is an issue, not a pull request");
      assertThatThrownBy(() -> demo.mona.merge(REPO, 50, SHA_1))
          .isInstanceOf(ForgeNotFoundException.class);
    }
  }

  static Review review(Review.Event event) {
    return new Review(event, "summary", SHA_1, List.of());
  }

  @Nested
  class Reviews {

    PullRequest pull;

    @BeforeEach
    void open() throws ForgeException {
      pull = demo.builder.openDraftPullRequest(REPO, newPull());
    }

    @Test
    void recordsWhatIsPostedWithInlineComments() throws Exception {
      Review review =
          new Review(
              Review.Event.REQUEST_CHANGES,
              "Two problems.\nDetails below.",
              SHA_1,
              List.of(
                  new Review.InlineComment("src/Health.java", 12, "handle HEAD"),
                  new Review.InlineComment("README.md", 3, "document it")));

      demo.reviewer.review(REPO, pull.number(), review);
      demo.security.review(REPO, pull.number(), review(Review.Event.APPROVE));

      JsonNode reviews = json(pullFile(pull.number())).get("reviews");
      assertThat(reviews).hasSize(2);
      assertThat(reviews.get(0).get("author").asText()).isEqualTo("hydra-reviewer");
      assertThat(reviews.get(0).get("event").asText()).isEqualTo("REQUEST_CHANGES");
      assertThat(reviews.get(0).get("commit").asText()).isEqualTo(SHA_1);
      assertThat(reviews.get(0).get("comments").get(1).get("path").asText()).isEqualTo("README.md");
      assertThat(reviews.get(0).get("comments").get(1).get("line").asInt()).isEqualTo(3);
      assertThat(reviews.get(1).get("event").asText()).isEqualTo("APPROVE");
      assertThat(timeline())
          .contains(
              "08:01:02 reviewer  review PR #2 REQUEST_CHANGES at 1111111 (2 inline comments):"
                  + " `Two problems.`");
    }

    @Test
    void theAuthorMayCommentButNotApproveOrRequestChanges() throws ForgeException {
      demo.builder.review(REPO, pull.number(), review(Review.Event.COMMENT));

      assertThatThrownBy(
              () -> demo.builder.review(REPO, pull.number(), review(Review.Event.APPROVE)))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining(
              "persona builder (login hydra-builder) cannot approve its own pull request")
          .hasMessageContaining("review as another persona");
      assertThatThrownBy(
              () -> demo.builder.review(REPO, pull.number(), review(Review.Event.REQUEST_CHANGES)))
          .hasMessageContaining("cannot request changes on its own pull request");
    }

    @Test
    void anIssueCannotBeReviewed() {
      assertThatThrownBy(() -> demo.reviewer.review(REPO, issue, review(Review.Event.COMMENT)))
          .isInstanceOf(ForgeNotFoundException.class);
    }
  }

  @Nested
  class Statuses {

    @Test
    void attachToThePullRequestsWhoseHeadIsTheCommit() throws Exception {
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());

      demo.reviewer.commitStatus(
          REPO,
          SHA_1,
          new CommitStatus(
              CommitStatus.State.SUCCESS, "hydra/code-review", "no findings", "https://x.test/1"));

      JsonNode status = json(pullFile(pull.number())).get("statuses").get(0);
      assertThat(status.get("state").asText()).isEqualTo("success");
      assertThat(status.get("context").asText()).isEqualTo("hydra/code-review");
      assertThat(status.get("target_url").asText()).isEqualTo("https://x.test/1");
      assertThat(status.get("author").asText()).isEqualTo("hydra-reviewer");
      assertThat(timeline())
          .contains("08:01:02 reviewer  status 1111111 hydra/code-review success (PR #2)");
    }

    @Test
    void anUnknownCommitIsRefused() {
      assertThatThrownBy(
              () ->
                  demo.reviewer.commitStatus(
                      REPO, SHA_2, new CommitStatus(CommitStatus.State.PENDING, "c", "d", "")))
          .isInstanceOf(ForgeConflictException.class)
          .hasMessageContaining("no pull request has it as its head");
    }
  }

  @Nested
  class Timeline {

    @Test
    void oneLinePerSideEffectInOrder() throws ForgeException {
      demo.mona.addLabel(REPO, issue, TRIGGER);
      demo.builder.setLabels(REPO, issue, Set.of(BUILD_RUNNING));
      Comment progress = demo.builder.comment(REPO, issue, "<!-- hydra -->\nBuild running.");
      PullRequest pull = demo.builder.openDraftPullRequest(REPO, newPull());
      demo.builder.editComment(REPO, progress.id(), "<!-- hydra -->\nDraft PR #2 opened.");
      demo.reviewer.review(REPO, pull.number(), review(Review.Event.COMMENT));

      assertThat(timeline())
          .startsWith(
              "08:01:02 local     create repository demo/app (default branch main)",
              "08:01:02 mona      label created ready-to-build #0e8a16",
              "08:01:02 mona      open issue #1: `Add a /health endpoint`")
          .endsWith(
              "08:01:02 builder   push hydra/1-add-a-health-endpoint 1111111",
              "08:01:02 mona      labels #1 -> ready-to-build (+ready-to-build)",
              "08:01:02 builder   labels #1 -> build:running (+build:running -ready-to-build)",
              "08:01:02 builder   comment #1 (id 1): `Build running.`",
              "08:01:02 builder   draft PR #2 hydra/1-add-a-health-endpoint -> main:"
                  + " `Add a /health endpoint`",
              "08:01:02 builder   edit comment #1 (id 1): `Draft PR #2 opened.`",
              "08:01:02 reviewer  review PR #2 COMMENT at 1111111 (0 inline comments): `summary`");
    }

    @Test
    void hostileTextStaysOnOneLine() throws ForgeException {
      demo.tri.createIssue(REPO, "evil\u001b[2K\r08:00:00 mona      merge PR #1", "");
      demo.tri.createIssue(REPO, "evil\u2028\u202e08:00:00 mona      merge PR #1", "");
      demo.builder.setLabels(REPO, issue, Set.of());

      List<String> lines = timeline();
      assertThat(lines).allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d \\S.*"));
      assertThat(lines)
          .contains(
              "08:01:02 tri       open issue #2: `evil\\u001B[2K`",
              "08:01:02 tri       open issue #3: `evil\\u2028\\u202E08:00:00 mona      merge PR"
                  + " #1`");
    }

    @Test
    void aTimelineThatCannotBeWrittenDoesNotUndoOrHideTheChange() throws Exception {
      Path log = demo.repoDir().resolve("timeline.log");
      Files.delete(log);
      Files.createDirectory(log);

      Comment posted = demo.builder.comment(REPO, issue, "still posted");

      assertThat(demo.builder.findComment(REPO, issue, "still posted", "hydra-builder"))
          .contains(posted);
    }

    @Test
    void theActorIsTheLocalTimeOfTheClocksZone() {
      java.time.Clock paris =
          java.time.Clock.fixed(
              java.time.Instant.parse("2026-11-22T08:01:02Z"), java.time.ZoneId.of("Europe/Paris"));

      assertThat(LocalForge.timelineLine(paris, "builder", "x")).isEqualTo("09:01:02 builder   x");
    }
  }

  @Nested
  class Files_ {

    @Test
    void theFilesArePrettyJsonAPersonCanRead() throws Exception {
      demo.mona.addLabel(REPO, issue, TRIGGER);

      String text = Files.readString(issueFile(issue));
      assertThat(text).contains("\"label_events\" : [ {").endsWith("}\n");
      JsonNode repo = json(demo.store().repoFile(REPO));
      assertThat(repo.get("default_branch").asText()).isEqualTo("main");
      assertThat(repo.get("next_number").asInt()).isEqualTo(2);
      assertThat(json(demo.store().usersFile(REPO)).get("mona").asText()).isEqualTo("admin");
      assertThat(json(demo.store().personasFile()).get("builder").asText())
          .isEqualTo("hydra-builder");
    }

    @Test
    void corruptJsonIsReportedNamingTheFile() throws Exception {
      Files.writeString(issueFile(issue), "{ \"title\": \"half", StandardCharsets.UTF_8);

      assertThatThrownBy(() -> demo.builder.issue(REPO, issue))
          .isInstanceOf(ForgeException.class)
          .hasMessageContaining(issueFile(issue).toString())
          .hasMessageContaining("is not a valid issue")
          .hasMessageContaining("line 1")
          .hasMessageContaining("fix the file by hand");
    }

    @Test
    void aMissingRequiredFieldIsNamed() throws Exception {
      Files.writeString(issueFile(issue), "{\"author\": \"mona\", \"open\": true}");

      assertThatThrownBy(() -> demo.builder.issue(REPO, issue))
          .hasMessageContaining("is not a valid issue")
          .hasMessageContaining("'title'");
    }

    @Test
    void aNullFileIsReported() throws Exception {
      Files.writeString(issueFile(issue), "null");

      assertThatThrownBy(() -> demo.builder.issue(REPO, issue))
          .hasMessageContaining("it holds null, not an object");
    }

    @Test
    void aBadLabelColourOrEventIsReported() throws Exception {
      Path repoJson = demo.store().repoFile(REPO);
      Files.writeString(repoJson, Files.readString(repoJson).replaceFirst("ededed", "green!"));

      assertThatThrownBy(() -> demo.builder.labels(REPO))
          .hasMessageContaining(repoJson.toString())
          .hasMessageContaining("six lower-case hex digits");
    }

    @Test
    void aBadPermissionIsReported() throws Exception {
      Files.writeString(demo.store().usersFile(REPO), "{\"mona\": \"owner\"}");

      assertThatThrownBy(() -> demo.builder.userPermission(REPO, "mona"))
          .hasMessageContaining("users.json is not a valid users file")
          .hasMessageContaining("the permission of `mona` is `owner`")
          .hasMessageContaining("use none, read, triage, write, maintain or admin");
    }

    @Test
    void bothAnIssueAndAPullWithOneNumberIsReported() throws Exception {
      int pull = demo.builder.openDraftPullRequest(REPO, newPull()).number();
      Files.copy(issueFile(issue), issueFile(pull));

      assertThatThrownBy(() -> demo.builder.issue(REPO, pull))
          .hasMessageContaining("a number is either an issue or a pull request");
    }

    @Test
    void strayTemporaryFilesFromACrashAreIgnored() throws Exception {
      Files.writeString(demo.repoDir().resolve("issues/.1.json.0000.tmp"), "{\"tit");
      Files.writeString(demo.repoDir().resolve("pulls/.5.json.0000.tmp"), "");

      assertThat(demo.tri.createIssue(REPO, "next", "").number()).isEqualTo(2);
      assertThat(demo.builder.findPullRequest(REPO, BRANCH)).isEmpty();
    }

    @Test
    void handWrittenFilesMayLeaveListsOut() throws Exception {
      Files.writeString(
          issueFile(issue), "{\"title\": \"t\", \"author\": \"mona\", \"open\": true}");

      demo.builder.setLabels(REPO, issue, Set.of(BUILD_QUEUED));

      assertThat(demo.builder.issue(REPO, issue).labels()).containsExactly(BUILD_QUEUED);
      assertThat(demo.builder.issue(REPO, issue).body()).isEmpty();
    }
  }
}
