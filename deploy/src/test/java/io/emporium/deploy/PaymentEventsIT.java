package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSession;
import io.emporium.proto.payment.v1.CheckoutSessionRef;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.OrderPaymentRef;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.emporium.proto.payment.v1.PaymentIntentHandle;
import io.emporium.proto.payment.v1.PaymentIntentRequest;
import io.emporium.proto.payment.v1.PaymentOutcome;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The payment side of the checkout saga on the Stripe emulator: webhooks applied from the inbox
 * once per fact, the ledger, payment.events on Kafka, and the sync, expire, intent and refund RPCs
 * the ordering service calls.
 */
@ExtendWith(TestPlatform.class)
class PaymentEventsIT {
  private static final String PAYS = "4242424242424242";
  private static final String DECLINES = "4000000000000002";
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final CallContext ORDERING = CallContext.service("payment-events-it", "ordering");
  private static GrpcCalls payment;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void connect() {
    payment = TestPlatform.grpc(EmporiumConfig.Service.PAYMENT);
  }

  private static CheckoutSession openSession(UUID orderId) {
    return payment
        .call(
            PaymentGrpcClient.CreateCheckoutSession,
            CheckoutSessionRequest.newBuilder()
                .setOrderId(orderId.toString())
                .setCustomerId(UUID.randomUUID().toString())
                .setCurrency("usd")
                .addLines(
                    CheckoutLine.newBuilder()
                        .setName("Walnut tray")
                        .setUnitAmount(3_200)
                        .setQuantity(2))
                .setTotal(6_400)
                .setSuccessUrl("https://shop.example/thanks")
                .setCancelUrl("https://shop.example/cart")
                .build(),
            ORDERING)
        .await();
  }

  private static int payOnHostedPage(CheckoutSession session, String card) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(session.getUrl() + "/pay"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("card=" + card))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private static long ledger(UUID orderId, String kind) {
    Row r =
        TestPlatform.db()
            .preparedQuery("SELECT count(*) FROM payment.ledger WHERE order_id = $1 AND kind = $2")
            .execute(Tuple.of(orderId, kind))
            .await()
            .iterator()
            .next();
    return r.getLong(0);
  }

  private static Row ledgerEntry(UUID orderId, String kind) {
    return TestPlatform.db()
        .preparedQuery(
            "SELECT * FROM payment.ledger WHERE order_id = $1 AND kind = $2 ORDER BY id LIMIT 1")
        .execute(Tuple.of(orderId, kind))
        .await()
        .iterator()
        .next();
  }

