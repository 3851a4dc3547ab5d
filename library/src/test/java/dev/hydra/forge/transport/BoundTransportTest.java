package dev.hydra.forge.transport;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.hydra.forge.ForgeOptions;
import dev.hydra.forge.ForgeType;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoundTransportTest {

  @RegisterExtension
  static final WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static final WireMockExtension elsewhere =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  BoundTransport transport(String apiUrl) {
    return new BoundTransport(
        ForgeType.GITHUB, URI.create(apiUrl), "builder", "tok-builder", ForgeOptions.defaults());
  }

  @Test
  void aRequestToAnotherHostIsRefusedBeforeItIsSent() {
    BoundTransport transport = transport(api.baseUrl());
    elsewhere.stubFor(get(urlPathEqualTo("/user")).willReturn(ok()));
    HttpRequest request = HttpRequest.newBuilder(URI.create(elsewhere.baseUrl() + "/user")).build();
    assertThatThrownBy(() -> transport.send(request))
        .isInstanceOf(ForeignHostException.class)
        .hasMessageContaining("refused to send the token to")
        .hasMessageNotContaining("tok-builder");
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
  }

  @Test
  void theTokenReplacesWhateverTheLibrarySet() throws Exception {
    BoundTransport transport = transport(api.baseUrl());
    api.stubFor(get(urlPathEqualTo("/user")).willReturn(ok()));
    transport.send(
        HttpRequest.newBuilder(URI.create(api.baseUrl() + "/user"))
            .header("Authorization", "token someone-else")
            .header("Accept-Encoding", "gzip")
            .build());
    api.verify(
        getRequestedFor(urlPathEqualTo("/user"))
            .withHeader("Authorization", WireMock.equalTo("token tok-builder"))
            .withoutHeader("Accept-Encoding"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://api.github.com:8443/x", // another port
        "http://API.GITHUB.COM.evil.example/x", // another host with our name in it
        "http://user@api.github.com/x", // user info
      })
  void anotherOriginIsNotOurs(String uri) {
    BoundTransport transport = transport("http://api.github.com");
    assertThatThrownBy(() -> transport.requireBound(URI.create(uri)))
        .isInstanceOf(ForeignHostException.class);
  }

  @Test
  void theSameOriginIsOursWhateverItsCaseOrDefaultPort() throws Exception {
    BoundTransport transport = transport("https://api.github.com");
    transport.requireBound(URI.create("https://API.github.com:443/repos/o/r?page=2"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://api.github.com",
        "https://api.github.com@evil.example", // a misconfigured URL that names another host
        "https://api.github.com?x=1",
        "api.github.com",
      })
  void unusableApiUrlsAreRefused(String url) {
    assertThatThrownBy(() -> transport(url)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "tok en", "tok\n", " tok"})
  void unusableTokensAreRefusedWithoutQuotingThem(String token) {
    assertThatThrownBy(
            () ->
                new BoundTransport(
                    ForgeType.FORGEJO,
                    URI.create("https://codeberg.org/api/v1"),
                    "reviewer",
                    token,
                    ForgeOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reviewer");
  }

  @Test
  void origins() {
    assertThat(BoundTransport.origin(URI.create("https://Codeberg.org/api/v1")))
        .isEqualTo("https://codeberg.org:443");
    assertThat(BoundTransport.origin(URI.create("http://forgejo:3000/api/v1")))
        .isEqualTo("http://forgejo:3000");
  }
}
