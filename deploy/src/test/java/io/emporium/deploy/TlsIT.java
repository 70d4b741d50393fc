package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge over HTTPS (TLS 1.3 only, HSTS, a plain HTTP port that only redirects, the SockJS
 * bridge), and services that talk gRPC over mutual TLS: a peer without a certificate of the
 * configured CA is refused. Certificates come from a throwaway CA made here.
 */
@ExtendWith(TestPlatform.class)
class TlsIT {
  @TempDir static Path dir;
  private static Emporium platform;
  private static Map<String, String> env;
  private static TestCertificates ca;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCertificates.authority(dir, "emporium");
    Path[] edge = ca.issue("edge");
    Path[] service = ca.issue("service");
    env = TestPlatform.backingServices();
    env.putAll(Launchers.ports());
    env.put("TLS_CERT_FILE", edge[0].toString());
    env.put("TLS_KEY_FILE", edge[1].toString());
    String redirect;
    do { // a port freed a moment ago may come back: it must not be one of the others
      redirect = Integer.toString(TestPlatform.freePort());
    } while (env.containsValue(redirect));
    env.put("HTTP_REDIRECT_PORT", redirect);
    env.put("GRPC_TLS_CERT_FILE", service[0].toString());
    env.put("GRPC_TLS_KEY_FILE", service[1].toString());
    env.put("GRPC_TLS_CA_FILE", ca.caFile().toString());
    platform =
        Emporium.launch(
            new LaunchOptions(
                EnumSet.of(EmporiumConfig.Service.EDGE, EmporiumConfig.Service.CATALOG),
                false,
                null),
            env);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private static int appPort() {
    return Integer.parseInt(env.get("APP_PORT"));
  }