  /** Whether Stripe's event of this type about this object was recorded and applied. */
  private static boolean applied(String objectId, String type) {
    Row r =
        TestPlatform.db()
            .preparedQuery(
                "SELECT count(*) FROM payment.webhook_events "
                    + "WHERE payload->'data'->'object'->>'id' = $1 AND event_type = $2 AND processed_at IS NOT NULL")
            .execute(Tuple.of(objectId, type))
            .await()
            .iterator()
            .next();
    return r.getLong(0) > 0;
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Every PaymentEvent published for an order so far. */
  private static List<PaymentEvent> publishedFor(UUID orderId) throws Exception {
    List<PaymentEvent> events = new ArrayList<>();
    for (byte[] payload : PublishedEvents.of("payment", "payment.events", orderId.toString())) {
      events.add(PaymentEvent.parseFrom(payload));
    }
    return events;
  }

  private static int status(Api api, String payload) {
    return StripeWebhooks.deliver(api, payload, StripeWebhooks.signature(payload)).status();
  }

  private static JsonObject succeededIntent(String intentId, UUID orderId) {
    return new JsonObject()
        .put("id", intentId)
        .put("object", "payment_intent")
        .put("amount", 6_400)
        .put("amount_received", 6_400)
        .put("currency", "usd")
        .put("status", "succeeded")
        .put("metadata", new JsonObject().put("order_id", orderId.toString()));
  }

  private static Throwable refusal(Future<?> call) {
    return call.transform(ar -> Future.succeededFuture(ar.cause())).await();
  }

  @Test
  void payingASessionRecordsOneSuccessAndPublishesOnePaymentEvent() throws Exception {
    UUID orderId = UUID.randomUUID();
    CheckoutSession session = openSession(orderId);
    assertThat(payOnHostedPage(session, PAYS)).isEqualTo(303);
    await("the payment to be recorded", () -> ledger(orderId, "succeeded") > 0);
    String intentId = ledgerEntry(orderId, "succeeded").getString("stripe_intent");
    assertThat(intentId).startsWith("pi_");
    await(
        "both of Stripe's events to be applied",
        () ->
            applied(session.getSessionId(), "checkout.session.completed")
                && applied(intentId, "payment_intent.succeeded"));
    assertThat(ledger(orderId, "succeeded")).as("one payment, two webhooks").isEqualTo(1);
    Row entry = ledgerEntry(orderId, "succeeded");
    assertThat(entry.getLong("amount")).isEqualTo(6_400L);
    assertThat(entry.getString("stripe_session")).isEqualTo(session.getSessionId());

    List<PaymentEvent> events = publishedFor(orderId);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getKindCase()).isEqualTo(PaymentEvent.KindCase.SUCCEEDED);
    assertThat(events.get(0).getSucceeded().getPaymentIntentId()).isEqualTo(intentId);
    assertThat(events.get(0).getSucceeded().getSessionId()).isEqualTo(session.getSessionId());
    assertThat(events.get(0).getSucceeded().getAmount()).isEqualTo(6_400);
  }

  @Test
  void aDeclinedCardIsRecordedAsAFailureWithStripesMessage() throws Exception {
    UUID orderId = UUID.randomUUID();
    CheckoutSession session = openSession(orderId);
    payOnHostedPage(session, DECLINES);
    await("the decline to be recorded", () -> ledger(orderId, "failed") > 0);
    assertThat(ledgerEntry(orderId, "failed").getString("failure_reason")).isNotBlank();
    assertThat(ledger(orderId, "succeeded")).isZero();
    List<PaymentEvent> events = publishedFor(orderId);
    assertThat(events)
        .extracting(PaymentEvent::getKindCase)
        .containsExactly(PaymentEvent.KindCase.FAILED);
    assertThat(events.get(0).getFailed().getReason()).isNotBlank();
    assertThat(events.get(0).getFailed().getSessionId()).isEqualTo(session.getSessionId());
  }

  @Test
  void expiringTheOrdersSessionRecordsItExpiredOnce() throws Exception {
    UUID orderId = UUID.randomUUID();
    CheckoutSession session = openSession(orderId);
    OrderPaymentRef order = OrderPaymentRef.newBuilder().setOrderId(orderId.toString()).build();
    PaymentOutcome expired =
        payment.call(PaymentGrpcClient.ExpireCheckoutSession, order, ORDERING).await();
    assertThat(expired.getStatus()).isEqualTo("expired");
    assertThat(expired.getSessionId()).isEqualTo(session.getSessionId());
    assertThat(payOnHostedPage(session, PAYS))
        .as("an expired session cannot be paid")
        .isNotEqualTo(303);
    await(
        "Stripe's expiry event to be applied",
        () -> applied(session.getSessionId(), "checkout.session.expired"));
    assertThat(
            payment
                .call(PaymentGrpcClient.ExpireCheckoutSession, order, ORDERING)
                .await()
                .getStatus())
        .isEqualTo("expired");
    assertThat(ledger(orderId, "expired")).isEqualTo(1);
    assertThat(publishedFor(orderId))
        .extracting(PaymentEvent::getKindCase)
        .containsExactly(PaymentEvent.KindCase.EXPIRED);

    PaymentOutcome noSession =
        payment
            .call(
                PaymentGrpcClient.ExpireCheckoutSession,
                OrderPaymentRef.newBuilder().setOrderId(UUID.randomUUID().toString()).build(),
                ORDERING)
            .await();
    assertThat(noSession.getStatus()).isEmpty();
  }

