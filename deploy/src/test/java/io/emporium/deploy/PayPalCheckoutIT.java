package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Paying with PayPal through REST, against the PayPal emulator: the buyer approves on its page, the
 * platform captures on the webhook (or on confirm), the order is paid as a card order would be;
 * declines, cancellations, refunds, duplicate and forged webhooks.
 */
@ExtendWith(TestPlatform.class)
class PayPalCheckoutIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final HttpClient BROWSER = HttpClient.newHttpClient();

  private static JsonObject paypalBody() {
    return checkoutBody("GB").put("paymentMethod", "paypal");
  }

  private static Api.Response paypalCheckout(Api api, Accounts.Account buyer) {
    Api.Response r = checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), paypalBody());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r;
  }

  /** The buyer's form on the emulator's approval page: {@code approve} or {@code cancel}. */
  private static HttpResponse<String> onApprovalPage(String approveUrl, String action, String email)
      throws Exception {
    return BROWSER.send(
        HttpRequest.newBuilder(URI.create(approveUrl + "/" + action))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A GET of the emulator's REST API as the platform's REST app (the emulator keeps each client's
   * objects apart; the platform's client id is "emulator" when none is set).
   */
  private static JsonObject atPayPal(String path) throws Exception {
    HttpResponse<String> r = toPayPal(HttpRequest.newBuilder().GET(), path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> toPayPal(HttpRequest.Builder request, String path)
      throws Exception {
    String base = TestPlatform.platform().paypalEmulatorUrl();
    HttpResponse<String> token =
        BROWSER.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/oauth2/token"))
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString("emulator:emulator".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String bearer = new JsonObject(token.body()).getString("access_token");
    return BROWSER.send(
        request
            .uri(URI.create(base + path))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> ledger(String orderId) {
    List<String> kinds = new ArrayList<>();
    for (Row r :
        TestPlatform.db()
            .preparedQuery(
                "SELECT kind || ':' || provider FROM payment.ledger WHERE order_id = $1 ORDER BY id")
            .execute(Tuple.of(UUID.fromString(orderId)))
            .await()) {
      kinds.add(r.getString(0));
    }
    return kinds;
  }

  private static long inbox(String eventId) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM payment.webhook_events WHERE event_id = $1")
        .execute(Tuple.of(eventId))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static JsonObject paidWithPayPal(Api api, Accounts.Account buyer) throws Exception {
    JsonObject s = paypalCheckout(api, buyer).json();
    assertThat(
            onApprovalPage(s.getString("approveUrl"), "approve", "buyer@paypal.test").statusCode())
        .isEqualTo(303);
    return orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid");
  }

  @Test
  void approvingOnPayPalPaysTheOrderThroughItsWebhook(Api api) throws Exception {
    Product p = product(api, 2_150, 5);
    Accounts.Account buyer = buyer(api, p, 2);
    Api.Response started = paypalCheckout(api, buyer);
    JsonObject s = started.json();
    assertThat(s.getString("paymentMethod")).isEqualTo("paypal");
    assertThat(s.getString("paypalOrderId")).isNotBlank();
    assertThat(s.getString("approveUrl")).startsWith(TestPlatform.platform().paypalEmulatorUrl());
    assertThat(s.containsKey("sessionId")).isFalse();
    assertThat(s.containsKey("checkoutUrl")).isFalse();
    String orderId = s.getString("orderId");
    assertThat(stock(p.sku()).getInteger("reserved")).isEqualTo(2);
    JsonObject pending = api.get("/api/v1/orders/" + orderId, buyer.accessToken()).json();
    assertThat(pending.getString("status")).isEqualTo("pending_payment");
    assertThat(pending.getJsonObject("payment").getString("provider")).isEqualTo("paypal");
    assertThat(s.getLong("total")).isEqualTo(pending.getLong("total"));
    assertThat(pending.getLong("subtotal")).isEqualTo(4_300);

    HttpResponse<String> approved =
        onApprovalPage(s.getString("approveUrl"), "approve", "buyer@paypal.test");
    assertThat(approved.statusCode()).isEqualTo(303);
    assertThat(approved.headers().firstValue("Location").orElseThrow())
        .startsWith("https://shop.example/thanks")
        .contains("token=" + s.getString("paypalOrderId"));

    JsonObject paid = orderOnceItIs(api, buyer.accessToken(), orderId, "paid");
    assertThat(paid.getJsonObject("payment").getString("provider")).isEqualTo("paypal");
    assertThat(paid.getJsonObject("payment").getString("status")).isEqualTo("paid");
    Row held = stock(p.sku());
    assertThat(held.getInteger("stock")).isEqualTo(3);
    assertThat(held.getInteger("reserved")).isZero();
    JsonObject atPayPal = atPayPal("/v2/checkout/orders/" + s.getString("paypalOrderId"));
    assertThat(atPayPal.getString("status")).isEqualTo("COMPLETED");
    assertThat(ledger(orderId)).containsExactly("session_created:paypal", "succeeded:paypal");
    Api.Response mails =
        api.await(
            PATIENCE,
            () -> api.get("/dev/mailbox?to=" + buyer.email()),
            r ->
                r.status() == 200
                    && r.jsonArray().stream()
                        .anyMatch(
                            m -> ((JsonObject) m).getString("subject").contains("is confirmed")));
    assertThat(mails.jsonArray().stream())
        .anyMatch(m -> ((JsonObject) m).getString("subject").contains("is confirmed"));
    // the success page confirming afterwards changes nothing
    Api.Response confirmed =
        api.post(
            "/api/v1/checkout/confirm",
            buyer.accessToken(),
            new JsonObject().put("orderId", orderId));
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    assertThat(confirmed.json().getString("status")).isEqualTo("paid");
    assertThat(ledger(orderId)).containsExactly("session_created:paypal", "succeeded:paypal");
  }

  @Test
  void theSameKeyAndBodyAnswerTheSameCheckoutAndPaymentIntentsAreForCardsOnly(Api api) {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    String key = UUID.randomUUID().toString();
    Api.Response first = checkout(api, buyer.accessToken(), key, paypalBody());
    Api.Response again = checkout(api, buyer.accessToken(), key, paypalBody());
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(again.json()).isEqualTo(first.json());
    Api.Response intent =
        api.send(
            HttpMethod.POST,
            "/api/v1/payments/intents",
            buyer.accessToken(),
            new JsonObject().put("orderId", first.json().getString("orderId")),
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(intent.status()).as(intent.toString()).isEqualTo(409);
    assertThat(intent.json().getString("detail")).contains("PayPal");
  }

  @Test
  void aCardCheckoutSaysItIsOne(Api api) {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    Api.Response r =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getString("paymentMethod")).isEqualTo("card");
    assertThat(r.json().getString("sessionId")).startsWith("cs_");
    assertThat(
            api.get("/api/v1/orders/" + r.json().getString("orderId"), buyer.accessToken())
                .json()
                .getJsonObject("payment")
                .getString("provider"))
        .isEqualTo("stripe");
  }

  @Test
  void anUnknownPaymentMethodIsRefused(Api api) {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    for (Object method : new Object[] {"bitcoin", "PAYPAL", 7, ""}) {
      Api.Response r =
          checkout(
              api,
              buyer.accessToken(),
              UUID.randomUUID().toString(),
              checkoutBody("GB").put("paymentMethod", method));
      assertThat(r.status()).as(r.toString()).isEqualTo(422);
      assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo("paymentMethod");
    }
    assertThat(stock(p.sku()).getInteger("reserved")).isZero();
  }

  @Test
  void cancellingOnPayPalLeavesTheOrderWaitingAndAClosedOrderIsNeverCaptured(Api api)
      throws Exception {
    Product p = product(api, 1_500, 4);
    Accounts.Account buyer = buyer(api, p, 1);
    JsonObject s = paypalCheckout(api, buyer).json();
    String orderId = s.getString("orderId");
    HttpResponse<String> cancelled =
        onApprovalPage(s.getString("approveUrl"), "cancel", "buyer@paypal.test");
    assertThat(cancelled.statusCode()).isEqualTo(303);
    assertThat(cancelled.headers().firstValue("Location").orElseThrow())
        .startsWith("https://shop.example/cart");
    Api.Response confirmed =
        api.post(
            "/api/v1/checkout/confirm",
            buyer.accessToken(),
            new JsonObject().put("orderId", orderId));
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    assertThat(confirmed.json().getString("status"))
        .as("nothing approved: nothing captured, the stock still held until the order expires")
        .isEqualTo("pending_payment");
    assertThat(stock(p.sku()).getInteger("reserved")).isEqualTo(1);

    // the buyer gives up: the order is cancelled and its PayPal order closed
    Api.Response gaveUp =
        api.post("/api/v1/orders/" + orderId + "/cancel", buyer.accessToken(), new JsonObject());
    assertThat(gaveUp.status()).as(gaveUp.toString()).isEqualTo(200);
    assertThat(gaveUp.json().getString("status")).isEqualTo("cancelled");
    assertThat(stock(p.sku()).getInteger("reserved")).isZero();

    // approving afterwards (the approval page was still open) must not take the money
    assertThat(
            onApprovalPage(s.getString("approveUrl"), "approve", "buyer@paypal.test").statusCode())
        .isEqualTo(303);
    String paypalOrderId = s.getString("paypalOrderId");
    api.await(
        PATIENCE,
        () -> api.get("/api/v1/orders/" + orderId, buyer.accessToken()),
        r -> approvalApplied(paypalOrderId));
    assertThat(approvalApplied(paypalOrderId)).as("the approval webhook was applied").isTrue();
    assertThat(atPayPal("/v2/checkout/orders/" + paypalOrderId).getString("status"))
        .isEqualTo("APPROVED");
    assertThat(ledger(orderId)).doesNotContain("succeeded:paypal");
    Api.Response late =
        api.post(
            "/api/v1/checkout/confirm",
            buyer.accessToken(),
            new JsonObject().put("orderId", orderId));
    assertThat(late.json().getString("status")).isEqualTo("cancelled");
    assertThat(atPayPal("/v2/checkout/orders/" + paypalOrderId).getString("status"))
        .as("confirming a closed order captures nothing either")
        .isEqualTo("APPROVED");
  }

  private static boolean approvalApplied(String paypalOrderId) {
    return TestPlatform.db()
            .preparedQuery(
                "SELECT count(*) FROM payment.webhook_events WHERE provider = 'paypal'"
                    + " AND event_type = 'CHECKOUT.ORDER.APPROVED'"
                    + " AND payload->'resource'->>'id' = $1 AND processed_at IS NOT NULL")
            .execute(Tuple.of(paypalOrderId))
            .await()
            .iterator()
            .next()
            .getLong(0)
        > 0;
  }

  @Test
  void aDeclinedCaptureCancelsTheOrderAndReleasesItsStock(Api api) throws Exception {
    Product p = product(api, 1_800, 3);
    for (String payer : List.of("decline@paypal.test", "denied@paypal.test")) {
      Accounts.Account buyer = buyer(api, p, 2);
      JsonObject s = paypalCheckout(api, buyer).json();
      assertThat(stock(p.sku()).getInteger("reserved")).isEqualTo(2);
      assertThat(onApprovalPage(s.getString("approveUrl"), "approve", payer).statusCode())
          .isEqualTo(303);
      JsonObject order =
          orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "cancelled");
      assertThat(order.getJsonObject("payment").getString("status")).as(payer).isEqualTo("failed");
      Row held = stock(p.sku());
      assertThat(held.getInteger("stock")).as(payer).isEqualTo(3);
      assertThat(held.getInteger("reserved")).as(payer).isZero();
      assertThat(ledger(s.getString("orderId"))).as(payer).contains("failed:paypal");
      assertThat(ledger(s.getString("orderId"))).as(payer).doesNotContain("succeeded:paypal");
    }
  }

  /**
   * A capture under review is money on its way: the order can no longer be cancelled (nor expired
   * by the sweeper), since PayPal completes the capture whatever the platform says.
   */
  @Test
  void aCaptureUnderReviewPaysTheOrderOnlyOnceItCompletes(Api api) throws Exception {
    Product p = product(api, 1_100, 3);
    Accounts.Account buyer = buyer(api, p, 1);
    JsonObject s = paypalCheckout(api, buyer).json();
    String orderId = s.getString("orderId");
    assertThat(
            onApprovalPage(s.getString("approveUrl"), "approve", "pending@paypal.test")
                .statusCode())
        .isEqualTo(303);
    Api.Response confirmed =
        api.post(
            "/api/v1/checkout/confirm",
            buyer.accessToken(),
            new JsonObject().put("orderId", orderId));
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    assertThat(confirmed.json().getString("status"))
        .as("captured, but the money is PayPal's until the review ends")
        .isEqualTo("pending_payment");
    assertThat(ledger(orderId)).doesNotContain("succeeded:paypal");
    Api.Response cancel =
        api.post("/api/v1/orders/" + orderId + "/cancel", buyer.accessToken(), new JsonObject());
    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(409);
    assertThat(cancel.header("Content-Type")).startsWith("application/problem+json");
    assertThat(api.get("/api/v1/orders/" + orderId, buyer.accessToken()).json().getString("status"))
        .isEqualTo("pending_payment");
    JsonObject paid = orderOnceItIs(api, buyer.accessToken(), orderId, "paid");
    assertThat(statuses(paid)).containsExactly("pending_payment", "paid");
    assertThat(ledger(orderId)).containsExactly("session_created:paypal", "succeeded:paypal");
    assertThat(stock(p.sku()).getInteger("stock")).isEqualTo(2);
  }

  @Test
  void aGuestPaysWithPayPal(Api api) throws Exception {
    Product p = product(api, 990, 5);
    Api.Response added =
        api.send(
            HttpMethod.POST,
            "/api/v1/cart/items",
            null,
            new JsonObject().put("productId", p.id()).put("quantity", 1),
            Map.of());
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Cart-Token", added.header("X-Cart-Token"));
    headers.put("Idempotency-Key", UUID.randomUUID().toString());
    String email = Accounts.uniqueEmail("paypal-guest");
    Api.Response started =
        api.send(
            HttpMethod.POST, "/api/v1/checkout", null, paypalBody().put("email", email), headers);
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    JsonObject s = started.json();
    assertThat(s.getString("paymentMethod")).isEqualTo("paypal");
    assertThat(s.getString("orderToken")).isNotBlank();
    assertThat(onApprovalPage(s.getString("approveUrl"), "approve", email).statusCode())
        .isEqualTo(303);
    Api.Response order =
        api.await(
            PATIENCE,
            () ->
                api.send(
                    HttpMethod.GET,
                    "/api/v1/orders/" + s.getString("orderId"),
                    null,
                    null,
                    Map.of("X-Order-Token", s.getString("orderToken"))),
            r -> r.status() == 200 && "paid".equals(r.json().getString("status")));
    assertThat(order.json().getString("status")).as(order.toString()).isEqualTo("paid");
    assertThat(order.json().getJsonObject("payment").getString("provider")).isEqualTo("paypal");
  }

  @Test
  void refundsGoToPayPalAndItsRefundWebhooksAreNotCountedTwice(Api api) throws Exception {
    Product p = product(api, 3_000, 5);
    Accounts.Account buyer = buyer(api, p, 2);
    JsonObject paid = paidWithPayPal(api, buyer);
    String orderId = paid.getString("id");
    long total = paid.getLong("total");
    String admin = admin(api);
    String captureId = captureOf(orderId);

    Api.Response partial =
        api.send(
            HttpMethod.POST,
            "/api/v1/orders/" + orderId + "/refund",
            admin,
            new JsonObject().put("amount", 1_000).put("reason", "a scratched bowl"),
            Map.of("Idempotency-Key", "pp-" + UUID.randomUUID()));
    assertThat(partial.status()).as(partial.toString()).isEqualTo(200);
    assertThat(partial.json().getJsonObject("payment").getLong("refunded")).isEqualTo(1_000);
    assertThat(partial.json().getString("status")).isEqualTo("paid");
    JsonObject capture = atPayPal("/v2/payments/captures/" + captureId);
    assertThat(capture.getString("status")).isEqualTo("PARTIALLY_REFUNDED");

    Api.Response rest =
        api.send(
            HttpMethod.POST,
            "/api/v1/orders/" + orderId + "/refund",
            admin,
            new JsonObject().put("reason", "requested_by_customer"),
            Map.of("Idempotency-Key", "pp-" + UUID.randomUUID()));
    assertThat(rest.status()).as(rest.toString()).isEqualTo(200);
    assertThat(rest.json().getJsonObject("payment").getLong("refunded")).isEqualTo(total);
    assertThat(rest.json().getString("status")).isEqualTo("cancelled");
    assertThat(atPayPal("/v2/payments/captures/" + captureId).getString("status"))
        .isEqualTo("REFUNDED");
    assertThat(ledger(orderId))
        .containsExactly(
            "session_created:paypal", "succeeded:paypal", "refunded:paypal", "refunded:paypal");

    // PayPal's PAYMENT.CAPTURE.REFUNDED for both arrive and are applied: nothing counted again
    api.await(
        PATIENCE,
        () -> api.get("/api/v1/orders/" + orderId, admin),
        r -> refundEventsApplied(captureId) == 2);
    assertThat(refundEventsApplied(captureId)).isEqualTo(2);
    JsonObject after = api.get("/api/v1/orders/" + orderId, admin).json();
    assertThat(after.getJsonObject("payment").getLong("refunded")).isEqualTo(total);
    assertThat(ledger(orderId)).filteredOn(k -> k.startsWith("refunded")).hasSize(2);
    assertThat(stock(p.sku()).getInteger("stock")).isEqualTo(5);
  }

  private static String captureOf(String orderId) {
    return TestPlatform.db()
        .preparedQuery(
            "SELECT stripe_intent FROM payment.ledger WHERE order_id = $1 AND kind = 'succeeded'")
        .execute(Tuple.of(UUID.fromString(orderId)))
        .await()
        .iterator()
        .next()
        .getString(0);
  }

  private static long refundEventsApplied(String captureId) {
    return TestPlatform.db()
        .preparedQuery(
            "SELECT count(*) FROM payment.webhook_events WHERE provider = 'paypal'"
                + " AND event_type = 'PAYMENT.CAPTURE.REFUNDED' AND processed_at IS NOT NULL"
                + " AND payload->'resource'->'links' @> jsonb_build_array(jsonb_build_object('rel', 'up'))"
                + " AND payload::text LIKE '%' || $1 || '%'")
        .execute(Tuple.of(captureId))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aCaptureThatSlipsThroughForACancelledOrderIsRefundedInFull(Api api) throws Exception {
    Product p = product(api, 2_500, 3);
    Accounts.Account buyer = buyer(api, p, 1);
    JsonObject s = paypalCheckout(api, buyer).json();
    String orderId = s.getString("orderId");
    String paypalOrderId = s.getString("paypalOrderId");
    Api.Response cancelled =
        api.post("/api/v1/orders/" + orderId + "/cancel", buyer.accessToken(), new JsonObject());
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    assertThat(
            onApprovalPage(s.getString("approveUrl"), "approve", "buyer@paypal.test").statusCode())
        .isEqualTo(303);
    // a capture the platform did not make (one that began before the order was closed, say)
    HttpResponse<String> captured =
        toPayPal(
            HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{}")),
            "/v2/checkout/orders/" + paypalOrderId + "/capture");
    assertThat(captured.statusCode()).as(captured.body()).isEqualTo(201);
    String captureId =
        new JsonObject(captured.body())
            .getJsonArray("purchase_units")
            .getJsonObject(0)
            .getJsonObject("payments")
            .getJsonArray("captures")
            .getJsonObject(0)
            .getString("id");

    api.await(
        PATIENCE,
        () -> api.get("/api/v1/orders/" + orderId, buyer.accessToken()),
        r -> {
          try {
            return "REFUNDED"
                .equals(atPayPal("/v2/payments/captures/" + captureId).getString("status"));
          } catch (Exception e) {
            return false;
          }
        });
    assertThat(atPayPal("/v2/payments/captures/" + captureId).getString("status"))
        .as("the money went back")
        .isEqualTo("REFUNDED");
    JsonObject order = api.get("/api/v1/orders/" + orderId, buyer.accessToken()).json();
    assertThat(order.getString("status")).isEqualTo("cancelled");
    assertThat(statuses(order)).doesNotContain("paid");
    assertThat(stock(p.sku()).getInteger("stock")).as("nothing sold").isEqualTo(3);
    assertThat(ledger(orderId)).contains("succeeded:paypal", "refunded:paypal");
  }

  // ---- webhooks delivered by the test, signed with the emulator's key as PayPal signs

  /** The emulator's signing key and the URL of its certificate. */
  private record Signer(PrivateKey key, String certUrl) {
    static Signer ofEmulator() throws Exception {
      // the emulator keeps its key and certificate in one PEM file in its data directory
      String pem =
          Files.readString(
              TestPlatform.config().paypalEmulatorDataDir.resolve("webhook-signing.pem"));
      byte[] keyDer = block(pem, "PRIVATE KEY");
      byte[] certDer = block(pem, "CERTIFICATE");
      CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(certDer));
      // it names its certificate by the certificate's SHA-256
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certDer));
      String certId =
          "CERT-" + hex.substring(0, 8) + "-" + hex.substring(8, 16) + "-" + hex.substring(16, 24);
      return new Signer(
          KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(keyDer)),
          TestPlatform.platform().paypalEmulatorUrl() + "/v1/notifications/certs/" + certId);
    }

    private static byte[] block(String pem, String type) {
      String begin = "-----BEGIN " + type + "-----";
      int start = pem.indexOf(begin);
      int end = pem.indexOf("-----END " + type + "-----", start);
      return Base64.getMimeDecoder()
          .decode(pem.substring(start + begin.length(), end).replaceAll("\\s", ""));
    }

    /** The PAYPAL-* headers for {@code body}, signed at {@code time} with this key. */
    Map<String, String> headers(byte[] body, String certUrl, Instant time) throws Exception {
      String id = UUID.randomUUID().toString();
      String when = time.truncatedTo(ChronoUnit.SECONDS).toString();
      CRC32 crc = new CRC32();
      crc.update(body);
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(
          (id + "|" + when + "|" + TestPlatform.config().paypalWebhookId + "|" + crc.getValue())
              .getBytes(StandardCharsets.UTF_8));
      Map<String, String> h = new HashMap<>();
      h.put("Content-Type", "application/json");
      h.put("PAYPAL-TRANSMISSION-ID", id);
      h.put("PAYPAL-TRANSMISSION-TIME", when);
      h.put("PAYPAL-TRANSMISSION-SIG", Base64.getEncoder().encodeToString(rsa.sign()));
      h.put("PAYPAL-CERT-URL", certUrl);
      h.put("PAYPAL-AUTH-ALGO", "SHA256withRSA");
      return h;
    }

    Map<String, String> headers(byte[] body) throws Exception {
      return headers(body, certUrl, Instant.now());
    }
  }

  private static Api.Response deliver(Api api, byte[] body, Map<String, String> headers) {
    return api.raw(
        HttpMethod.POST, "/api/v1/payments/paypal/webhook", null, Buffer.buffer(body), headers);
  }

  /** The PAYMENT.CAPTURE.COMPLETED the emulator sent for the order, as the inbox holds it. */
  private static JsonObject captureEvent(String orderId) {
    return TestPlatform.db()
        .preparedQuery(
            "SELECT payload FROM payment.webhook_events WHERE provider = 'paypal'"
                + " AND event_type = 'PAYMENT.CAPTURE.COMPLETED' AND payload->'resource'->>'custom_id' = $1")
        .execute(Tuple.of(orderId))
        .await()
        .iterator()
        .next()
        .getJsonObject(0);
  }

  @Test
  void anEventDeliveredTwiceIsAppliedOnce(Api api) throws Exception {
    Product p = product(api, 1_200, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    String orderId = paidWithPayPal(api, buyer).getString("id");
    JsonObject event =
        api.await(
                        PATIENCE,
                        () -> api.get("/api/v1/orders/" + orderId, buyer.accessToken()),
                        r -> {
                          try {
                            captureEvent(orderId);
                            return true;
                          } catch (java.util.NoSuchElementException notYet) {
                            return false;
                          }
                        })
                    .status()
                == 200
            ? captureEvent(orderId)
            : null;
    assertThat(event).isNotNull();
    Signer signer = Signer.ofEmulator();

    // the emulator's event once more, and a new event id for the same capture, twice
    byte[] again = event.encode().getBytes(StandardCharsets.UTF_8);
    Api.Response redelivered = deliver(api, again, signer.headers(again));
    assertThat(redelivered.status()).as(redelivered.toString()).isEqualTo(200);
    assertThat(redelivered.json().getBoolean("duplicate")).isTrue();
    String newId = "WH-IT-" + UUID.randomUUID();
    byte[] fresh = event.copy().put("id", newId).encode().getBytes(StandardCharsets.UTF_8);
    Api.Response first = deliver(api, fresh, signer.headers(fresh));
    Api.Response second = deliver(api, fresh, signer.headers(fresh));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().getBoolean("duplicate")).isFalse();
    assertThat(second.json().getBoolean("duplicate")).isTrue();
    assertThat(inbox(newId)).isEqualTo(1);
    api.await(
        PATIENCE,
        () -> api.get("/api/v1/orders/" + orderId, buyer.accessToken()),
        r -> processed(newId));
    assertThat(processed(newId)).isTrue();
    assertThat(ledger(orderId)).containsExactly("session_created:paypal", "succeeded:paypal");
    JsonObject order = api.get("/api/v1/orders/" + orderId, buyer.accessToken()).json();
    assertThat(statuses(order)).containsExactly("pending_payment", "paid");
  }

  private static boolean processed(String eventId) {
    return TestPlatform.db()
            .preparedQuery(
                "SELECT count(*) FROM payment.webhook_events WHERE event_id = $1 AND processed_at IS NOT NULL")
            .execute(Tuple.of(eventId))
            .await()
            .iterator()
            .next()
            .getLong(0)
        == 1;
  }

  @Test
  void forgedWebhooksAreRefusedAndChangeNothing(Api api) throws Exception {
    Product p = product(api, 1_300, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    JsonObject s = paypalCheckout(api, buyer).json();
    String orderId = s.getString("orderId");
    Signer signer = Signer.ofEmulator();
    String eventId = "WH-FORGED-" + UUID.randomUUID();
    JsonObject capture =
        new JsonObject()
            .put("id", "FORGED-CAPTURE-" + UUID.randomUUID())
            .put("status", "COMPLETED")
            .put("custom_id", orderId)
            .put("amount", new JsonObject().put("currency_code", "USD").put("value", "13.00"))
            .put(
                "supplementary_data",
                new JsonObject()
                    .put(
                        "related_ids",
                        new JsonObject().put("order_id", s.getString("paypalOrderId"))));
    byte[] body =
        new JsonObject()
            .put("id", eventId)
            .put("event_type", "PAYMENT.CAPTURE.COMPLETED")
            .put("resource_type", "capture")
            .put("resource", capture)
            .encode()
            .getBytes(StandardCharsets.UTF_8);

    Map<String, String> wrongSignature = signer.headers(body);
    wrongSignature.put(
        "PAYPAL-TRANSMISSION-SIG", Base64.getEncoder().encodeToString(new byte[256]));
    Map<String, String> foreignCert =
        signer.headers(body, "https://evil.example/v1/notifications/certs/CERT-1", Instant.now());
    Map<String, String> lookalikeCert =
        signer.headers(body, signer.certUrl().replace("127.0.0.1", "127.0.0.2"), Instant.now());
    Map<String, String> stale =
        signer.headers(body, signer.certUrl(), Instant.now().minus(Duration.ofMinutes(10)));
    Map<String, String> missing = signer.headers(body);
    missing.remove("PAYPAL-TRANSMISSION-SIG");
    byte[] tampered =
        new String(body, StandardCharsets.UTF_8)
            .replace("13.00", "0.01")
            .getBytes(StandardCharsets.UTF_8);
    Map<String, String> signedOriginal = signer.headers(body);

    List<Api.Response> answers =
        List.of(
            deliver(api, body, wrongSignature),
            deliver(api, body, foreignCert),
            deliver(api, body, lookalikeCert),
            deliver(api, body, stale),
            deliver(api, body, missing),
            deliver(api, tampered, signedOriginal),
            deliver(api, body, Map.of("Content-Type", "application/json")));
    for (Api.Response r : answers) {
      assertThat(r.status()).as(r.toString()).isEqualTo(400);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    }
    assertThat(inbox(eventId)).isZero();
    assertThat(ledger(orderId)).containsExactly("session_created:paypal");
    assertThat(api.get("/api/v1/orders/" + orderId, buyer.accessToken()).json().getString("status"))
        .isEqualTo("pending_payment");

    // signed right, such a delivery is taken: the verification above refused only the forgeries
    // (as a type the platform ignores, so the made-up capture moves no order)
    byte[] ignored =
        new String(body, StandardCharsets.UTF_8)
            .replace("PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.PENDING")
            .getBytes(StandardCharsets.UTF_8);
    Api.Response genuine = deliver(api, ignored, signer.headers(ignored));
    assertThat(genuine.status()).as(genuine.toString()).isEqualTo(200);
    assertThat(inbox(eventId)).isEqualTo(1);
  }
}
