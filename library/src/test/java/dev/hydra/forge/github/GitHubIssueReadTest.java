package dev.hydra.forge.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.hydra.forge.Comment;
import dev.hydra.forge.Permission;
import dev.hydra.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubIssueReadTest {

  static GitHubIssueRead.Read read(String json) throws Exception {
    return GitHubIssueRead.read(
        Json.mapper().readValue(json, new TypeReference<GitHubIssueRead.Answer>() {}));
  }

  static String answer(String permission, String item) {
    return "{\"data\":{\"repository\":{\"viewerPermission\":"
        + permission
        + ",\"issueOrPullRequest\":"
        + item
        + "}}}";
  }

  static final String ISSUE =
      "{\"__typename\":\"Issue\",\"number\":7,\"title\":\"T\",\"body\":\"B\",\"state\":\"OPEN\","
          + "\"author\":{\"login\":\"alice\"},"
          + "\"labels\":{\"totalCount\":1,\"nodes\":[{\"name\":\"ready-to-build\"}]},"
          + "\"comments\":{\"totalCount\":2,\"nodes\":["
          + "{\"fullDatabaseId\":\"3000000001\",\"body\":\"first\",\"author\":{\"login\":\"bob\"}},"
          + "{\"fullDatabaseId\":\"3000000002\",\"body\":\"second\",\"author\":null}]}}";

  @Test
  void anIssueWithItsPermissionAndComments() throws Exception {
    GitHubIssueRead.Read read = read(answer("\"WRITE\"", ISSUE));
    assertThat(read.issue())
        .hasValueSatisfying(
            issue -> {
              assertThat(issue.number()).isEqualTo(7);
              assertThat(issue.open()).isTrue();
              assertThat(issue.pullRequest()).isFalse();
              assertThat(issue.author()).isEqualTo("alice");
              assertThat(issue.labels()).containsExactly("ready-to-build");
            });
    assertThat(read.permission()).contains(Permission.WRITE);
    assertThat(read.comments())
        .contains(
            List.of(
                new Comment(3000000001L, "bob", "first"), new Comment(3000000002L, "", "second")));
  }

  @Test
  void morePagesThanOneAnswerSendTheCallerToRest() throws Exception {
    String many =
        ISSUE
            .replace("\"totalCount\":1", "\"totalCount\":101")
            .replace("\"totalCount\":2", "\"totalCount\":250");
    GitHubIssueRead.Read read = read(answer("\"READ\"", many));
    assertThat(read.issue()).as("labels beyond one page: REST").isEmpty();
    assertThat(read.comments()).as("comments beyond one page: listed when asked").isEmpty();
    assertThat(read.permission()).contains(Permission.READ);
  }

  @Test
  void errorsOrNoItemAreReadAgainWithRest() throws Exception {
    assertThat(read("{\"data\":null,\"errors\":[{\"type\":\"NOT_FOUND\"}]}").issue()).isEmpty();
    GitHubIssueRead.Read missing = read(answer("\"ADMIN\"", "null"));
    assertThat(missing.issue()).isEmpty();
    assertThat(missing.permission()).as("still the token's own").contains(Permission.ADMIN);
  }

  @ParameterizedTest
  @CsvSource({"ADMIN,ADMIN", "MAINTAIN,WRITE", "WRITE,WRITE", "TRIAGE,READ", "READ,READ"})
  void viewerPermissionReadsAsTheRepositorysPermissions(String viewer, Permission expected) {
    assertThat(GitHubIssueRead.permission(viewer)).contains(expected);
  }

  @Test
  void anUnknownOrMissingPermissionIsAskedAgain() {
    assertThat(GitHubIssueRead.permission(null)).isEmpty();
    assertThat(GitHubIssueRead.permission("OWNER")).isEmpty();
  }

  static String withEdge(String edges, String errors) {
    return "{\"data\":{\"repository\":{\"viewerPermission\":\"WRITE\",\"collaborators\":"
        + edges
        + ",\"issueOrPullRequest\":"
        + ISSUE
        + "}}"
        + errors
        + "}";
  }

  static String edge(String permission, String login) {
    return "{\"edges\":[{\"permission\":\""
        + permission
        + "\",\"node\":{\"login\":\""
        + login
        + "\"}}]}";
  }

  @ParameterizedTest
  @CsvSource({"ADMIN,ADMIN", "MAINTAIN,WRITE", "WRITE,WRITE"})
  void aSendersEdgeThatGrantsWriteIsTheirPermission(String edge, Permission expected)
      throws Exception {
    GitHubIssueRead.Read read =
        GitHubIssueRead.read(answer(withEdge(edge(edge, "Alice"), "")), "alice");
    assertThat(read.sender()).as("logins are case-insensitive").contains(expected);
    assertThat(read.issue()).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRIAGE", "READ", "SOMETHING_NEW"})
  void anEdgeBelowWriteDoesNotStandForRest(String edge) throws Exception {
    // The organisation's base permission has no edge and may be higher: REST decides.
    assertThat(GitHubIssueRead.read(answer(withEdge(edge(edge, "alice"), "")), "alice").sender())
        .isEmpty();
  }

  @Test
  void noEdgeAnotherLoginOrNoSenderAskedIsNoAnswer() throws Exception {
    assertThat(GitHubIssueRead.read(answer(withEdge("{\"edges\":[]}", "")), "alice").sender())
        .isEmpty();
    assertThat(GitHubIssueRead.read(answer(withEdge(edge("WRITE", "bob"), "")), "alice").sender())
        .isEmpty();
    assertThat(GitHubIssueRead.read(answer(withEdge(edge("WRITE", "alice"), ""))).sender())
        .isEmpty();
  }

  @Test
  void aRefusedCollaboratorsFieldLeavesTheIssueRead() throws Exception {
    String refused =
        ",\"errors\":[{\"type\":\"FORBIDDEN\",\"message\":\"Must have push access\","
            + "\"path\":[\"repository\",\"collaborators\"]}]";
    GitHubIssueRead.Read read = GitHubIssueRead.read(answer(withEdge("null", refused)), "alice");
    assertThat(read.issue()).as("the error concerns the collaborators only").isPresent();
    assertThat(read.sender()).isEmpty();
    String other =
        ",\"errors\":[{\"type\":\"FORBIDDEN\",\"path\":[\"repository\",\"issueOrPullRequest\"]}]";
    assertThat(GitHubIssueRead.read(answer(withEdge("null", other)), "alice").issue()).isEmpty();
    String whole = ",\"errors\":[{\"type\":\"INTERNAL\"}]";
    assertThat(GitHubIssueRead.read(answer(withEdge("null", whole)), "alice").issue()).isEmpty();
  }

  static GitHubIssueRead.Answer answer(String json) throws Exception {
    return Json.mapper().readValue(json, new TypeReference<GitHubIssueRead.Answer>() {});
  }

  @Test
  void theQueryAsksTheSendersEdgeOnlyWhenGivenOne() {
    assertThat(GitHubIssueRead.body("acme", "shop", 7).get("query"))
        .asString()
        .doesNotContain("collaborators");
    assertThat(GitHubIssueRead.body("acme", "shop", 7, "alice"))
        .containsEntry("query", GitHubIssueRead.QUERY_WITH_SENDER)
        .extractingByKey("variables")
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("sender", "alice");
    assertThat(GitHubIssueRead.QUERY_WITH_SENDER)
        .contains("$sender: String!", "collaborators(login: $sender, first: 1)", "permission");
  }
}