  @Test
  void syncingAPaidSessionAnswersPaidAndStillRecordsOnePayment() throws Exception {
    UUID orderId = UUID.randomUUID();
    CheckoutSession session = openSession(orderId);
    CheckoutSessionRef ref =
        CheckoutSessionRef.newBuilder().setSessionId(session.getSessionId()).build();
    assertThat(
            payment.call(PaymentGrpcClient.SyncCheckoutSession, ref, ORDERING).await().getStatus())
        .isEqualTo("open");
    payOnHostedPage(session, PAYS);
    PaymentOutcome synced =
        payment.call(PaymentGrpcClient.SyncCheckoutSession, ref, ORDERING).await();
    assertThat(synced.getStatus()).isEqualTo("paid");
    assertThat(synced.getOrderId()).isEqualTo(orderId.toString());
    assertThat(synced.getPaymentIntentId()).startsWith("pi_");
    assertThat(synced.getAmount()).isEqualTo(6_400);
    assertThat(synced.getCurrency()).isEqualTo("usd");
    await(
        "both of Stripe's events to be applied",
        () ->
            applied(session.getSessionId(), "checkout.session.completed")
                && applied(synced.getPaymentIntentId(), "payment_intent.succeeded"));
    assertThat(
            payment.call(PaymentGrpcClient.SyncCheckoutSession, ref, ORDERING).await().getStatus())
        .isEqualTo("paid");
    assertThat(ledger(orderId, "succeeded")).isEqualTo(1);
    assertThat(publishedFor(orderId))
        .extracting(PaymentEvent::getKindCase)
        .containsExactly(PaymentEvent.KindCase.SUCCEEDED);

    PaymentOutcome paidIsLeftAlone =
        payment
            .call(
                PaymentGrpcClient.ExpireCheckoutSession,
                OrderPaymentRef.newBuilder().setOrderId(orderId.toString()).build(),
                ORDERING)
            .await();
    assertThat(paidIsLeftAlone.getStatus()).isEqualTo("paid");
    assertThat(ledger(orderId, "expired")).isZero();

    Throwable unknown =
        refusal(
            payment.call(
                PaymentGrpcClient.SyncCheckoutSession,
                CheckoutSessionRef.newBuilder().setSessionId("cs_test_nosuchsession").build(),
                ORDERING));
    assertThat(unknown).isInstanceOf(ApiProblem.class);
    assertThat(((ApiProblem) unknown).status()).isEqualTo(404);
  }

  @Test
  void theSameSignedWebhookPostedTwiceIsAppliedOnce(Api api) throws Exception {
    UUID orderId = UUID.randomUUID();
    String intentId = "pi_it_" + UUID.randomUUID().toString().replace("-", "");
    JsonObject failed =
        new JsonObject()
            .put("id", intentId)
            .put("object", "payment_intent")
            .put("amount", 6_400)
            .put("currency", "usd")
            .put("status", "requires_payment_method")
            .put("last_payment_error", new JsonObject().put("message", "Your card was declined."))
            .put("metadata", new JsonObject().put("order_id", orderId.toString()));
    String payload = StripeWebhooks.event("payment_intent.payment_failed", failed);
    assertThat(StripeWebhooks.deliver(api, payload, StripeWebhooks.signature(payload)).status())
        .isEqualTo(200);
    assertThat(StripeWebhooks.deliver(api, payload, StripeWebhooks.signature(payload)).status())
        .isEqualTo(200);
    await("the event to be applied", () -> applied(intentId, "payment_intent.payment_failed"));
    assertThat(ledger(orderId, "failed")).isEqualTo(1);
    assertThat(publishedFor(orderId)).hasSize(1);
  }

