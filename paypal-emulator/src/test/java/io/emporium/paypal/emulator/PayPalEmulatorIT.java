package io.emporium.paypal.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.emporium.emulator.RetrySchedule;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The PayPal emulator on Vert.x, driven only the way the platform drives PayPal: its REST API over
 * HTTP with a token from {@code /v1/oauth2/token}, the approval page's forms for payers, and a
 * webhook endpoint whose deliveries are checked against the certificate at {@code PAYPAL-CERT-URL}
 * by PayPal's algorithm, with the JDK alone.
 */
class PayPalEmulatorIT {
  private static final String WEBHOOK_ID = "1JE4291016473214C";
  private static final String CLIENT_ID = "it-client";
  private static final String CLIENT_SECRET = "it-secret";
  private static final List<String> BLOCKED = new CopyOnWriteArrayList<>();
  private static final List<Delivery> DELIVERIES = new CopyOnWriteArrayList<>();

  /** Resource id → how many more deliveries about it the endpoint fails with 503. */
  private static final Map<String, AtomicInteger> FAIL_NEXT = new ConcurrentHashMap<>();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private static Vertx vertx;
  private static HttpServer endpoint;
  private static PayPalEmulator emulator;
  private static String token;

  /** One POST to the webhook endpoint, as received. */
  record Delivery(byte[] body, Map<String, String> headers, JsonObject event, int answered) {
    String type() {
      return event.getString("event_type");
    }

    String resourceId() {
      return event.getJsonObject("resource").getString("id");
    }
  }

