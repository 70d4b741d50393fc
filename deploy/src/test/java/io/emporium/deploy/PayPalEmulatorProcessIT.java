package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PayPal emulator as its own process ({@code --services=paypal-emulator}) in embedded mode: it
 * signs for the webhook id generated into {@code DATA_DIR}, where the platform finds it too, its
 * deliveries verify by PayPal's algorithm with the certificate it serves, and its state outlives a
 * SIGKILL.
 */
class PayPalEmulatorProcessIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** What the endpoint took: the raw body and the PayPal headers. */
  record Delivery(byte[] body, Map<String, String> headers) {
    JsonObject event() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }

  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private HttpServer endpoint;
  private Process emulator;

  @BeforeEach
  void startWebhookEndpoint() throws IOException {
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          Map<String, String> headers = new HashMap<>();
          for (String name :
              List.of(
                  "PAYPAL-TRANSMISSION-ID",
                  "PAYPAL-TRANSMISSION-TIME",
                  "PAYPAL-TRANSMISSION-SIG",
                  "PAYPAL-CERT-URL",
                  "PAYPAL-AUTH-ALGO")) {
            headers.put(name, exchange.getRequestHeaders().getFirst(name));
          }
          deliveries.add(new Delivery(body, headers));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    endpoint.start();
  }

  @AfterEach
  void stop() {
    if (emulator != null) {
      emulator.destroyForcibly();
    }
    endpoint.stop(0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static JsonObject call(String method, String url, String bearer, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", bearer)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
    return new JsonObject(response.body());
  }

  private Delivery awaitDelivery(String type) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (Delivery d : deliveries) {
        if (d.event().getString("event_type").equals(type)) {
          return d;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + type + " delivered");
  }

  private static boolean verifies(Delivery delivery, String webhookId) throws Exception {
    String pem =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(delivery.headers().get("PAYPAL-CERT-URL")))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    CRC32 crc = new CRC32();
    crc.update(delivery.body());
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initVerify(cert.getPublicKey());
    signature.update(
        (delivery.headers().get("PAYPAL-TRANSMISSION-ID")
                + "|"
                + delivery.headers().get("PAYPAL-TRANSMISSION-TIME")
                + "|"
                + webhookId
                + "|"
                + crc.getValue())
            .getBytes(StandardCharsets.UTF_8));
    return signature.verify(
        Base64.getDecoder().decode(delivery.headers().get("PAYPAL-TRANSMISSION-SIG")));
  }

  @Test
  void anOrderApprovedBeforeASigkillIsCapturedAfterTheRestartWithSignedWebhooks(@TempDir Path dir)
      throws Exception {
    int port = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", dir.resolve("data").toString());
    env.put("PAYPAL_EMULATOR_PORT", Integer.toString(port));
    env.put("PAYPAL_WEBHOOK_URL", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook");
    Path log = dir.resolve("paypal.log");
    emulator = Launchers.startAndAwaitReady(env, log, "--services=paypal-emulator");
    String base = "http://127.0.0.1:" + port;
    assertThat(Files.readString(log)).contains("paypal   emulator at " + base);
    Properties secrets = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve("data/dev-secrets.properties"))) {
      secrets.load(in);
    }
    String webhookId = secrets.getProperty("PAYPAL_WEBHOOK_ID");
    assertThat(webhookId).matches("[A-Z0-9]{17}");

    HttpResponse<String> tokenAnswer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/oauth2/token"))
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                "any-client:any-secret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(tokenAnswer.statusCode()).isEqualTo(200);
    String bearer = "Bearer " + new JsonObject(tokenAnswer.body()).getString("access_token");
    JsonObject order =
        call(
            "POST",
            base + "/v2/checkout/orders",
            bearer,
            new JsonObject()
                .put("intent", "CAPTURE")
                .put(
                    "purchase_units",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("custom_id", "o-1")
                                .put(
                                    "amount",
                                    new JsonObject()
                                        .put("currency_code", "USD")
                                        .put("value", "25.00"))))
                .put(
                    "payment_source",
                    new JsonObject()
                        .put(
                            "paypal",
                            new JsonObject()
                                .put(
                                    "experience_context",
                                    new JsonObject()
                                        .put("return_url", "https://shop.example/return")
                                        .put("cancel_url", "https://shop.example/cancel"))))
                .encode());
    String id = order.getString("id");
    HttpResponse<Void> approved =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/checkoutnow/" + id + "/approve"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=buyer%40example.com"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(approved.statusCode()).isEqualTo(303);
    assertThat(verifies(awaitDelivery("CHECKOUT.ORDER.APPROVED"), webhookId)).isTrue();

    emulator.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
    assertThat(emulator.waitFor(30, TimeUnit.SECONDS)).isTrue();
    emulator =
        Launchers.startAndAwaitReady(
            env, dir.resolve("paypal-2.log"), "--services=paypal-emulator");

    assertThat(call("GET", base + "/v2/checkout/orders/" + id, bearer, null).getString("status"))
        .isEqualTo("APPROVED");
    JsonObject captured =
        call("POST", base + "/v2/checkout/orders/" + id + "/capture", bearer, "{}");
    assertThat(captured.getString("status")).isEqualTo("COMPLETED");
    Delivery completed = awaitDelivery("PAYMENT.CAPTURE.COMPLETED");
    assertThat(
            completed
                .event()
                .getJsonObject("resource")
                .getJsonObject("supplementary_data")
                .getJsonObject("related_ids")
                .getString("order_id"))
        .isEqualTo(id);
    assertThat(verifies(completed, webhookId)).isTrue();
  }
}
