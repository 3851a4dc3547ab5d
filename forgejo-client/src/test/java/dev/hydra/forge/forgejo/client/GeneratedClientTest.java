package dev.hydra.forge.forgejo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hydra.forge.forgejo.client.api.IssueApi;
import dev.hydra.forge.forgejo.client.api.MiscellaneousApi;
import dev.hydra.forge.forgejo.client.api.RepositoryApi;
import dev.hydra.forge.forgejo.client.api.UserApi;
import dev.hydra.forge.forgejo.client.invoker.ApiClient;
import dev.hydra.forge.forgejo.client.model.CreatePullReviewOptions;
import dev.hydra.forge.forgejo.client.model.EditPullRequestOption;
import dev.hydra.forge.forgejo.client.model.IssueLabelsOption;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves that the client generated from the subset is usable as the Forgejo adapter will use it. No
 * request leaves the JVM: the request interceptor records the built request and then aborts.
 */
class GeneratedClientTest {

  /** Thrown by the recording interceptor so that nothing is sent. */
  static final class NotSent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotSent() {
      super("request recorded, not sent", null, false, false);
    }
  }

  private static ApiClient client(String token, List<HttpRequest> recorded) {
    ApiClient client = new ApiClient();
    // The spec has no host: without this the base URI is "http://localhost/api/v1".
    client.updateBaseUri("https://forgejo.invalid/api/v1");
    // The native library ignores the spec's security schemes: the interceptor sets the header.
    client.setRequestInterceptor(
        builder -> {
          builder.header("Authorization", "token " + token);
          recorded.add(builder.copy().build());
          throw new NotSent();
        });
    return client;
  }

  @Test
  void removesALabelByIdWithTheTokenHeader() {
    List<HttpRequest> recorded = new ArrayList<>();
    // The API classes copy base URI and interceptor when built: configure the client first.
    IssueApi issues = new IssueApi(client("X", recorded));
    Long labelId = 42L;

    assertThatThrownBy(() -> issues.issueRemoveLabel("owner", "repo", 7L, labelId, null))
        .isInstanceOf(NotSent.class);

    assertThat(recorded).hasSize(1);
    HttpRequest request = recorded.get(0);
    assertThat(request.method()).isEqualTo("DELETE");
    assertThat(request.uri())
        .isEqualTo(
            URI.create("https://forgejo.invalid/api/v1/repos/owner/repo/issues/7/labels/42"));
    assertThat(request.headers().allValues("Authorization")).containsExactly("token X");
  }

  @Test
  void everyApiOfTheSubsetIsGenerated() {
    ApiClient client = client("X", new ArrayList<>());
    assertThat(new IssueApi(client)).isNotNull();
    assertThat(new RepositoryApi(client)).isNotNull();
    assertThat(new UserApi(client)).isNotNull();
    assertThat(new MiscellaneousApi(client)).isNotNull();
  }

  @Test
  void editingAPullRequestSendsOnlyWhatWasSet() throws Exception {
    // Forgejo replaces the PR's labels/assignees whenever "labels"/"assignees" is present, even
    // empty: the generator option containerDefaultToNull keeps them out of the body.
    ObjectMapper mapper = new ApiClient().getObjectMapper();
    String json = mapper.writeValueAsString(new EditPullRequestOption().title("Fix it"));
    assertThat(json).isEqualTo("{\"title\":\"Fix it\"}");
  }

  @Test
  void modelsKeepTheForgejoShapes() throws Exception {
    ObjectMapper mapper = new ApiClient().getObjectMapper();
    // labels is List<Object>: all IDs or all names, never mixed.
    IssueLabelsOption byId = new IssueLabelsOption().addLabelsItem(3L).addLabelsItem(5L);
    assertThat(mapper.writeValueAsString(byId)).isEqualTo("{\"labels\":[3,5]}");
    // The review event is a plain String: Forgejo spells approval APPROVED.
    CreatePullReviewOptions review = new CreatePullReviewOptions().event("COMMENT").body("ok");
    assertThat(mapper.writeValueAsString(review))
        .isEqualTo("{\"body\":\"ok\",\"event\":\"COMMENT\"}");
  }
}