  private static HttpClient https(Set<String> versions) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setSsl(true)
            .setVerifyHost(true)
            .setEnabledSecureTransportProtocols(versions)
            .setTrustOptions(new PemTrustOptions().addCertPath(ca.caFile().toString())));
  }

  private static HttpClientResponse get(HttpClient client, int port, String path) {
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(path))
        .compose(r -> r.send())
        .compose(r -> r.body().map(b -> r))
        .timeout(20, TimeUnit.SECONDS)
        .await();
  }

  @Test
  void theEdgeAnswersOverTls13WithHstsAndItsCatalogCallsGoOverMutualTls() {
    HttpClient client = https(Set.of("TLSv1.3"));
    // live, not ready: this launcher runs the edge and the catalog only, so ordering and the rest
    // are missing
    HttpClientResponse ready = get(client, appPort(), "/health/live");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.headers().get("Strict-Transport-Security")).isEqualTo("max-age=31536000");
    HttpClientResponse product = get(client, appPort(), "/api/v1/products/" + UUID.randomUUID());
    assertThat(product.statusCode())
        .as("answered by the catalog, reached over mutual TLS")
        .isEqualTo(404);
  }

  @Test
  void tls12AndPlainHttpAreNotServedOnTheAppPort() {
    assertThatThrownBy(() -> get(https(Set.of("TLSv1.2")), appPort(), "/health/live"))
        .as("a TLS 1.2 handshake")
        .isNotNull();
    HttpClient plain = vertx.createHttpClient();
    assertThatThrownBy(() -> get(plain, appPort(), "/health/live"))
        .as("plain HTTP on the HTTPS port")
        .isNotNull();
  }

  @Test
  void thePlainHttpPortRedirectsToTheSameUrlOverHttps() throws Exception {
    int port = Integer.parseInt(env.get("HTTP_REDIRECT_PORT"));
    // a plain socket, which says what it saw: once in a few full runs a request here has gone
    // unanswered, with no cause found yet; a second connection is tried then, and the first's
    // story printed
    String answer = plainGet(port);
    if (!answer.startsWith("HTTP/1.1 ")) {
      System.out.println("TlsIT: the redirect port's first answer: " + answer);
      answer = plainGet(port);
    }
    assertThat(answer).startsWith("HTTP/1.1 308 ");
    assertThat(answer)
        .containsIgnoringCase(
            "\r\nLocation: https://127.0.0.1:" + appPort() + "/api/v1/products?q=lamp\r\n");
  }

  /** The head of the answer to a GET on {@code port}, or what went wrong, in words. */
  private static String plainGet(int port) {
    StringBuilder seen = new StringBuilder();
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
      seen.append("connected from port ").append(socket.getLocalPort()).append("; ");
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/products?q=lamp HTTP/1.1\r\nHost: 127.0.0.1:"
                      + port
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] head = socket.getInputStream().readNBytes(512);
      return new String(head, java.nio.charset.StandardCharsets.US_ASCII);
    } catch (java.io.IOException e) {
      return seen.append(e).toString();
    }
  }

  @Test
  void theSockJsBridgeWorksOverHttps() throws Exception {
    WebSocketClient client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.caFile().toString())));
    WebSocket socket =
        client
            .connect(
                new WebSocketConnectOptions()
                    .setAllowOriginHeader(false)
                    .setHost("127.0.0.1")
                    .setPort(appPort())
                    .setSsl(true)
                    .setURI("/eventbus/websocket"))
            .timeout(20, TimeUnit.SECONDS)
            .await();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    socket.handler(data -> answer.complete(new JsonObject(data.toString())));
    socket.writeTextMessage(
        new JsonObject().put("type", "register").put("address", "admin.alerts").encode());
    JsonObject frame = answer.get(20, TimeUnit.SECONDS);
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("err");
    socket.close().await();
  }

  @Test
  void aGrpcPeerWithoutACertificateOfTheCaIsRefused() throws Exception {
    int catalog = Integer.parseInt(env.get("CATALOG_GRPC_PORT"));
    HttpClientOptions grpcOverTls =
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setSsl(true)
            .setUseAlpn(true)
            .setTrustOptions(new PemTrustOptions().addCertPath(ca.caFile().toString()));
    assertThat(healthCheck(vertx.createHttpClient(grpcOverTls), catalog))
        .as("no client certificate")
        .isFalse();
    TestCertificates stranger = TestCertificates.authority(dir, "stranger");
    Path[] foreign = stranger.issue("client");
    HttpClientOptions foreignCert =
        new HttpClientOptions(grpcOverTls)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(foreign[0].toString())
                    .setKeyPath(foreign[1].toString()));
    assertThat(healthCheck(vertx.createHttpClient(foreignCert), catalog))
        .as("a certificate of another CA")
        .isFalse();
    Path[] ours = ca.issue("client");
    HttpClientOptions ourCert =
        new HttpClientOptions(grpcOverTls)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(ours[0].toString())
                    .setKeyPath(ours[1].toString()));
    assertThat(healthCheck(vertx.createHttpClient(ourCert), catalog))
        .as("a certificate of the configured CA")
        .isTrue();
  }

  /**
   * The standard gRPC health check, by hand: true when the server answered it with grpc-status 0.
   */
  private static boolean healthCheck(HttpClient client, int port) {
    try {
      HttpClientResponse response =
          client
              .request(
                  new RequestOptions()
                      .setMethod(HttpMethod.POST)
                      .setHost("127.0.0.1")
                      .setPort(port)
                      .setURI("/grpc.health.v1.Health/Check"))
              .compose(
                  r ->
                      r.putHeader("content-type", "application/grpc")
                          .putHeader("te", "trailers")
                          .send(Buffer.buffer(new byte[] {0, 0, 0, 0, 0})))
              .compose(r -> r.body().map(b -> r))
              .timeout(20, TimeUnit.SECONDS)
              .await();
      return response.statusCode() == 200 && "0".equals(response.trailers().get("grpc-status"));
    } catch (RuntimeException e) {
      return false;
    } finally {
      client.close();
    }
  }
}
