package dev.hydra.forge.forgejo;

import dev.hydra.forge.transport.BoundTransport;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * The {@link HttpClient} the generated Forgejo client is given: every {@code send} goes through the
 * persona's {@link BoundTransport} (host check, token, rate limits), and the response body is
 * handed to the caller's {@link HttpResponse.BodyHandler} as if it had come off the wire.
 *
 * <p>The generated {@code native} client only calls {@link #send}; the asynchronous variants fail.
 */
final class TransportHttpClient extends HttpClient {

  private final BoundTransport transport;

  TransportHttpClient(BoundTransport transport) {
    this.transport = transport;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response = transport.send(request);
    return new Response<>(response, deliver(response, handler));
  }

  /** Feeds the bytes to the handler's subscriber, as java.net.http would. */
  static <T> T deliver(HttpResponse<byte[]> response, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    HttpResponse.BodySubscriber<T> subscriber =
        handler.apply(new Info(response.statusCode(), response.headers(), response.version()));
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    if (response.body().length > 0) {
      subscriber.onNext(List.of(ByteBuffer.wrap(response.body())));
    }
    subscriber.onComplete();
    try {
      return subscriber.getBody().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IOException("could not read the response body: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("Hydra sends Forgejo requests synchronously"));
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return Optional.empty();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return Optional.of(transport.options().connectTimeout());
  }

  @Override
  public Redirect followRedirects() {
    return Redirect.NEVER;
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return Optional.empty();
  }

  @Override
  public SSLContext sslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  @Override
  public SSLParameters sslParameters() {
    return sslContext().getDefaultSSLParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return Optional.empty();
  }

  @Override
  public Version version() {
    return Version.HTTP_1_1;
  }

  @Override
  public Optional<Executor> executor() {
    return Optional.empty();
  }

  /** What a body handler is told of the response before its body. */
  private record Info(int statusCode, HttpHeaders headers, HttpClient.Version version)
      implements HttpResponse.ResponseInfo {}

  /** A response whose body was already delivered to the caller's handler. */
  private static final class Response<T> implements HttpResponse<T> {
    private final HttpResponse<byte[]> wire;
    private final T body;

    Response(HttpResponse<byte[]> wire, T body) {
      this.wire = wire;
      this.body = body;
    }

    @Override
    public int statusCode() {
      return wire.statusCode();
    }

    @Override
    public HttpRequest request() {
      return wire.request();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return wire.headers();
    }

    @Override
    public T body() {
      return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return wire.sslSession();
    }

    @Override
    public URI uri() {
      return wire.uri();
    }

    @Override
    public Version version() {
      return wire.version();
    }
  }
}
