package dev.hydra.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.hydra.credentials.Persona;
import dev.hydra.credentials.TestTokens;
import dev.hydra.forge.ForgeType;
import dev.hydra.ops.Doctor.Row;
import dev.hydra.ops.Doctor.Status;
import dev.hydra.secret.Secret;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Doctor's token scopes where the forge reports them (issue 12 item 7). */
class TokenScopesTest {

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  final Secret token = Secret.of("HYDRA_BUILDER_TOKEN", TestTokens.github(71));

  @Test
  void githubReportsAClassicTokensScopesInTheHeaderOfGetUser() {
    api.stubFor(
        get(urlPathEqualTo("/user"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("X-OAuth-Scopes", "repo, workflow")
                    .withBody("{\"login\":\"builder-bot\"}")));
    Optional<String> header = TokenScopes.githubHeader(URI.create(api.baseUrl() + "/"), token);
    assertThat(header).contains("repo, workflow");
    api.verify(
        getRequestedFor(urlPathEqualTo("/user"))
            .withHeader("Authorization", equalTo("Bearer " + token.reveal())));
    List<Row> rows = TokenScopes.rows(ForgeType.GITHUB, Persona.BUILDER, header);
    assertThat(rows).extracting(Row::status).containsExactly(Status.WARN);
    assertThat(rows.get(0).detail()).contains("`workflow`").doesNotContain(token.reveal());
    assertThat(rows.get(0).fix()).contains("`repo`");
  }

  @Test
  void aFineGrainedOrAppTokenSendsNoHeaderAndTheAccessChecksStand() {
    api.stubFor(get(urlPathEqualTo("/user")).willReturn(aResponse().withStatus(200)));
    Optional<String> header = TokenScopes.githubHeader(URI.create(api.baseUrl()), token);
    assertThat(header).isEmpty();
    assertThat(TokenScopes.rows(ForgeType.GITHUB, Persona.REVIEWER, header))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(Status.OK);
              assertThat(r.detail()).contains("not reported by GitHub").contains("access checked");
            });
  }

  @Test
  void aClassicTokenWithoutRepoFailsWithTheFixAndEachBroadScopeWarns() {
    List<Row> rows =
        TokenScopes.rows(
            ForgeType.GITHUB, Persona.APPLIER, Optional.of("read:user, admin:org, delete_repo"));
    assertThat(rows).extracting(Row::status).containsExactly(Status.FAIL, Status.WARN, Status.WARN);
    assertThat(rows.get(0).detail()).contains("without `repo` or `public_repo`");
    assertThat(rows.get(0).fix()).contains("give the applier token the `repo`");
    assertThat(rows.get(1).detail()).contains("`admin:org`");
    assertThat(rows.get(2).detail()).contains("`delete_repo`");
    assertThat(TokenScopes.rows(ForgeType.GITHUB, Persona.SECURITY, Optional.of("public_repo")))
        .extracting(Row::status)
        .containsExactly(Status.OK);
    assertThat(TokenScopes.rows(ForgeType.GITHUB, Persona.SECURITY, Optional.of("")))
        .extracting(Row::status)
        .containsExactly(Status.FAIL);
  }

  @Test
  void forgejoDoesNotTellATokenItsScopesAndDoctorSaysSo() {
    assertThat(TokenScopes.rows(ForgeType.FORGEJO, Persona.BUILDER, Optional.empty()))
        .singleElement()
        .satisfies(r -> assertThat(r.detail()).contains("not reported by Forgejo"));
  }
}