  @Test
  void anIntentsSuccessDeliveredBeforeItsSessionsCompletionIsOnePayment(Api api) throws Exception {
    UUID orderId = UUID.randomUUID();
    CheckoutSession session = openSession(orderId);
    // a declined first try gives the session its PaymentIntent at Stripe, as the customer's payment
    // would
    payOnHostedPage(session, DECLINES);
    String intentId =
        Checkouts.emulator()
            .v1()
            .checkout()
            .sessions()
            .retrieve(session.getSessionId())
            .getPaymentIntent();
    assertThat(intentId).startsWith("pi_");
    assertThat(
            status(
                api,
                StripeWebhooks.event(
                    "payment_intent.succeeded", succeededIntent(intentId, orderId))))
        .isEqualTo(200);
    await("the intent's event to be applied", () -> applied(intentId, "payment_intent.succeeded"));
    assertThat(ledger(orderId, "succeeded"))
        .as("the session's own PaymentIntent pays it")
        .isEqualTo(1);
    JsonObject completed =
        new JsonObject()
            .put("id", session.getSessionId())
            .put("object", "checkout.session")
            .put("status", "complete")
            .put("payment_status", "paid")
            .put("amount_total", 6_400)
            .put("currency", "usd")
            .put("payment_intent", intentId)
            .put("client_reference_id", orderId.toString())
            .put("metadata", new JsonObject().put("order_id", orderId.toString()));
    assertThat(status(api, StripeWebhooks.event("checkout.session.completed", completed)))
        .isEqualTo(200);
    await(
        "the session's event to be applied",
        () -> applied(session.getSessionId(), "checkout.session.completed"));
    assertThat(ledger(orderId, "succeeded")).isEqualTo(1);
    assertThat(ledger(orderId, "mismatch")).isZero();
    assertThat(ledgerEntry(orderId, "succeeded").getString("stripe_session"))
        .as("the payment belongs to the order's session")
        .isEqualTo(session.getSessionId());
    List<PaymentEvent> events =
        publishedFor(orderId).stream()
            .filter(e -> e.getKindCase() == PaymentEvent.KindCase.SUCCEEDED)
            .toList();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getSucceeded().getSessionId()).isEqualTo(session.getSessionId());
  }

  @Test
  void refundingTwiceWithOneKeyRefundsOnce() throws Exception {
    UUID orderId = UUID.randomUUID();
    CheckoutSession session = openSession(orderId);
    payOnHostedPage(session, PAYS);
    await("the payment to be recorded", () -> ledger(orderId, "succeeded") > 0);
    String intentId = ledgerEntry(orderId, "succeeded").getString("stripe_intent");
    RefundRequest request =
        RefundRequest.newBuilder()
            .setOrderId(orderId.toString())
            .setPaymentIntentId(intentId)
            .setAmount(2_000)
            .setReason("requested_by_customer")
            .setIdempotencyKey("return-" + orderId)
            .build();
    RefundReceipt first = payment.call(PaymentGrpcClient.RefundPayment, request, ORDERING).await();
    RefundReceipt again = payment.call(PaymentGrpcClient.RefundPayment, request, ORDERING).await();
    assertThat(first.getRefundId()).startsWith("re_");
    assertThat(first.getAmount()).isEqualTo(2_000);
    assertThat(again).isEqualTo(first);
    await(
        "Stripe's refund event to be applied",
        () ->
            TestPlatform.db()
                    .preparedQuery(
                        "SELECT count(*) FROM payment.webhook_events "
                            + "WHERE event_type = 'charge.refunded' AND payload->'data'->'object'->>'payment_intent' = $1 AND processed_at IS NOT NULL")
                    .execute(Tuple.of(intentId))
                    .await()
                    .iterator()
                    .next()
                    .getLong(0)
                > 0);
    assertThat(ledger(orderId, "refunded")).isEqualTo(1);
    assertThat(ledgerEntry(orderId, "refunded").getString("stripe_refund"))
        .isEqualTo(first.getRefundId());
    assertThat(publishedFor(orderId))
        .extracting(PaymentEvent::getKindCase)
        .containsExactlyInAnyOrder(PaymentEvent.KindCase.SUCCEEDED, PaymentEvent.KindCase.REFUNDED);
    assertThat(
            publishedFor(orderId).stream()
                .filter(PaymentEvent::hasRefunded)
                .map(e -> e.getRefunded().getRequested()))
        .as(
            "a refund asked for through RefundPayment says so, for ordering to leave its audit to the move that asked")
        .containsExactly(true);

    RefundReceipt rest =
        payment
            .call(
                PaymentGrpcClient.RefundPayment,
                request.toBuilder().setAmount(0).setIdempotencyKey("rest-" + orderId).build(),
                ORDERING)
            .await();
    assertThat(rest.getAmount()).as("0 refunds what is left").isEqualTo(4_400);
    assertThat(ledger(orderId, "refunded")).isEqualTo(2);
  }

  @Test
  void anOrderGetsOnePaymentIntentHoweverOftenItAsks() {
    UUID orderId = UUID.randomUUID();
    PaymentIntentRequest request =
        PaymentIntentRequest.newBuilder()
            .setOrderId(orderId.toString())
            .setCustomerId(UUID.randomUUID().toString())
            .setAmount(1_250)
            .setCurrency("eur")
            .build();
    PaymentIntentHandle first =
        payment.call(PaymentGrpcClient.CreatePaymentIntent, request, ORDERING).await();
    PaymentIntentHandle again =
        payment.call(PaymentGrpcClient.CreatePaymentIntent, request, ORDERING).await();
    assertThat(first.getPaymentIntentId()).startsWith("pi_");
    assertThat(first.getClientSecret()).startsWith(first.getPaymentIntentId() + "_secret_");
    assertThat(first.getStatus()).isEqualTo("requires_payment_method");
    assertThat(again.getPaymentIntentId()).isEqualTo(first.getPaymentIntentId());
    assertThat(ledger(orderId, "intent_created")).isEqualTo(1);
  }

  @Test
  void callersOtherThanAServiceAreRefused() {
    String orderId = UUID.randomUUID().toString();
    for (CallContext caller :
        new CallContext[] {
          CallContext.anonymous("payment-events-it"),
          new CallContext("payment-events-it", UUID.randomUUID().toString(), "customer"),
          new CallContext("payment-events-it", UUID.randomUUID().toString(), "admin")
        }) {
      List<Throwable> refusals =
          List.of(
              refusal(
                  payment.call(
                      PaymentGrpcClient.SyncCheckoutSession,
                      CheckoutSessionRef.newBuilder().setSessionId("cs_test_x").build(),
                      caller)),
              refusal(
                  payment.call(
                      PaymentGrpcClient.ExpireCheckoutSession,
                      OrderPaymentRef.newBuilder().setOrderId(orderId).build(),
                      caller)),
              refusal(
                  payment.call(
                      PaymentGrpcClient.CreatePaymentIntent,
                      PaymentIntentRequest.newBuilder()
                          .setOrderId(orderId)
                          .setAmount(100)
                          .setCurrency("usd")
                          .build(),
                      caller)),
              refusal(
                  payment.call(
                      PaymentGrpcClient.RefundPayment,
                      RefundRequest.newBuilder()
                          .setOrderId(orderId)
                          .setPaymentIntentId("pi_x")
                          .setIdempotencyKey("k")
                          .build(),
                      caller)));
      for (Throwable refused : refusals) {
        assertThat(refused).as(String.valueOf(caller.role())).isInstanceOf(ApiProblem.class);
        assertThat(((ApiProblem) refused).status())
            .as(String.valueOf(caller.role()))
            .isIn(401, 403);
      }
    }
    assertThat(ledger(UUID.fromString(orderId), "intent_created")).isZero();
  }
}
