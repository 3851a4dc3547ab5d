package dev.hydra.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.hydra.credentials.TestTokens;
import dev.hydra.secret.Secret;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token is bound to the remote's scheme, host and port. */
class GitRemoteTest {

  final String token = TestTokens.github(201);

  GitRemote remote(String url) {
    return new GitRemote(URI.create(url), "builder", Secret.of("builder", token));
  }

  @Test
  void theCredentialsAnswerOnlyForTheExactOrigin() throws Exception {
    HostBoundCredentials credentials =
        (HostBoundCredentials) remote("https://forge.example/o/r.git").credentials();

    assertThat(credentials.answersFor(new URIish("https://forge.example/o/r.git"))).isTrue();
    assertThat(credentials.answersFor(new URIish("https://FORGE.example:443/other.git"))).isTrue();
    assertThat(credentials.answersFor(new URIish("https://forge.example:8443/o/r.git"))).isFalse();
    assertThat(credentials.answersFor(new URIish("http://forge.example/o/r.git"))).isFalse();
    assertThat(credentials.answersFor(new URIish("https://evil.example/o/r.git"))).isFalse();
    assertThat(credentials.answersFor(new URIish("https://forge.example.evil/o/r.git"))).isFalse();
    CredentialItem.Password password = new CredentialItem.Password();
    assertThat(credentials.get(new URIish("https://evil.example/x"), password)).isFalse();
    assertThat(password.getValue()).isNull();
  }

  @Test
  void unsafeUrlsAreRefusedAndTheTokenIsNeverShown() {
    assertThatThrownBy(() -> remote("http://forge.example/o/r.git"))
        .hasMessageContaining("loopback");
    assertThatThrownBy(() -> remote("https://builder:x@forge.example/o/r.git"))
        .hasMessageContaining("user info");
    assertThatThrownBy(() -> remote("ssh://forge.example/o/r.git")).hasMessageContaining("ssh");
    assertThatThrownBy(() -> remote("https://forge.example/o/r.git?x=1"))
        .hasMessageContaining("query");
    assertThat(remote("http://127.0.0.1:8080/o/r.git").publicUrl())
        .isEqualTo("http://127.0.0.1:8080/o/r.git");
    GitRemote remote = remote("https://forge.example/o/r.git");
    TestTokens.assertNoTokenIn(remote.toString());
    TestTokens.assertNoTokenIn(remote.credentials().toString());
  }

  @Test
  void aRedirectToAnotherPortNeverReceivesTheToken(@TempDir Path temp) throws Exception {
    try (GitHttpRemote real =
        GitHttpRemote.start(temp.resolve("remote")).user("builder", token, true).seed("p")) {
      HttpServer redirector =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      AtomicInteger challenged = new AtomicInteger();
      redirector.createContext(
          "/",
          exchange -> {
            try (exchange) {
              if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
                challenged.incrementAndGet();
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"r\"");
                exchange.sendResponseHeaders(401, -1);
                return;
              }
              String target =
                  real.url("p").toString().replace("/p.git", "")
                      + exchange.getRequestURI().toString();
              exchange.getResponseHeaders().add("Location", target);
              exchange.sendResponseHeaders(302, -1);
            }
          });
      redirector.start();
      try {
        URI url = URI.create("http://127.0.0.1:" + redirector.getAddress().getPort() + "/p.git");
        GitRemote remote = new GitRemote(url, "builder", Secret.of("builder", token));

        assertThatThrownBy(
                () -> StageWorkspace.forBuild(temp.resolve("ws"), remote, "main", "hydra/1-x"))
            .isInstanceOf(WorkspaceException.class)
            .satisfies(TestTokens::assertNoTokenIn);
        assertThat(challenged).hasPositiveValue();
        // JGit resends a challenged Basic header after a redirect, to any port: the mirror follows
        // no redirect, so the other port gets no request with it (before that, the clone worked).
        assertThat(real.requests()).allSatisfy(r -> assertThat(r.hadAuthorization()).isFalse());
      } finally {
        redirector.stop(0);
      }
    }
  }
}
