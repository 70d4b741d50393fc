package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.checkout.SessionCreateParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Money Stripe reports is checked against what the order expects, never trusted: a payment of
 * another amount, another currency or through a session or PaymentIntent that is not the order's
 * leaves the order awaiting payment, is kept in the ledger as a mismatch, alerts admins on {@code
 * admin.alerts}, is audited and is given back; a refund that would take more than was paid, or in
 * another currency, changes nothing but is kept as a mismatch too.
 */
@ExtendWith(TestPlatform.class)
class PaymentMismatchIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final long PRICE = 2_500;

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  /**
   * An order awaiting payment, as checkout answered it: {orderId, sessionId, checkoutUrl, total,
   * currency}, plus the buyer's token.
   */
  private record Pending(String token, JsonObject checkout) {
    String orderId() {
      return checkout.getString("orderId");
    }

    long total() {
      return checkout.getLong("total");
    }
  }

  private static Pending pendingOrder(Api api) {
    Checkouts.Product p = Checkouts.product(api, PRICE, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    Api.Response r =
        Checkouts.checkout(
            api, buyer.accessToken(), UUID.randomUUID().toString(), Checkouts.checkoutBody("GB"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return new Pending(buyer.accessToken(), r.json());
  }

  /**
   * A PaymentIntent paid at Stripe that names no order, so only the event we make up ties it to
   * one.
   */
  private static PaymentIntent paidElsewhere(long amount, String currency) throws Exception {
    PaymentIntent paid =
        Checkouts.emulator()
            .v1()
            .paymentIntents()
            .create(
                PaymentIntentCreateParams.builder()
                    .setAmount(amount)
                    .setCurrency(currency)
                    .addPaymentMethodType("card")
                    .setPaymentMethod("pm_card_visa")
                    .setConfirm(true)
                    .build());
    assertThat(paid.getStatus()).isEqualTo("succeeded");
    return paid;
  }

  /**
   * The order's own Checkout Session, reported complete and paid with that amount, currency and
   * PaymentIntent.
   */
  private static String completed(Pending order, long amount, String currency, String intentId) {
    JsonObject session =
        new JsonObject()
            .put("id", order.checkout().getString("sessionId"))
            .put("object", "checkout.session")
            .put("status", "complete")
            .put("payment_status", "paid")
            .put("amount_total", amount)
            .put("currency", currency)
            .put("payment_intent", intentId)
            .put("client_reference_id", order.orderId())
            .put("metadata", new JsonObject().put("order_id", order.orderId()));
    return StripeWebhooks.event("checkout.session.completed", session);
  }

  private static void deliverSigned(Api api, String payload) {
    Api.Response r = StripeWebhooks.deliver(api, payload, StripeWebhooks.signature(payload));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private static List<Row> mismatches(String orderId) {
    List<Row> rows = new ArrayList<>();
    TestPlatform.db()
        .preparedQuery(
            "SELECT * FROM payment.ledger WHERE order_id = $1 AND kind = 'mismatch' ORDER BY id")
        .execute(Tuple.of(UUID.fromString(orderId)))
        .await()
        .forEach(rows::add);
    return rows;
  }

  private static long ledger(String orderId, String kind) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM payment.ledger WHERE order_id = $1 AND kind = $2")
        .execute(Tuple.of(UUID.fromString(orderId), kind))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** What Stripe has refunded of a PaymentIntent. */
  private static long refundedAtStripe(String intentId) {
    try {
      return Checkouts.emulator()
          .v1()
          .refunds()
          .list(RefundListParams.builder().setPaymentIntent(intentId).build())
          .getData()
          .stream()
          .filter(r -> "succeeded".equals(r.getStatus()))
          .mapToLong(Refund::getAmount)
          .sum();
    } catch (com.stripe.exception.StripeException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<JsonObject> audit(Api api, String admin, String orderId, String action) {
    Api.Response r =
        api.get(
            "/api/v1/admin/audit?target=" + orderId + "&action=" + action + "&limit=100", admin);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  /**
   * What every mismatched payment comes to: one mismatch naming what differs, one alert, one audit
   * entry, the money back in full through the auto-refund path, and the order still awaiting
   * payment.
   */
  private static void assertMismatchedPayment(
      Api api,
      String admin,
      BridgeClient alerts,
      Pending order,
      String intentId,
      long amount,
      List<String> mismatched)
      throws Exception {
    JsonObject alert =
        alerts.awaitMessage(
            "admin.alerts",
            m ->
                "paymentMismatch".equals(m.getString("type"))
                    && order.orderId().equals(m.getString("orderId")));
    assertThat(alert.getString("reported")).isEqualTo("payment");
    assertThat(alert.getString("paymentIntentId")).isEqualTo(intentId);
    assertThat(alert.getLong("amount")).isEqualTo(amount);
    assertThat(alert.getLong("expectedAmount")).isEqualTo(order.total());
    assertThat(alert.getString("expectedCurrency")).isEqualTo("usd");
    assertThat(alert.getJsonArray("mismatched").getList()).containsAnyElementsOf(mismatched);
    assertThat(alert.getString("stripeEventId")).startsWith("evt_");
    assertThat(alert.getLong("seq")).isPositive();

    await("the money to be given back at Stripe", () -> refundedAtStripe(intentId) == amount);
    List<Row> entries = mismatches(order.orderId());
    assertThat(entries).as("one mismatch per payment, however many events report it").hasSize(1);
    assertThat(entries.get(0).getString("reported")).isEqualTo("payment");
    assertThat(entries.get(0).getString("stripe_intent")).isEqualTo(intentId);
    assertThat(entries.get(0).getLong("amount")).isEqualTo(amount);
    assertThat(entries.get(0).getLong("expected_amount")).isEqualTo(order.total());
    assertThat(List.of(entries.get(0).getArrayOfStrings("mismatched")))
        .containsAnyElementsOf(mismatched);
    assertThat(ledger(order.orderId(), "succeeded"))
        .as("never recorded as the order's payment")
        .isZero();

    Api.Response logged =
        api.await(
            PATIENCE,
            () -> api.get("/api/v1/admin/audit?target=" + order.orderId() + "&limit=100", admin),
            r -> r.status() == 200 && r.json().getJsonArray("items").size() >= 2);
    List<JsonObject> mismatch = audit(api, admin, order.orderId(), "payment.mismatch");
    assertThat(mismatch).hasSize(1);
    assertThat(mismatch.get(0).getString("service")).isEqualTo("payment");
    assertThat(mismatch.get(0).getJsonObject("actor").getString("role")).isEqualTo("stripe");
    assertThat(mismatch.get(0).getJsonObject("after").getString("paymentIntentId"))
        .isEqualTo(intentId);
    assertThat(mismatch.get(0).getJsonObject("after").getLong("amount")).isEqualTo(amount);
    List<JsonObject> refunded = audit(api, admin, order.orderId(), "order.refunded_automatically");
    assertThat(refunded).as(logged.toString()).hasSize(1);
    assertThat(refunded.get(0).getJsonObject("after").getString("reason"))
        .isEqualTo("payment_mismatch");
    assertThat(refunded.get(0).getJsonObject("after").getLong("amount")).isEqualTo(amount);

    Thread.sleep(1_000);
    JsonObject seen = api.get("/api/v1/orders/" + order.orderId(), order.token()).json();
    assertThat(seen.getString("status")).isEqualTo("pending_payment");
    assertThat(Checkouts.statuses(seen)).containsExactly("pending_payment");
    assertThat(refundedAtStripe(intentId)).as("given back once").isEqualTo(amount);
  }

  @Test
  void theOrdersSessionPaidWithOneCentLeavesItAwaitingPaymentAndIsRefunded(Api api)
      throws Exception {
    String admin = admin(api);
    Pending order = pendingOrder(api);
    try (BridgeClient alerts = BridgeClient.connect()) {
      alerts.register("admin.alerts", admin);
      alerts.awaitListening("admin.alerts");
      PaymentIntent cent = paidElsewhere(1, "usd");
      deliverSigned(api, completed(order, 1, "usd", cent.getId()));
      assertMismatchedPayment(api, admin, alerts, order, cent.getId(), 1, List.of("amount"));
      assertThat(mismatches(order.orderId()).get(0).getArrayOfStrings("mismatched"))
          .containsExactly("amount");
    }
  }

  @Test
  void theOrdersSessionPaidInAnotherCurrencyLeavesItAwaitingPaymentAndIsRefunded(Api api)
      throws Exception {
    String admin = admin(api);
    Pending order = pendingOrder(api);
    try (BridgeClient alerts = BridgeClient.connect()) {
      alerts.register("admin.alerts", admin);
      alerts.awaitListening("admin.alerts");
      PaymentIntent euros = paidElsewhere(order.total(), "eur");
      deliverSigned(api, completed(order, order.total(), "eur", euros.getId()));
      assertMismatchedPayment(
          api, admin, alerts, order, euros.getId(), order.total(), List.of("currency"));
      assertThat(mismatches(order.orderId()).get(0).getString("currency")).isEqualTo("eur");
      assertThat(mismatches(order.orderId()).get(0).getArrayOfStrings("mismatched"))
          .containsExactly("currency");
    }
  }

  @Test
  void aForeignCheckoutSessionNamingTheOrderLeavesItAwaitingPaymentAndIsRefunded(Api api)
      throws Exception {
    String admin = admin(api);
    Pending order = pendingOrder(api);
    StripeClient stripe = Checkouts.emulator();
    // the right amount and currency, the order's id in its metadata: only the session is not the
    // order's
    Session foreign =
        stripe
            .v1()
            .checkout()
            .sessions()
            .create(
                SessionCreateParams.builder()
                    .setMode(SessionCreateParams.Mode.PAYMENT)
                    .setSuccessUrl("https://elsewhere.example/done")
                    .setClientReferenceId(order.orderId())
                    .putMetadata("order_id", order.orderId())
                    .setPaymentIntentData(
                        SessionCreateParams.PaymentIntentData.builder()
                            .putMetadata("order_id", order.orderId())
                            .build())
                    .addLineItem(
                        SessionCreateParams.LineItem.builder()
                            .setQuantity(1L)
                            .setPriceData(
                                SessionCreateParams.LineItem.PriceData.builder()
                                    .setCurrency("usd")
                                    .setUnitAmount(order.total())
                                    .setProductData(
                                        SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                            .setName("Not this order")
                                            .build())
                                    .build())
                            .build())
                    .build());
    try (BridgeClient alerts = BridgeClient.connect()) {
      alerts.register("admin.alerts", admin);
      alerts.awaitListening("admin.alerts");
      assertThat(Checkouts.pay(foreign.getUrl(), Checkouts.PAYS)).isEqualTo(303);
      String intentId =
          stripe.v1().checkout().sessions().retrieve(foreign.getId()).getPaymentIntent();
      // Stripe reports it twice, as a completed session and as a PaymentIntent's success: both are
      // applied, one mismatch
      await(
          "both of Stripe's events to be applied",
          () ->
              TestPlatform.db()
                      .preparedQuery(
                          """
              SELECT count(*) FROM payment.webhook_events WHERE payload->'data'->'object'->>'id' = ANY($1) AND processed_at IS NOT NULL""")
                      .execute(Tuple.of(new String[] {foreign.getId(), intentId}))
                      .await()
                      .iterator()
                      .next()
                      .getLong(0)
                  == 2);
      assertMismatchedPayment(
          api, admin, alerts, order, intentId, order.total(), List.of("session", "intent"));
      Thread.sleep(500);
      assertThat(alerts.messages("admin.alerts"))
          .filteredOn(m -> order.orderId().equals(m.getString("orderId")))
          .hasSize(1);
    }
    // the order's own session still takes the real payment
    assertThat(Checkouts.pay(order.checkout().getString("checkoutUrl"), Checkouts.PAYS))
        .isEqualTo(303);
    Checkouts.orderOnceItIs(api, order.token(), order.orderId(), "paid");
  }

  @Test
  void aForeignPaymentIntentNamingTheOrderLeavesItAwaitingPaymentAndIsRefunded(Api api)
      throws Exception {
    String admin = admin(api);
    Pending order = pendingOrder(api);
    try (BridgeClient alerts = BridgeClient.connect()) {
      alerts.register("admin.alerts", admin);
      alerts.awaitListening("admin.alerts");
      PaymentIntent foreign =
          Checkouts.emulator()
              .v1()
              .paymentIntents()
              .create(
                  PaymentIntentCreateParams.builder()
                      .setAmount(order.total())
                      .setCurrency("usd")
                      .addPaymentMethodType("card")
                      .setPaymentMethod("pm_card_visa")
                      .setConfirm(true)
                      .putMetadata("order_id", order.orderId())
                      .build());
      assertThat(foreign.getStatus()).isEqualTo("succeeded");
      assertMismatchedPayment(
          api, admin, alerts, order, foreign.getId(), order.total(), List.of("intent"));
      assertThat(mismatches(order.orderId()).get(0).getArrayOfStrings("mismatched"))
          .containsExactly("intent");
    }
  }

  @Test
  void aRefundOfMoreThanWasPaidOrInAnotherCurrencyLeavesTheRefundedTotalAlone(Api api)
      throws Exception {
    String admin = admin(api);
    Checkouts.Paid paid = Checkouts.paidOrder(api, Checkouts.product(api, PRICE, 5), 1);
    long total = paid.order().getLong("total");
    await("the payment to be in the ledger", () -> ledger(paid.id(), "succeeded") == 1);
    String intentId =
        TestPlatform.db()
            .preparedQuery(
                "SELECT stripe_intent FROM payment.ledger WHERE order_id = $1 AND kind = 'succeeded'")
            .execute(Tuple.of(UUID.fromString(paid.id())))
            .await()
            .iterator()
            .next()
            .getString(0);
    try (BridgeClient alerts = BridgeClient.connect()) {
      alerts.register("admin.alerts", admin);
      alerts.awaitListening("admin.alerts");
      String tooMuch = "re_it_" + UUID.randomUUID().toString().replace("-", "");
      String euros = "re_it_" + UUID.randomUUID().toString().replace("-", "");
      deliverSigned(
          api,
          refundedCharge(
              paid.id(),
              intentId,
              total,
              new JsonObject()
                  .put("id", tooMuch)
                  .put("amount", total + 1_000)
                  .put("currency", "usd")
                  .put("status", "succeeded")));
      deliverSigned(
          api,
          refundedCharge(
              paid.id(),
              intentId,
              total,
              new JsonObject()
                  .put("id", euros)
                  .put("amount", 100)
                  .put("currency", "eur")
                  .put("status", "succeeded")));

      JsonObject big =
          alerts.awaitMessage(
              "admin.alerts",
              m ->
                  "paymentMismatch".equals(m.getString("type"))
                      && tooMuch.equals(m.getString("refundId")));
      assertThat(big.getString("orderId")).isEqualTo(paid.id());
      assertThat(big.getString("reported")).isEqualTo("refund");
      assertThat(big.getLong("amount")).isEqualTo(total + 1_000);
      assertThat(big.getLong("expectedAmount")).as("what is left to refund").isEqualTo(total);
      assertThat(big.getJsonArray("mismatched")).isEqualTo(new JsonArray().add("amount"));
      JsonObject other =
          alerts.awaitMessage(
              "admin.alerts",
              m ->
                  "paymentMismatch".equals(m.getString("type"))
                      && euros.equals(m.getString("refundId")));
      assertThat(other.getString("currency")).isEqualTo("eur");
      assertThat(other.getJsonArray("mismatched")).isEqualTo(new JsonArray().add("currency"));
    }
    assertThat(mismatches(paid.id()))
        .extracting(r -> r.getString("reported"))
        .containsExactly("refund", "refund");
    assertThat(ledger(paid.id(), "refunded")).isZero();
    Api.Response logged =
        api.await(
            PATIENCE,
            () ->
                api.get(
                    "/api/v1/admin/audit?target=" + paid.id() + "&action=payment.mismatch", admin),
            r -> r.status() == 200 && r.json().getJsonArray("items").size() == 2);
    assertThat(logged.json().getJsonArray("items")).hasSize(2);
    Thread.sleep(1_000);
    JsonObject order = api.get("/api/v1/orders/" + paid.id(), paid.buyer().accessToken()).json();
    assertThat(order.getString("status")).isEqualTo("paid");
    assertThat(
            TestPlatform.db()
                .preparedQuery("SELECT refunded FROM ordering.orders WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(paid.id())))
                .await()
                .iterator()
                .next()
                .getLong(0))
        .isZero();
    assertThat(refundedAtStripe(intentId)).as("nothing was refunded").isZero();
  }

  private static String refundedCharge(
      String orderId, String intentId, long amount, JsonObject refund) {
    JsonObject charge =
        new JsonObject()
            .put("id", "ch_it_" + UUID.randomUUID().toString().replace("-", ""))
            .put("object", "charge")
            .put("amount", amount)
            .put("amount_refunded", refund.getLong("amount"))
            .put("currency", "usd")
            .put("payment_intent", intentId)
            .put("refunded", true)
            .put("metadata", new JsonObject().put("order_id", orderId))
            .put(
                "refunds",
                new JsonObject().put("object", "list").put("data", new JsonArray().add(refund)));
    return StripeWebhooks.event("charge.refunded", charge);
  }
}
