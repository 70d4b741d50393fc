package io.emporium.stripe.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.PaymentIntentConfirmParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionRetrieveParams;
import io.emporium.emulator.RetrySchedule;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import io.vertx.core.json.JsonObject;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Stripe emulator on Vert.x, driven only the way the platform drives Stripe: stripe-java for
 * the API (from the test thread), the hosted page's form for customers, and a webhook endpoint that
 * checks every delivery with stripe-java's {@code Webhook.constructEvent}.
 */
class StripeEmulatorIT {
  private static final String WEBHOOK_SECRET = "whsec_it_0123456789abcdef";
  private static final List<String> BLOCKED = new CopyOnWriteArrayList<>();
  private static final List<Delivery> DELIVERIES = new CopyOnWriteArrayList<>();

  /**
   * Object id, or {@code type@order_id} metadata → how many more such deliveries the endpoint fails
   * with 503.
   */
  private static final Map<String, AtomicInteger> FAIL_NEXT = new ConcurrentHashMap<>();

  private static final HttpClient BROWSER =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private static Vertx vertx;
  private static HttpServer endpoint;
  private static StripeEmulator emulator;
  private static StripeClient stripe;

  /** One POST to the webhook endpoint, as received. */
  record Delivery(
      String payload,
      String signature,
      String eventId,
      String type,
      String objectId,
      int answered,
      long atNanos) {}

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
                              JsonObject object =
                                  event.getJsonObject("data").getJsonObject("object");
                              String objectId = object.getString("id");
                              JsonObject metadata =
                                  object.getJsonObject("metadata", new JsonObject());
                              AtomicInteger failures =
                                  FAIL_NEXT.getOrDefault(
                                      objectId,
                                      FAIL_NEXT.get(
                                          event.getString("type")
                                              + "@"
                                              + metadata.getString("order_id")));
                              int status =
                                  failures != null && failures.getAndDecrement() > 0 ? 503 : 200;
                              DELIVERIES.add(
                                  new Delivery(
                                      body.toString(),
                                      request.getHeader("Stripe-Signature"),
                                      event.getString("id"),
                                      event.getString("type"),
                                      objectId,
                                      status,
                                      System.nanoTime()));
                              request.response().setStatusCode(status).end();
                            }))
            .listen(0, "127.0.0.1")
            .await();
    emulator =
        new StripeEmulator(
            StripeEmulator.Options.of(
                    "127.0.0.1",
                    0,
                    "http://127.0.0.1:" + endpoint.actualPort() + "/api/v1/payments/webhook",
                    WEBHOOK_SECRET)
                .withWebhookRetries(
                    new RetrySchedule(Duration.ofMillis(500), Duration.ofSeconds(2), 5))
                .withSweepInterval(Duration.ofMillis(200))
                .withDataDir(dataDir("stripe-emulator-it")));
    vertx.deployVerticle(emulator).await();
    stripe =
        StripeClient.builder()
            .setApiKey("sk_test_it")
            .setApiBase(emulator.baseUrl())
            .setMaxNetworkRetries(0)
            .build();
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

  private static SessionCreateParams.Builder checkout(long... unitAmounts) {
    return checkout("o-1", unitAmounts);
  }

  private static SessionCreateParams.Builder checkout(String orderId, long... unitAmounts) {
    SessionCreateParams.Builder params =
        SessionCreateParams.builder()
            .setMode(SessionCreateParams.Mode.PAYMENT)
            .setSuccessUrl(
                "https://shop.example/orders/" + orderId + "?session={CHECKOUT_SESSION_ID}")
            .setCancelUrl("https://shop.example/cart")
            .setClientReferenceId(orderId)
            .putMetadata("order_id", orderId)
            .setPaymentIntentData(
                SessionCreateParams.PaymentIntentData.builder()
                    .putMetadata("order_id", orderId)
                    .build());
    for (long unitAmount : unitAmounts) {
      params.addLineItem(
          SessionCreateParams.LineItem.builder()
              .setQuantity(2L)
              .setPriceData(
                  SessionCreateParams.LineItem.PriceData.builder()
                      .setCurrency("usd")
                      .setUnitAmount(unitAmount)
                      .setProductData(
                          SessionCreateParams.LineItem.PriceData.ProductData.builder()
                              .setName("Copper kettle")
                              .build())
                      .build())
              .build());
    }
    return params;
  }

  @Test
  void anEmulatorRestartedOnItsDirectoryKeepsSessionsIntentsChargesRefundsEventsAndIdempotencyKeys()
      throws Exception {
    StripeEmulator.Options options =
        StripeEmulator.Options.of(
                "127.0.0.1",
                0,
                "http://127.0.0.1:" + endpoint.actualPort() + "/api/v1/payments/webhook",
                WEBHOOK_SECRET)
            .withDataDir(dataDir("stripe-emulator-restart"));
    StripeEmulator first = new StripeEmulator(options);
    String deployment = vertx.deployVerticle(first).await();
    StripeClient before =
        StripeClient.builder()
            .setApiKey("sk_test_it")
            .setApiBase(first.baseUrl())
            .setMaxNetworkRetries(0)
            .build();
    RequestOptions key = RequestOptions.builder().setIdempotencyKey("restart-o-9").build();
    Session session = before.v1().checkout().sessions().create(checkout("o-9", 2500).build(), key);
    assertThat(pay(session.getUrl(), "4242 4242 4242 4242").statusCode()).isEqualTo(303);
    String intentId =
        before.v1().checkout().sessions().retrieve(session.getId()).getPaymentIntent();
    Refund refund =
        before
            .v1()
            .refunds()
            .create(
                RefundCreateParams.builder().setPaymentIntent(intentId).setAmount(500L).build());
    Event completed = awaitEvent("checkout.session.completed", session.getId());
    vertx.undeploy(deployment).await();

    StripeEmulator second = new StripeEmulator(options);
    String restarted = vertx.deployVerticle(second).await();
    try {
      StripeClient after =
          StripeClient.builder()
              .setApiKey("sk_test_it")
              .setApiBase(second.baseUrl())
              .setMaxNetworkRetries(0)
              .build();
      Session kept = after.v1().checkout().sessions().retrieve(session.getId());
      assertThat(kept.getStatus()).isEqualTo("complete");
      assertThat(kept.getPaymentStatus()).isEqualTo("paid");
      assertThat(kept.getPaymentIntent()).isEqualTo(intentId);
      PaymentIntent intent = after.v1().paymentIntents().retrieve(intentId);
      assertThat(intent.getStatus()).isEqualTo("succeeded");
      assertThat(after.v1().charges().retrieve(intent.getLatestCharge()).getAmountRefunded())
          .isEqualTo(500L);
      assertThat(after.v1().refunds().retrieve(refund.getId()).getAmount()).isEqualTo(500L);
      assertThat(after.v1().events().retrieve(completed.getId()).getType())
          .isEqualTo("checkout.session.completed");
      Session replayed =
          after.v1().checkout().sessions().create(checkout("o-9", 2500).build(), key);
      assertThat(replayed.getId()).isEqualTo(session.getId());
      assertThat(replayed.getLastResponse().headers().firstValue("Idempotent-Replayed"))
          .hasValue("true");
    } finally {
      vertx.undeploy(restarted).await();
    }
  }

  private static HttpResponse<String> pay(String sessionUrl, String card) throws Exception {
    return BROWSER.send(
        HttpRequest.newBuilder(URI.create(sessionUrl + "/pay"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "card=" + URLEncoder.encode(card, StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    headers.forEach(request::header);
    return BROWSER.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<Delivery> delivered(String type, String objectId) {
    return DELIVERIES.stream()
        .filter(d -> d.type().equals(type) && d.objectId().equals(objectId) && d.answered() == 200)
        .toList();
  }

  /**
   * The event of this type about this object, once delivered, as stripe-java's {@code Webhook}
   * verifies it.
   */
  private static Event awaitEvent(String type, String objectId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (delivered(type, objectId).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no "
                + type
                + " for "
                + objectId
                + " delivered; got "
                + DELIVERIES.stream().map(d -> d.type() + " " + d.objectId()).toList());
      }
      Thread.sleep(20);
    }
    Delivery delivery = delivered(type, objectId).get(0);
    Event event = Webhook.constructEvent(delivery.payload(), delivery.signature(), WEBHOOK_SECRET);
    assertThat(event.getApiVersion()).isEqualTo(Stripe.API_VERSION);
    assertThat(event.getLivemode()).isFalse();
    return event;
  }

  private static StripeObject dataObject(Event event) {
    return event
        .getDataObjectDeserializer()
        .getObject()
        .orElseThrow(() -> new AssertionError("stripe-java cannot read " + event.getType()));
  }

  private static int indexOf(String type, String objectId) {
    for (int i = 0; i < DELIVERIES.size(); i++) {
      if (DELIVERIES.get(i).type().equals(type) && DELIVERIES.get(i).objectId().equals(objectId)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aSessionPaidWithTheSuccessCardCompletesAndSendsSignedWebhooks() throws Exception {
    long before = System.currentTimeMillis() / 1000;
    Session created = stripe.v1().checkout().sessions().create(checkout(1500, 250).build());
    assertThat(created.getId()).startsWith("cs_test_");
    assertThat(created.getObject()).isEqualTo("checkout.session");
    assertThat(created.getStatus()).isEqualTo("open");
    assertThat(created.getPaymentStatus()).isEqualTo("unpaid");
    assertThat(created.getAmountTotal()).isEqualTo(3500L);
    assertThat(created.getAmountSubtotal()).isEqualTo(3500L);
    assertThat(created.getCurrency()).isEqualTo("usd");
    assertThat(created.getClientReferenceId()).isEqualTo("o-1");
    assertThat(created.getMetadata()).containsEntry("order_id", "o-1");
    assertThat(created.getLivemode()).isFalse();
    assertThat(created.getExpiresAt()).isBetween(before + 24 * 3600 - 5, before + 24 * 3600 + 5);
    assertThat(created.getUrl()).isEqualTo(emulator.baseUrl() + "/c/pay/" + created.getId());
    assertThat(created.getPaymentIntent()).isNull();

    HttpResponse<String> page = get(created.getUrl(), Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("35.00 USD")
        .contains("action=\"/c/pay/" + created.getId() + "/pay\"")
        .contains("name=\"card\"");

    HttpResponse<String> paid = pay(created.getUrl(), "4242 4242 4242 4242");
    assertThat(paid.statusCode()).isEqualTo(303);
    assertThat(paid.headers().firstValue("Location"))
        .hasValue("https://shop.example/orders/o-1?session=" + created.getId());

    Session session = stripe.v1().checkout().sessions().retrieve(created.getId());
    assertThat(session.getStatus()).isEqualTo("complete");
    assertThat(session.getPaymentStatus()).isEqualTo("paid");
    assertThat(session.getUrl()).isNull();
    PaymentIntent intent = stripe.v1().paymentIntents().retrieve(session.getPaymentIntent());
    assertThat(intent.getId()).startsWith("pi_");
    assertThat(intent.getStatus()).isEqualTo("succeeded");
    assertThat(intent.getAmount()).isEqualTo(3500L);
    assertThat(intent.getAmountReceived()).isEqualTo(3500L);
    assertThat(intent.getMetadata()).containsEntry("order_id", "o-1");

    Event succeeded = awaitEvent("payment_intent.succeeded", intent.getId());
    assertThat(((PaymentIntent) dataObject(succeeded)).getStatus()).isEqualTo("succeeded");
    Event completed = awaitEvent("checkout.session.completed", session.getId());
    Session completedSession = (Session) dataObject(completed);
    assertThat(completedSession.getPaymentStatus()).isEqualTo("paid");
    assertThat(completedSession.getPaymentIntent()).isEqualTo(intent.getId());
    assertThat(completedSession.getClientReferenceId()).isEqualTo("o-1");
    assertThat(indexOf("payment_intent.succeeded", intent.getId()))
        .isLessThan(indexOf("checkout.session.completed", session.getId()));
    assertThat(stripe.v1().events().retrieve(completed.getId()).getType())
        .isEqualTo("checkout.session.completed");

    Session expanded =
        stripe
            .v1()
            .checkout()
            .sessions()
            .retrieve(
                session.getId(),
                SessionRetrieveParams.builder()
                    .addExpand("payment_intent")
                    .addExpand("line_items")
                    .build());
    assertThat(expanded.getPaymentIntentObject().getStatus()).isEqualTo("succeeded");
    assertThat(expanded.getLineItems().getData()).hasSize(2);
    assertThat(expanded.getLineItems().getData().get(0).getAmountTotal()).isEqualTo(3000L);

    HttpResponse<String> again = pay(created.getUrl(), "4242424242424242");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("already been paid");
    assertThat(get(created.getUrl(), Map.of()).body()).contains("already been paid");
    Thread.sleep(200);
    assertThat(
            DELIVERIES.stream()
                .filter(
                    d ->
                        d.objectId().equals(intent.getId())
                            && d.type().equals("payment_intent.succeeded")))
        .hasSize(1);
  }

  @Test
  void aDeclinedCardLeavesTheSessionOpenWithTheErrorOnItsIntentUntilACardPays() throws Exception {
    Session created = stripe.v1().checkout().sessions().create(checkout(1000).build());

    HttpResponse<String> declined = pay(created.getUrl(), "4000 0000 0000 0002");
    assertThat(declined.statusCode()).isEqualTo(402);
    assertThat(declined.body()).contains("Your card was declined.").contains("name=\"card\"");
    Session session = stripe.v1().checkout().sessions().retrieve(created.getId());
    assertThat(session.getStatus()).isEqualTo("open");
    assertThat(session.getPaymentStatus()).isEqualTo("unpaid");
    PaymentIntent intent = stripe.v1().paymentIntents().retrieve(session.getPaymentIntent());
    assertThat(intent.getStatus()).isEqualTo("requires_payment_method");
    assertThat(intent.getLastPaymentError().getCode()).isEqualTo("card_declined");
    assertThat(intent.getLastPaymentError().getDeclineCode()).isEqualTo("generic_decline");
    assertThat(intent.getLastPaymentError().getPaymentMethod().getCard().getLast4())
        .isEqualTo("0002");
    Event failed = awaitEvent("payment_intent.payment_failed", intent.getId());
    assertThat(((PaymentIntent) dataObject(failed)).getLastPaymentError().getMessage())
        .isEqualTo("Your card was declined.");

    assertThat(pay(created.getUrl(), "1234 5678").statusCode()).isEqualTo(400);
    assertThat(pay(created.getUrl(), "4242424242424242").statusCode()).isEqualTo(303);
    PaymentIntent paid = stripe.v1().paymentIntents().retrieve(intent.getId());
    assertThat(paid.getStatus()).isEqualTo("succeeded");
    assertThat(paid.getLastPaymentError()).isNull();
    awaitEvent("checkout.session.completed", created.getId());
  }

  @Test
  void anExpiredSessionCannotBePaidAndIsAnnounced() throws Exception {
    Session created = stripe.v1().checkout().sessions().create(checkout(700).build());
    Session expired = stripe.v1().checkout().sessions().expire(created.getId());
    assertThat(expired.getStatus()).isEqualTo("expired");
    assertThat(expired.getUrl()).isNull();
    assertThat(
            ((Session) dataObject(awaitEvent("checkout.session.expired", created.getId())))
                .getStatus())
        .isEqualTo("expired");

    HttpResponse<String> late = pay(created.getUrl(), "4242424242424242");
    assertThat(late.statusCode()).isEqualTo(410);
    assertThat(late.body()).contains("expired");
    assertThat(stripe.v1().checkout().sessions().retrieve(created.getId()).getPaymentStatus())
        .isEqualTo("unpaid");
    assertThatThrownBy(() -> stripe.v1().checkout().sessions().expire(created.getId()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.getStatusCode()).isEqualTo(400));
  }

  @Test
  void theSweeperExpiresASessionOnceItsExpiresAtPasses() throws Exception {
    long soon = System.currentTimeMillis() / 1000 + 1;
    Session created =
        stripe.v1().checkout().sessions().create(checkout(900).setExpiresAt(soon).build());
    assertThat(created.getStatus()).isEqualTo("open");
    awaitEvent("checkout.session.expired", created.getId());
    assertThat(stripe.v1().checkout().sessions().retrieve(created.getId()).getStatus())
        .isEqualTo("expired");
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .checkout()
                    .sessions()
                    .create(checkout(900).setExpiresAt(soon - 60).build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.getParam()).isEqualTo("expires_at"));
  }

  @Test
  void paymentIntentsConfirmWithStripesTestPaymentMethods() throws Exception {
    PaymentIntent created =
        stripe
            .v1()
            .paymentIntents()
            .create(
                PaymentIntentCreateParams.builder()
                    .setAmount(2000L)
                    .setCurrency("usd")
                    .putMetadata("order_id", "o-2")
                    .build());
    assertThat(created.getId()).startsWith("pi_");
    assertThat(created.getStatus()).isEqualTo("requires_payment_method");
    assertThat(created.getClientSecret()).startsWith(created.getId() + "_secret_");
    assertThat(created.getAmountReceived()).isZero();

    PaymentIntent confirmed =
        stripe
            .v1()
            .paymentIntents()
            .confirm(
                created.getId(),
                PaymentIntentConfirmParams.builder().setPaymentMethod("pm_card_visa").build());
    assertThat(confirmed.getStatus()).isEqualTo("succeeded");
    assertThat(confirmed.getAmountReceived()).isEqualTo(2000L);
    assertThat(confirmed.getLatestCharge()).startsWith("ch_");
    assertThat(
            ((PaymentIntent) dataObject(awaitEvent("payment_intent.succeeded", created.getId())))
                .getMetadata())
        .containsEntry("order_id", "o-2");
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .paymentIntents()
                    .confirm(
                        created.getId(),
                        PaymentIntentConfirmParams.builder()
                            .setPaymentMethod("pm_card_visa")
                            .build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(e.getCode()).isEqualTo("payment_intent_unexpected_state"));

    PaymentIntent toDecline =
        stripe
            .v1()
            .paymentIntents()
            .create(
                PaymentIntentCreateParams.builder()
                    .setAmount(1200L)
                    .setCurrency("eur")
                    .addPaymentMethodType("card")
                    .build());
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .paymentIntents()
                    .confirm(
                        toDecline.getId(),
                        PaymentIntentConfirmParams.builder()
                            .setPaymentMethod("pm_card_chargeDeclined")
                            .build()))
        .isInstanceOfSatisfying(
            CardException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(402);
              assertThat(e.getCode()).isEqualTo("card_declined");
              assertThat(e.getDeclineCode()).isEqualTo("generic_decline");
              assertThat(e.getStripeError().getPaymentIntent().getStatus())
                  .isEqualTo("requires_payment_method");
            });
    PaymentIntent declined = stripe.v1().paymentIntents().retrieve(toDecline.getId());
    assertThat(declined.getStatus()).isEqualTo("requires_payment_method");
    assertThat(declined.getLastPaymentError().getDeclineCode()).isEqualTo("generic_decline");
    assertThat(declined.getAmountReceived()).isZero();
    awaitEvent("payment_intent.payment_failed", toDecline.getId());
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .paymentIntents()
                    .confirm(
                        toDecline.getId(),
                        PaymentIntentConfirmParams.builder()
                            .setPaymentMethod("pm_unknown")
                            .build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
  }

  @Test
  void refundsAreWholeByDefaultPartialOnRequestAndNeverMoreThanWasPaid() throws Exception {
    PaymentIntent paid =
        stripe
            .v1()
            .paymentIntents()
            .create(
                PaymentIntentCreateParams.builder()
                    .setAmount(5000L)
                    .setCurrency("usd")
                    .setPaymentMethod("pm_card_visa")
                    .setConfirm(true)
                    .build());
    assertThat(paid.getStatus()).isEqualTo("succeeded");

    Refund partial =
        stripe
            .v1()
            .refunds()
            .create(
                RefundCreateParams.builder()
                    .setPaymentIntent(paid.getId())
                    .setAmount(2000L)
                    .setReason(RefundCreateParams.Reason.REQUESTED_BY_CUSTOMER)
                    .build());
    assertThat(partial.getId()).startsWith("re_");
    assertThat(partial.getAmount()).isEqualTo(2000L);
    assertThat(partial.getStatus()).isEqualTo("succeeded");
    assertThat(partial.getPaymentIntent()).isEqualTo(paid.getId());
    Charge charge = stripe.v1().charges().retrieve(paid.getLatestCharge());
    assertThat(charge.getAmountRefunded()).isEqualTo(2000L);
    assertThat(charge.getRefunded()).isFalse();
    assertThat(
            ((Charge) dataObject(awaitEvent("charge.refunded", charge.getId())))
                .getAmountRefunded())
        .isEqualTo(2000L);
    assertThat(((Refund) dataObject(awaitEvent("refund.created", partial.getId()))).getAmount())
        .isEqualTo(2000L);

    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .refunds()
                    .create(
                        RefundCreateParams.builder()
                            .setPaymentIntent(paid.getId())
                            .setAmount(3001L)
                            .build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getCode()).isEqualTo("amount_too_large");
              assertThat(e.getParam()).isEqualTo("amount");
            });
    Refund rest =
        stripe
            .v1()
            .refunds()
            .create(RefundCreateParams.builder().setPaymentIntent(paid.getId()).build());
    assertThat(rest.getAmount()).isEqualTo(3000L);
    Charge refunded = stripe.v1().charges().retrieve(paid.getLatestCharge());
    assertThat(refunded.getAmountRefunded()).isEqualTo(5000L);
    assertThat(refunded.getRefunded()).isTrue();
    assertThat(stripe.v1().paymentIntents().retrieve(paid.getId()).getAmountReceived())
        .isEqualTo(5000L);
    assertThat(stripe.v1().refunds().retrieve(partial.getId()).getAmount()).isEqualTo(2000L);
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .refunds()
                    .create(RefundCreateParams.builder().setPaymentIntent(paid.getId()).build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(e.getCode()).isEqualTo("charge_already_refunded"));

    PaymentIntent unpaid =
        stripe
            .v1()
            .paymentIntents()
            .create(PaymentIntentCreateParams.builder().setAmount(100L).setCurrency("usd").build());
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .refunds()
                    .create(RefundCreateParams.builder().setPaymentIntent(unpaid.getId()).build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.getStatusCode()).isEqualTo(400));
  }

  @Test
  void anIdempotencyKeyReplaysTheFirstAnswerAndRefusesOtherParameters() throws Exception {
    RequestOptions key = RequestOptions.builder().setIdempotencyKey("checkout-o-3").build();
    Session first = stripe.v1().checkout().sessions().create(checkout(1100).build(), key);
    Session again = stripe.v1().checkout().sessions().create(checkout(1100).build(), key);
    assertThat(again.getId()).isEqualTo(first.getId());
    assertThat(again.getLastResponse().headers().firstValue("Idempotent-Replayed"))
        .hasValue("true");
    assertThatThrownBy(() -> stripe.v1().checkout().sessions().create(checkout(1200).build(), key))
        .isInstanceOfSatisfying(
            IdempotencyException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getStripeError().getType()).isEqualTo("idempotency_error");
            });

    PaymentIntent paid =
        stripe
            .v1()
            .paymentIntents()
            .create(
                PaymentIntentCreateParams.builder()
                    .setAmount(4000L)
                    .setCurrency("usd")
                    .setPaymentMethod("pm_card_visa")
                    .setConfirm(true)
                    .build());
    RequestOptions refundKey = RequestOptions.builder().setIdempotencyKey("refund-o-3").build();
    RefundCreateParams half =
        RefundCreateParams.builder().setPaymentIntent(paid.getId()).setAmount(1000L).build();
    Refund refund = stripe.v1().refunds().create(half, refundKey);
    assertThat(stripe.v1().refunds().create(half, refundKey).getId()).isEqualTo(refund.getId());
    assertThat(stripe.v1().charges().retrieve(paid.getLatestCharge()).getAmountRefunded())
        .isEqualTo(1000L);

    PaymentIntent toDecline =
        stripe
            .v1()
            .paymentIntents()
            .create(PaymentIntentCreateParams.builder().setAmount(300L).setCurrency("usd").build());
    RequestOptions declineKey = RequestOptions.builder().setIdempotencyKey("decline-o-3").build();
    PaymentIntentConfirmParams declining =
        PaymentIntentConfirmParams.builder().setPaymentMethod("pm_card_chargeDeclined").build();
    String firstCharge = confirmDeclined(toDecline.getId(), declining, declineKey).getCharge();
    // the 402 is a result Stripe keeps: the replay names the same failed charge, no second attempt
    // is made
    assertThat(confirmDeclined(toDecline.getId(), declining, declineKey).getCharge())
        .isEqualTo(firstCharge);
  }

  private static CardException confirmDeclined(
      String intentId, PaymentIntentConfirmParams params, RequestOptions options) {
    try {
      stripe.v1().paymentIntents().confirm(intentId, params, options);
    } catch (CardException e) {
      return e;
    } catch (StripeException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the confirmation was not declined");
  }

  @Test
  void onlyTestKeysGetInAndErrorsHaveStripesShape() throws Exception {
    HttpResponse<String> anonymous =
        get(emulator.baseUrl() + "/v1/checkout/sessions/cs_test_x", Map.of());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(anonymous.body()).getJsonObject("error").getString("type"))
        .isEqualTo("invalid_request_error");
    assertThat(
            get(
                    emulator.baseUrl() + "/v1/checkout/sessions/cs_test_x",
                    Map.of("Authorization", "Bearer sk_live_123456789"))
                .statusCode())
        .isEqualTo(401);
    StripeClient live =
        StripeClient.builder()
            .setApiKey("sk_live_123456789")
            .setApiBase(emulator.baseUrl())
            .setMaxNetworkRetries(0)
            .build();
    assertThatThrownBy(() -> live.v1().checkout().sessions().retrieve("cs_test_x"))
        .isInstanceOf(AuthenticationException.class);

    assertThatThrownBy(() -> stripe.v1().checkout().sessions().retrieve("cs_test_missing"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(404);
              assertThat(e.getCode()).isEqualTo("resource_missing");
            });
    assertThatThrownBy(() -> stripe.v1().checkout().sessions().create(checkout().build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.getParam()).isEqualTo("line_items"));
    assertThatThrownBy(
            () ->
                stripe
                    .v1()
                    .checkout()
                    .sessions()
                    .create(
                        SessionCreateParams.builder()
                            .setMode(SessionCreateParams.Mode.PAYMENT)
                            .addLineItem(checkout(100).build().getLineItems().get(0))
                            .build()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo("parameter_missing");
              assertThat(e.getParam()).isEqualTo("success_url");
            });
    HttpResponse<String> unknown =
        get(emulator.baseUrl() + "/v1/customers", Map.of("Authorization", "Bearer sk_test_it"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getJsonObject("error").getString("message"))
        .startsWith("Unrecognized request URL");
  }

  @Test
  void customersPayingTheSameSessionAtOnceArePaidOnce() throws Exception {
    Session session = stripe.v1().checkout().sessions().create(checkout(2500).build());
    ExecutorService customers = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(customers.submit(() -> pay(session.getUrl(), "4242424242424242").statusCode()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get());
      }
      assertThat(statuses).containsOnlyOnce(303).containsOnly(303, 409);
    } finally {
      customers.shutdown();
    }
    String intentId =
        stripe.v1().checkout().sessions().retrieve(session.getId()).getPaymentIntent();
    awaitEvent("checkout.session.completed", session.getId());
    assertThat(delivered("payment_intent.succeeded", intentId)).hasSize(1);
    assertThat(delivered("checkout.session.completed", session.getId())).hasSize(1);
  }

  @Test
  void aWebhookEndpointThatFailsTwiceGetsTheEventOnTheThirdAttempt() throws Exception {
    Session session = stripe.v1().checkout().sessions().create(checkout(400).build());
    FAIL_NEXT.put(session.getId(), new AtomicInteger(2));
    stripe.v1().checkout().sessions().expire(session.getId());

    Event event = awaitEvent("checkout.session.expired", session.getId());
    List<Delivery> attempts =
        DELIVERIES.stream().filter(d -> d.eventId().equals(event.getId())).toList();
    assertThat(attempts).extracting(Delivery::answered).containsExactly(503, 503, 200);
    assertThat(attempts).extracting(Delivery::payload).containsOnly(attempts.get(0).payload());
    for (Delivery attempt : attempts) {
      assertThat(
              Webhook.constructEvent(attempt.payload(), attempt.signature(), WEBHOOK_SECRET)
                  .getId())
          .isEqualTo(event.getId());
    }
    long firstWait = attempts.get(1).atNanos() - attempts.get(0).atNanos();
    long secondWait = attempts.get(2).atNanos() - attempts.get(1).atNanos();
    assertThat(Duration.ofNanos(firstWait))
        .isBetween(Duration.ofMillis(450), Duration.ofMillis(1500));
    assertThat(Duration.ofNanos(secondWait))
        .isBetween(Duration.ofMillis(950), Duration.ofMillis(2500));
  }

  @Test
  void aCheckoutsEventsArriveInTheOrderTheyHappenedEvenWhenOneIsRetried() throws Exception {
    FAIL_NEXT.put("payment_intent.succeeded@o-ordered", new AtomicInteger(1));
    Session session = stripe.v1().checkout().sessions().create(checkout("o-ordered", 600).build());
    assertThat(pay(session.getUrl(), "4242424242424242").statusCode()).isEqualTo(303);

    awaitEvent("checkout.session.completed", session.getId());
    String intentId =
        stripe.v1().checkout().sessions().retrieve(session.getId()).getPaymentIntent();
    List<String> arrivals =
        DELIVERIES.stream()
            .filter(d -> d.objectId().equals(intentId) || d.objectId().equals(session.getId()))
            .map(d -> d.type() + " " + d.answered())
            .toList();
    assertThat(arrivals)
        .containsExactly(
            "payment_intent.succeeded 503",
            "payment_intent.succeeded 200",
            "checkout.session.completed 200");
  }
}