  @BeforeAll
  static void start() {
    Logger checker = (Logger) LoggerFactory.getLogger(BlockedThreadChecker.LOGGER_NAME);
    AppenderBase<ILoggingEvent> appender =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            BLOCKED.add(event.getFormattedMessage());
          }
        };
    appender.setContext(checker.getLoggerContext());
    appender.start();
    checker.addAppender(appender);

    vertx = Vertx.vertx();
    endpoint =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              JsonObject event = new JsonObject(body);
                              String resourceId = event.getJsonObject("resource").getString("id");
                              AtomicInteger failures = FAIL_NEXT.get(resourceId);
                              int status =
                                  failures != null && failures.getAndDecrement() > 0 ? 503 : 200;
                              Map<String, String> headers = new ConcurrentHashMap<>();
                              request
                                  .headers()
                                  .forEach(
                                      h -> headers.put(h.getKey().toUpperCase(), h.getValue()));
                              DELIVERIES.add(new Delivery(body.getBytes(), headers, event, status));
                              request.response().setStatusCode(status).end();
                            }))
            .listen(0, "127.0.0.1")
            .await();
    emulator = new PayPalEmulator(options(dataDir("paypal-emulator-it")));
    vertx.deployVerticle(emulator).await();
    token = token(emulator.baseUrl(), CLIENT_ID, CLIENT_SECRET);
  }

  private static PayPalEmulator.Options options(Path dataDir) {
    return PayPalEmulator.Options.of(
            "127.0.0.1",
            0,
            "http://127.0.0.1:" + endpoint.actualPort() + "/api/v1/payments/paypal/webhook",
            WEBHOOK_ID)
        .withClient(CLIENT_ID, CLIENT_SECRET)
        .withWebhookRetries(new RetrySchedule(Duration.ofMillis(300), Duration.ofSeconds(1), 5))
        .withSweepInterval(Duration.ofMillis(200))
        .withPendingReview(Duration.ofSeconds(1))
        .withDataDir(dataDir);
  }

  private static Path dataDir(String name) {
    try {
      Path dir = Files.createTempDirectory(name);
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    assertThat(BLOCKED).as("Vert.x reported a blocked event loop").isEmpty();
  }

  // --- HTTP helpers ---

  record Answer(int status, JsonObject json, HttpResponse<String> response) {}

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Answer answer(HttpResponse<String> response) {
    String body = response.body();
    JsonObject json =
        body == null || body.isBlank() || !body.strip().startsWith("{")
            ? new JsonObject()
            : new JsonObject(body);
    return new Answer(response.statusCode(), json, response);
  }

  private static String basic(String id, String secret) {
    return "Basic "
        + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static Answer tokenRequest(String base, String id, String secret) {
    return answer(
        send(
            HttpRequest.newBuilder(URI.create(base + "/v1/oauth2/token"))
                .header("Authorization", basic(id, secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build()));
  }

  private static String token(String base, String id, String secret) {
    Answer answer = tokenRequest(base, id, secret);
    assertThat(answer.status()).isEqualTo(200);
    return answer.json().getString("access_token");
  }

  private static Answer post(String path, JsonObject body, String requestId) {
    return post(emulator.baseUrl(), token, path, body, requestId, null);
  }

  private static Answer post(
      String base, String bearer, String path, JsonObject body, String requestId, String prefer) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode()));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (requestId != null) {
      request.header("PayPal-Request-Id", requestId);
    }
    if (prefer != null) {
      request.header("Prefer", prefer);
    }
    return answer(send(request.build()));
  }

  private static Answer get(String path) {
    return get(emulator.baseUrl(), token, path);
  }

  private static Answer get(String base, String bearer, String path) {
    return answer(
        send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + bearer)
                .GET()
                .build()));
  }

  private static HttpResponse<String> form(String url, String form) {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  private static JsonObject order(String value, String customId) {
    return new JsonObject()
        .put("intent", "CAPTURE")
        .put(
            "purchase_units",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("reference_id", "order-" + customId)
                        .put("custom_id", customId)
                        .put("invoice_id", "INV-" + customId)
                        .put("description", "Emporium order " + customId)
                        .put(
                            "amount",
                            new JsonObject().put("currency_code", "EUR").put("value", value))))
        .put(
            "payment_source",
            new JsonObject()
                .put(
                    "paypal",
                    new JsonObject()
                        .put(
                            "experience_context",
                            new JsonObject()
                                .put(
                                    "return_url",
                                    "https://shop.example/paypal/return?o=" + customId)
                                .put("cancel_url", "https://shop.example/paypal/cancel"))));
  }

  private static String link(JsonObject object, String rel) {
    for (Object l : object.getJsonArray("links")) {
      JsonObject link = (JsonObject) l;
      if (link.getString("rel").equals(rel)) {
        return link.getString("href");
      }
    }
    return null;
  }

  private static String created(String value, String customId) {
    Answer created = post("/v2/checkout/orders", order(value, customId), null);
    assertThat(created.status()).isEqualTo(201);
    return created.json().getString("id");
  }

  private static String approveUrl(String id) {
    return link(get("/v2/checkout/orders/" + id).json(), "payer-action");
  }

  private static HttpResponse<String> approve(String id, String email) {
    return form(
        approveUrl(id) + "/approve",
        email == null ? "" : "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8));
  }

  private static Delivery awaitDelivery(String type, String resourceId, int answered) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (Delivery d : DELIVERIES) {
        if (d.type().equals(type)
            && d.resourceId().equals(resourceId)
            && d.answered() == answered) {
          return d;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("no " + type + " delivery about " + resourceId + ": " + DELIVERIES);
  }

  /** PayPal's own check: the certificate from PAYPAL-CERT-URL verifies id|time|webhookId|crc32. */
  private static boolean verifiesOffline(Delivery delivery, String webhookId) throws Exception {
    HttpResponse<String> pem =
        send(HttpRequest.newBuilder(URI.create(delivery.headers().get("PAYPAL-CERT-URL"))).build());
    assertThat(pem.statusCode()).isEqualTo(200);
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(pem.body().getBytes(StandardCharsets.US_ASCII)));
    cert.checkValidity();
    cert.verify(cert.getPublicKey());
    CRC32 crc = new CRC32();
    crc.update(delivery.body());
    String signed =
        delivery.headers().get("PAYPAL-TRANSMISSION-ID")
            + "|"
            + delivery.headers().get("PAYPAL-TRANSMISSION-TIME")
            + "|"
            + webhookId
            + "|"
            + crc.getValue();
    Signature signature = Signature.getInstance(delivery.headers().get("PAYPAL-AUTH-ALGO"));
    signature.initVerify(cert);
    signature.update(signed.getBytes(StandardCharsets.UTF_8));
    return signature.verify(
        Base64.getDecoder().decode(delivery.headers().get("PAYPAL-TRANSMISSION-SIG")));
  }

  // --- tests ---

  @Test
  void tokensAreIssuedToTheConfiguredClientOnlyAndRequiredEverywhere() {
    Answer issued = tokenRequest(emulator.baseUrl(), CLIENT_ID, CLIENT_SECRET);
    assertThat(issued.json().getString("token_type")).isEqualTo("Bearer");
    assertThat(issued.json().getString("access_token")).startsWith("A21AA");
    assertThat(issued.json().getLong("expires_in")).isEqualTo(32_400L);
    assertThat(issued.json().fieldNames()).contains("scope", "app_id", "nonce");

    Answer wrong = tokenRequest(emulator.baseUrl(), CLIENT_ID, "nope");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().getString("error")).isEqualTo("invalid_client");

    Answer noToken =
        post(emulator.baseUrl(), null, "/v2/checkout/orders", order("1.00", "t"), null, null);
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.json().getString("error")).isEqualTo("invalid_token");
    Answer badToken = get(emulator.baseUrl(), "A21AAnot-a-token", "/v2/checkout/orders/X");
    assertThat(badToken.status()).isEqualTo(401);
    assertThat(badToken.json().getString("error")).isEqualTo("invalid_token");
  }

  @Test
  void createIsIdempotentWithPayPalRequestId() {
    String requestId = UUID.randomUUID().toString();
    Answer first = post("/v2/checkout/orders", order("12.34", "idem"), requestId);
    Answer again = post("/v2/checkout/orders", order("12.34", "idem"), requestId);
    Answer other =
        post("/v2/checkout/orders", order("12.34", "idem"), UUID.randomUUID().toString());
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().getString("status")).isEqualTo("PAYER_ACTION_REQUIRED");
    assertThat(link(first.json(), "payer-action"))
        .isEqualTo(emulator.baseUrl() + "/checkoutnow/" + first.json().getString("id"));
    assertThat(link(first.json(), "self"))
        .isEqualTo(emulator.baseUrl() + "/v2/checkout/orders/" + first.json().getString("id"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(other.json().getString("id")).isNotEqualTo(first.json().getString("id"));
  }

  @Test
  void approvedOrderIsCapturedOnceAndItsWebhooksVerify() throws Exception {
    String id = created("12.30", "paid");
    HttpResponse<String> page =
        send(HttpRequest.newBuilder(URI.create(approveUrl(id))).GET().build());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("12.30 EUR", "/checkoutnow/" + id + "/approve");

    HttpResponse<String> approved = approve(id, null);
    assertThat(approved.statusCode()).isEqualTo(303);
    String location = approved.headers().firstValue("Location").orElseThrow();
    assertThat(location)
        .startsWith("https://shop.example/paypal/return?o=paid&token=" + id + "&PayerID=");
    JsonObject order = get("/v2/checkout/orders/" + id).json();
    assertThat(order.getString("status")).isEqualTo("APPROVED");
    assertThat(order.getJsonObject("payer").getString("email_address"))
        .isEqualTo("buyer@paypal.test");
    assertThat(location).endsWith("PayerID=" + order.getJsonObject("payer").getString("payer_id"));

    Answer capture = post("/v2/checkout/orders/" + id + "/capture", null, "capture-" + id);
    assertThat(capture.status()).isEqualTo(201);
    assertThat(capture.json().getString("status")).isEqualTo("COMPLETED");
    JsonObject unit = capture.json().getJsonArray("purchase_units").getJsonObject(0);
    assertThat(unit.getString("reference_id")).isEqualTo("order-paid");
    JsonObject captured = unit.getJsonObject("payments").getJsonArray("captures").getJsonObject(0);
    assertThat(captured.getString("status")).isEqualTo("COMPLETED");
    assertThat(captured.getJsonObject("amount"))
        .isEqualTo(new JsonObject().put("currency_code", "EUR").put("value", "12.30"));
    assertThat(captured.getBoolean("final_capture")).isTrue();
    assertThat(captured.getString("custom_id")).isEqualTo("paid");
    assertThat(captured.getString("invoice_id")).isEqualTo("INV-paid");
    assertThat(captured.getString("create_time")).isNotNull();

    Answer replay = post("/v2/checkout/orders/" + id + "/capture", null, "capture-" + id);
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.json()).isEqualTo(capture.json());
    Answer twice = post("/v2/checkout/orders/" + id + "/capture", null, null);
    assertThat(twice.status()).isEqualTo(422);
    assertThat(twice.json().getString("name")).isEqualTo("UNPROCESSABLE_ENTITY");
    assertThat(twice.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("ORDER_ALREADY_CAPTURED");
    assertThat(twice.json().getString("debug_id")).isNotBlank();

    Delivery approvedEvent = awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 200);
    assertThat(approvedEvent.event().getString("resource_type")).isEqualTo("checkout-order");
    assertThat(approvedEvent.event().getString("id")).startsWith("WH-");
    assertThat(approvedEvent.headers().get("PAYPAL-AUTH-ALGO")).isEqualTo("SHA256withRSA");
    assertThat(approvedEvent.headers().get("PAYPAL-CERT-URL"))
        .startsWith(emulator.baseUrl() + "/v1/notifications/certs/CERT-");
    assertThat(verifiesOffline(approvedEvent, WEBHOOK_ID)).isTrue();
    assertThat(verifiesOffline(approvedEvent, "another-webhook")).isFalse();

    String captureId = captured.getString("id");
    Delivery completed = awaitDelivery("PAYMENT.CAPTURE.COMPLETED", captureId, 200);
    assertThat(verifiesOffline(completed, WEBHOOK_ID)).isTrue();
    JsonObject resource = completed.event().getJsonObject("resource");
    assertThat(resource.getString("custom_id")).isEqualTo("paid");
    assertThat(
            resource
                .getJsonObject("supplementary_data")
                .getJsonObject("related_ids")
                .getString("order_id"))
        .isEqualTo(id);
    assertThat(get("/v2/payments/captures/" + captureId).json().getString("status"))
        .isEqualTo("COMPLETED");
  }

  @Test
  void captureIsRefusedBeforeApprovalAndForUnknownOrders() {
    String id = created("5.00", "early");
    Answer early = post("/v2/checkout/orders/" + id + "/capture", null, null);
    assertThat(early.status()).isEqualTo(422);
    assertThat(early.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("ORDER_NOT_APPROVED");
    Answer unknown = post("/v2/checkout/orders/NOSUCHORDER000000/capture", null, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("name")).isEqualTo("RESOURCE_NOT_FOUND");
    assertThat(get("/v2/checkout/orders/NOSUCHORDER000000").status()).isEqualTo(404);
  }

  @Test
  void legacyApplicationContextGetsAnApproveLinkAndCancelGoesBack() {
    JsonObject body = order("7.00", "legacy");
    body.remove("payment_source");
    body.put(
        "application_context",
        new JsonObject()
            .put("return_url", "https://shop.example/r")
            .put("cancel_url", "https://shop.example/c?x=1"));
    Answer created =
        post(emulator.baseUrl(), token, "/v2/checkout/orders", body, null, "return=representation");
    assertThat(created.json().getString("status")).isEqualTo("CREATED");
    assertThat(created.json().getJsonArray("purchase_units")).hasSize(1);
    String approve = link(created.json(), "approve");
    String id = created.json().getString("id");
    assertThat(approve).isEqualTo(emulator.baseUrl() + "/checkoutnow/" + id);
    HttpResponse<String> cancelled = form(approve + "/cancel", "");
    assertThat(cancelled.statusCode()).isEqualTo(303);
    assertThat(cancelled.headers().firstValue("Location"))
        .contains("https://shop.example/c?x=1&token=" + id);
    assertThat(get("/v2/checkout/orders/" + id).json().getString("status")).isEqualTo("CREATED");
  }

  @Test
  void aDecliningPayerIsRefusedAtCaptureAndMayApproveAgain() {
    String id = created("9.99", "declined");
    assertThat(approve(id, "decline@paypal.test").statusCode()).isEqualTo(303);
    Answer declined = post("/v2/checkout/orders/" + id + "/capture", null, "cap-" + id);
    assertThat(declined.status()).isEqualTo(422);
    assertThat(declined.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("INSTRUMENT_DECLINED");
    assertThat(link(declined.json(), "redirect")).endsWith("/checkoutnow/" + id);
    assertThat(get("/v2/checkout/orders/" + id).json().getString("status"))
        .isEqualTo("PAYER_ACTION_REQUIRED");

    assertThat(approve(id, "someone.else@example.com").statusCode()).isEqualTo(303);
    Answer paid = post("/v2/checkout/orders/" + id + "/capture", null, "cap-" + id);
    assertThat(paid.status()).isEqualTo(201);
    assertThat(paid.json().getString("status")).isEqualTo("COMPLETED");
  }

  @Test
  void anInvoicePaidOnceCannotBePaidByAnotherOrder() {
    String first = created("2.50", "invoice");
    approve(first, null);
    assertThat(post("/v2/checkout/orders/" + first + "/capture", null, null).status())
        .isEqualTo(201);
    String second = created("2.50", "invoice");
    approve(second, null);
    Answer duplicate = post("/v2/checkout/orders/" + second + "/capture", null, null);
    assertThat(duplicate.status()).isEqualTo(422);
    assertThat(duplicate.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("DUPLICATE_INVOICE_ID");
    assertThat(get("/v2/checkout/orders/" + second).json().getString("status"))
        .isEqualTo("APPROVED");
  }

  @Test
  void aPendingCaptureCompletesAfterItsReviewWithBothWebhooks() throws Exception {
    String id = created("6.50", "pending");
    assertThat(approve(id, "pending@paypal.test").statusCode()).isEqualTo(303);
    Answer capture = post("/v2/checkout/orders/" + id + "/capture", null, null);
    assertThat(capture.status()).isEqualTo(201);
    assertThat(capture.json().getString("status")).isEqualTo("COMPLETED");
    JsonObject captured =
        capture
            .json()
            .getJsonArray("purchase_units")
            .getJsonObject(0)
            .getJsonObject("payments")
            .getJsonArray("captures")
            .getJsonObject(0);
    String captureId = captured.getString("id");
    assertThat(captured.getString("status")).isEqualTo("PENDING");
    assertThat(captured.getJsonObject("status_details").getString("reason"))
        .isEqualTo("PENDING_REVIEW");
    Answer early = post("/v2/payments/captures/" + captureId + "/refund", new JsonObject(), null);
    assertThat(early.status()).isEqualTo(422);
    assertThat(early.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("CAPTURE_STATUS_NOT_VALID");

    assertThat(
            verifiesOffline(awaitDelivery("PAYMENT.CAPTURE.PENDING", captureId, 200), WEBHOOK_ID))
        .isTrue();
    Delivery completed = awaitDelivery("PAYMENT.CAPTURE.COMPLETED", captureId, 200);
    assertThat(verifiesOffline(completed, WEBHOOK_ID)).isTrue();
    assertThat(get("/v2/payments/captures/" + captureId).json().getString("status"))
        .isEqualTo("COMPLETED");
    assertThat(
            post("/v2/payments/captures/" + captureId + "/refund", new JsonObject(), null).status())
        .isEqualTo(201);
  }

  @Test
  void aDeniedCaptureCompletesTheOrderDeclinedWithItsWebhook() throws Exception {
    String id = created("4.00", "denied");
    assertThat(approve(id, "denied@paypal.test").statusCode()).isEqualTo(303);
    Answer capture = post("/v2/checkout/orders/" + id + "/capture", null, null);
    assertThat(capture.status()).isEqualTo(201);
    JsonObject captured =
        capture
            .json()
            .getJsonArray("purchase_units")
            .getJsonObject(0)
            .getJsonObject("payments")
            .getJsonArray("captures")
            .getJsonObject(0);
    assertThat(captured.getString("status")).isEqualTo("DECLINED");
    Delivery denied = awaitDelivery("PAYMENT.CAPTURE.DENIED", captured.getString("id"), 200);
    assertThat(verifiesOffline(denied, WEBHOOK_ID)).isTrue();
  }

  @Test
  void refundsArePartialOrWholeAndNeverMoreThanCaptured() throws Exception {
    String id = created("10.00", "refund");
    approve(id, null);
    String captureId =
        post("/v2/checkout/orders/" + id + "/capture", null, null)
            .json()
            .getJsonArray("purchase_units")
            .getJsonObject(0)
            .getJsonObject("payments")
            .getJsonArray("captures")
            .getJsonObject(0)
            .getString("id");
    String path = "/v2/payments/captures/" + captureId + "/refund";
    JsonObject three =
        new JsonObject()
            .put("amount", new JsonObject().put("currency_code", "EUR").put("value", "3.00"))
            .put("note_to_payer", "sorry");
    Answer partial = post(path, three, "refund-1");
    assertThat(partial.status()).isEqualTo(201);
    assertThat(partial.json().getString("status")).isEqualTo("COMPLETED");
    assertThat(post(path, three, "refund-1").json().getString("id"))
        .isEqualTo(partial.json().getString("id"));
    JsonObject refund = get("/v2/payments/refunds/" + partial.json().getString("id")).json();
    assertThat(refund.getJsonObject("amount").getString("value")).isEqualTo("3.00");
    assertThat(link(refund, "up")).endsWith("/v2/payments/captures/" + captureId);
    assertThat(get("/v2/payments/captures/" + captureId).json().getString("status"))
        .isEqualTo("PARTIALLY_REFUNDED");

    JsonObject eight =
        new JsonObject()
            .put("amount", new JsonObject().put("currency_code", "EUR").put("value", "8.00"));
    Answer over = post(path, eight, null);
    assertThat(over.status()).isEqualTo(422);
    assertThat(over.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("REFUND_AMOUNT_EXCEEDED");

    Answer rest =
        post(emulator.baseUrl(), token, path, new JsonObject(), null, "return=representation");
    assertThat(rest.status()).isEqualTo(201);
    assertThat(rest.json().getJsonObject("amount").getString("value")).isEqualTo("7.00");
    assertThat(
            rest.json()
                .getJsonObject("seller_payable_breakdown")
                .getJsonObject("total_refunded_amount")
                .getString("value"))
        .isEqualTo("10.00");
    assertThat(get("/v2/payments/captures/" + captureId).json().getString("status"))
        .isEqualTo("REFUNDED");
    Answer again = post(path, new JsonObject(), null);
    assertThat(again.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("CAPTURE_FULLY_REFUNDED");
    Delivery refunded =
        awaitDelivery("PAYMENT.CAPTURE.REFUNDED", partial.json().getString("id"), 200);
    assertThat(verifiesOffline(refunded, WEBHOOK_ID)).isTrue();
  }

  @Test
  void verifyWebhookSignatureApiChecksLikePayPal() {
    String id = created("2.00", "verify");
    approve(id, null);
    Delivery delivery = awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 200);
    JsonObject request =
        new JsonObject()
            .put("auth_algo", delivery.headers().get("PAYPAL-AUTH-ALGO"))
            .put("cert_url", delivery.headers().get("PAYPAL-CERT-URL"))
            .put("transmission_id", delivery.headers().get("PAYPAL-TRANSMISSION-ID"))
            .put("transmission_sig", delivery.headers().get("PAYPAL-TRANSMISSION-SIG"))
            .put("transmission_time", delivery.headers().get("PAYPAL-TRANSMISSION-TIME"))
            .put("webhook_id", WEBHOOK_ID)
            .put(
                "webhook_event",
                new JsonObject(new String(delivery.body(), StandardCharsets.UTF_8)));
    String path = "/v1/notifications/verify-webhook-signature";
    Answer good = post(path, request, null);
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.json().getString("verification_status")).isEqualTo("SUCCESS");

    JsonObject tampered = request.copy();
    tampered.getJsonObject("webhook_event").put("summary", "Payment completed for $ 1000000 USD");
    assertThat(post(path, tampered, null).json().getString("verification_status"))
        .isEqualTo("FAILURE");
    assertThat(
            post(path, request.copy().put("webhook_id", "OTHER"), null)
                .json()
                .getString("verification_status"))
        .isEqualTo("FAILURE");
    Answer incomplete = post(path, request.copy().putNull("transmission_sig"), null);
    assertThat(incomplete.status()).isEqualTo(400);
  }

  @Test
  void badRequestsGetPayPalsErrors() {
    JsonObject noAmount = order("1.00", "bad");
    noAmount.getJsonArray("purchase_units").getJsonObject(0).remove("amount");
    Answer missing = post("/v2/checkout/orders", noAmount, null);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().getString("name")).isEqualTo("INVALID_REQUEST");
    assertThat(missing.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("MISSING_REQUIRED_PARAMETER");

    Answer decimals = post("/v2/checkout/orders", order("1.001", "bad"), null);
    assertThat(decimals.status()).isEqualTo(422);
    assertThat(decimals.json().getJsonArray("details").getJsonObject(0).getString("issue"))
        .isEqualTo("DECIMAL_PRECISION");
    JsonObject yen = order("100.50", "bad");
    yen.getJsonArray("purchase_units")
        .getJsonObject(0)
        .getJsonObject("amount")
        .put("currency_code", "JPY");
    assertThat(post("/v2/checkout/orders", yen, null).status()).isEqualTo(422);

    HttpResponse<String> malformed =
        send(
            HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/checkout/orders"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"intent\":"))
                .build());
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(malformed.body()).getString("name")).isEqualTo("INVALID_REQUEST");
  }

  @Test
  void theApprovalPageRefusesBadInputAndApprovesOnce() {
    String id = created("8.00", "page");
    assertThat(approve(id, "not-an-address").statusCode()).isEqualTo(400);
    assertThat(get("/v2/checkout/orders/" + id).json().getString("status"))
        .isEqualTo("PAYER_ACTION_REQUIRED");
    String location = approve(id, null).headers().firstValue("Location").orElseThrow();
    HttpResponse<String> again =
        form(emulator.baseUrl() + "/checkoutnow/" + id + "/approve", "email=someone%40example.com");
    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(again.headers().firstValue("Location")).contains(location);
    awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 200);
    assertThat(post("/v2/checkout/orders/" + id + "/capture", null, null).status()).isEqualTo(201);
    HttpResponse<String> paidPage =
        send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/checkoutnow/" + id)).build());
    assertThat(paidPage.statusCode()).isEqualTo(409);
    assertThat(form(emulator.baseUrl() + "/checkoutnow/" + id + "/approve", "").statusCode())
        .isEqualTo(409);
    assertThat(
            send(HttpRequest.newBuilder(
                        URI.create(emulator.baseUrl() + "/checkoutnow/NOSUCHORDER000000"))
                    .build())
                .statusCode())
        .isEqualTo(404);
    assertThat(
            DELIVERIES.stream()
                .filter(
                    d -> d.type().equals("CHECKOUT.ORDER.APPROVED") && d.resourceId().equals(id)))
        .as("one approval, one event")
        .hasSize(1);
  }

  @Test
  void aBodyThatIsNotJsonIs415AndAnEventCanBeSentAgain() {
    HttpResponse<String> notJson =
        send(
            HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/checkout/orders"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("intent=CAPTURE"))
                .build());
    assertThat(notJson.statusCode()).isEqualTo(415);
    assertThat(post("/v2/checkout/orders", new JsonObject(), null).status()).isEqualTo(400);

    String id = created("1.50", "resend");
    approve(id, null);
    String eventId = awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 200).event().getString("id");
    assertThat(get("/v1/notifications/webhooks-events/" + eventId).json().getString("event_type"))
        .isEqualTo("CHECKOUT.ORDER.APPROVED");
    Answer resent = post("/v1/notifications/webhooks-events/" + eventId + "/resend", null, null);
    assertThat(resent.status()).isEqualTo(202);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (DELIVERIES.stream().filter(d -> d.event().getString("id").equals(eventId)).count() < 2
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(DELIVERIES.stream().filter(d -> d.event().getString("id").equals(eventId)))
        .hasSize(2);
  }

  @Test
  void failedDeliveriesAreRetried() {
    String id = created("3.00", "retry");
    FAIL_NEXT.put(id, new AtomicInteger(2));
    approve(id, null);
    awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 503);
    Delivery delivered = awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 200);
    assertThat(
            DELIVERIES.stream()
                .filter(d -> d.resourceId().equals(id))
                .map(d -> d.event().getString("id"))
                .distinct())
        .containsExactly(delivered.event().getString("id"));
  }

  @Test
  void aRestartedEmulatorKeepsOrdersTokensAndItsSigningKey() throws Exception {
    Path dir = dataDir("paypal-emulator-restart");
    Vertx own = Vertx.vertx();
    try {
      PayPalEmulator first = new PayPalEmulator(options(dir));
      own.deployVerticle(first).await();
      String bearer = token(first.baseUrl(), CLIENT_ID, CLIENT_SECRET);
      Answer created =
          post(
              first.baseUrl(),
              bearer,
              "/v2/checkout/orders",
              order("6.00", "kept"),
              "kept-1",
              null);
      String id = created.json().getString("id");
      // the endpoint refuses every delivery until the emulator has been restarted
      FAIL_NEXT.put(id, new AtomicInteger(1_000));
      form(first.baseUrl() + "/checkoutnow/" + id + "/approve", "");
      awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 503);
      String certUrl = first.certUrl();
      String pem = send(HttpRequest.newBuilder(URI.create(certUrl)).build()).body();
      own.close().await();

      FAIL_NEXT.remove(id);
      own = Vertx.vertx();
      PayPalEmulator second = new PayPalEmulator(options(dir));
      own.deployVerticle(second).await();
      assertThat(verifiesOffline(awaitDelivery("CHECKOUT.ORDER.APPROVED", id, 200), WEBHOOK_ID))
          .as("the delivery unfinished at the restart, resumed")
          .isTrue();
      Answer order = get(second.baseUrl(), bearer, "/v2/checkout/orders/" + id);
      assertThat(order.status()).isEqualTo(200);
      assertThat(order.json().getString("status")).isEqualTo("APPROVED");
      Answer replay =
          post(
              second.baseUrl(),
              bearer,
              "/v2/checkout/orders",
              order("6.00", "kept"),
              "kept-1",
              null);
      assertThat(replay.json().getString("id")).isEqualTo(id);
      Answer captured =
          post(
              second.baseUrl(), bearer, "/v2/checkout/orders/" + id + "/capture", null, null, null);
      assertThat(captured.json().getString("status")).isEqualTo("COMPLETED");
      assertThat(send(HttpRequest.newBuilder(URI.create(second.certUrl())).build()).body())
          .isEqualTo(pem);
    } finally {
      own.close().await();
    }
  }
}
