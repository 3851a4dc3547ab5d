package dev.hydra.forge.github;

import dev.hydra.forge.transport.BoundTransport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * github-api's HTTP seam, sending through the persona's {@link BoundTransport}: every request
 * github-api makes — redirects it follows and paging {@code Link}s included — passes the host check
 * and the rate-limit handling there.
 */
final class TransportConnector implements GitHubConnector {

  private final BoundTransport transport;

  TransportConnector(BoundTransport transport) {
    this.transport = transport;
  }

  @Override
  public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
    URI uri;
    try {
      uri = request.url().toURI();
    } catch (URISyntaxException e) {
      throw new IOException("github-api built an invalid URL: " + e.getMessage(), e);
    }
    // Checked here as well as in the transport so that nothing, not even the body, is read for a
    // request that will not be sent.
    transport.requireBound(uri);
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    if (request.hasBody()) {
      InputStream in = request.body();
      if (in != null) {
        try (in) {
          body = HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes());
        }
      }
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).method(request.method(), body);
    for (Map.Entry<String, List<String>> header : request.allHeaders().entrySet()) {
      for (String value : header.getValue()) {
        if (header.getKey() != null && value != null && allowed(header.getKey())) {
          builder.header(header.getKey(), value);
        }
      }
    }
    String contentType = request.contentType();
    if (request.hasBody() && contentType != null && request.header("Content-Type") == null) {
      builder.header("Content-Type", contentType);
    }
    HttpResponse<byte[]> response;
    try {
      response = transport.send(builder.build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted");
      interrupted.initCause(e);
      throw interrupted;
    }
    byte[] bytes = response.body();
    return new GitHubConnectorResponse.ByteArrayResponse(
        request, response.statusCode(), response.headers().map()) {
      @Override
      protected InputStream rawBodyStream() {
        return new ByteArrayInputStream(bytes);
      }
    };
  }

  /** java.net.http refuses to set these; the transport owns Authorization and encoding. */
  private static boolean allowed(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "connection", "content-length", "expect", "host", "upgrade" -> false;
      default -> true;
    };
  }
}
