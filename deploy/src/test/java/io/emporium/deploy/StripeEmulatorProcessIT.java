package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.HasId;
import com.stripe.model.checkout.Session;
import com.stripe.net.Webhook;
import com.stripe.param.checkout.SessionCreateParams;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Stripe emulator as its own process ({@code --services=stripe-emulator}): its state outlives a
 * SIGKILL.
 */
class StripeEmulatorProcessIT {
  private static final String WEBHOOK_SECRET = "whsec_process_it_0123456789";
  private static final HttpClient BROWSER =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** Verified events the webhook endpoint took, as type and object id. */
  private final List<String> delivered = new CopyOnWriteArrayList<>();

  /** While positive, the endpoint answers 503 to that many more deliveries. */
  private final AtomicInteger refuse = new AtomicInteger();

  private HttpServer endpoint;
  private Process emulator;

  @BeforeEach
  void startWebhookEndpoint() throws IOException {
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext(
        "/hook",
        exchange -> {
          String payload =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int status = 200;
          if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            status = 503;
          } else {
            try {
              Event event =
                  Webhook.constructEvent(
                      payload,
                      exchange.getRequestHeaders().getFirst("Stripe-Signature"),
                      WEBHOOK_SECRET);
              delivered.add(
                  event.getType()
                      + " "
                      + ((HasId) event.getDataObjectDeserializer().deserializeUnsafe()).getId());
            } catch (SignatureVerificationException | EventDataObjectDeserializationException e) {
              status = 400;
            }
          }
          exchange.sendResponseHeaders(status, -1);
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

  private Map<String, String> settings(Path dir, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", dir.resolve("data").toString());
    env.put("STRIPE_EMULATOR_PORT", Integer.toString(port));
    env.put("STRIPE_EMULATOR_DATA_DIR", dir.resolve("stripe").toString());
    env.put("STRIPE_WEBHOOK_URL", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook");
    env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
    return env;
  }

  /** The emulator alone, as its own process. */
  private static Process start(Map<String, String> env, Path log) throws Exception {
    return Launchers.startAndAwaitReady(env, log, "--services=stripe-emulator");
  }

  private static void kill(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static Session checkout(StripeClient stripe) throws Exception {
    return stripe
        .v1()
        .checkout()
        .sessions()
        .create(
            SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl("https://shop.example/done")
                .addLineItem(
                    SessionCreateParams.LineItem.builder()
                        .setQuantity(2L)
                        .setPriceData(
                            SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency("eur")
                                .setUnitAmount(1250L)
                                .setProductData(
                                    SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName("Teapot")
                                        .build())
                                .build())
                        .build())
                .build());
  }

  private static int pay(Session session) throws Exception {
    return BROWSER
        .send(
            HttpRequest.newBuilder(URI.create(session.getUrl() + "/pay"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("card=4242424242424242"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private void awaitDelivered(String expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!delivered.contains(expected) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(delivered).contains(expected);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aSessionCreatedBeforeASigkillCanBePaidAfterTheRestartAndItsWebhookIsDelivered(
      @TempDir Path dir) throws Exception {
    int port = freePort();
    Map<String, String> env = settings(dir, port);
    StripeClient stripe =
        StripeClient.builder()
            .setApiKey("sk_test_process")
            .setApiBase("http://127.0.0.1:" + port)
            .setMaxNetworkRetries(0)
            .build();
    emulator = start(env, dir.resolve("first.log"));
    Session created = checkout(stripe);
    kill(emulator);

    emulator = start(env, dir.resolve("second.log"));
    Session kept = stripe.v1().checkout().sessions().retrieve(created.getId());
    assertThat(kept.getStatus()).isEqualTo("open");
    assertThat(kept.getAmountTotal()).isEqualTo(2500L);
    assertThat(kept.getUrl()).isEqualTo(created.getUrl());
    assertThat(pay(kept)).as("the hosted page takes the card and redirects").isEqualTo(303);
    awaitDelivered("checkout.session.completed " + created.getId());
    Session paid = stripe.v1().checkout().sessions().retrieve(created.getId());
    assertThat(paid.getPaymentStatus()).isEqualTo("paid");
    awaitDelivered("payment_intent.succeeded " + paid.getPaymentIntent());
  }

  @Test
  void aWebhookNotYetDeliveredAtASigkillIsDeliveredAfterTheRestart(@TempDir Path dir)
      throws Exception {
    int port = freePort();
    Map<String, String> env = settings(dir, port);
    StripeClient stripe =
        StripeClient.builder()
            .setApiKey("sk_test_process")
            .setApiBase("http://127.0.0.1:" + port)
            .setMaxNetworkRetries(0)
            .build();
    emulator = start(env, dir.resolve("first.log"));
    Session created = checkout(stripe);
    refuse.set(Integer.MAX_VALUE);
    assertThat(pay(created)).isEqualTo(303);
    Thread.sleep(300);
    kill(emulator);
    assertThat(delivered).isEmpty();
    refuse.set(0);

    emulator = start(env, dir.resolve("second.log"));
    assertThat(stripe.v1().checkout().sessions().retrieve(created.getId()).getStatus())
        .isEqualTo("complete");
    awaitDelivered("checkout.session.completed " + created.getId());
    assertThat(pay(created)).as("paid once, before the kill").isEqualTo(409);
  }
}
