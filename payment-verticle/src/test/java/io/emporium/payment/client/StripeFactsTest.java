package io.emporium.payment.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.payment.domain.PaymentFact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StripeFactsTest {
  private static final UUID ORDER = UUID.fromString("0b5e1c9a-1111-2222-3333-444455556666");

  private static JsonObject event(String type, JsonObject object) {
    return new JsonObject()
        .put("id", "evt_1")
        .put("object", "event")
        .put("type", type)
        .put("data", new JsonObject().put("object", object));
  }

  private static JsonObject session(String status, String paymentStatus) {
    return new JsonObject()
        .put("id", "cs_test_1")
        .put("object", "checkout.session")
        .put("status", status)
        .put("payment_status", paymentStatus)
        .put("amount_total", 6_400)
        .put("currency", "usd")
        .put("payment_intent", "pi_1")
        .put("client_reference_id", ORDER.toString())
        .put("metadata", new JsonObject());
  }

  private static JsonObject intent() {
    return new JsonObject()
        .put("id", "pi_1")
        .put("object", "payment_intent")
        .put("amount", 6_400)
        .put("amount_received", 6_400)
        .put("currency", "usd")
        .put("metadata", new JsonObject().put("order_id", ORDER.toString()));
  }

  @Test
  void aPaidCompletedSessionAndItsIntentsSuccessAreTheSamePayment() {
    PaymentFact bySession =
        StripeFacts.ofEvent(event("checkout.session.completed", session("complete", "paid")))
            .get(0);
    PaymentFact byIntent = StripeFacts.ofEvent(event("payment_intent.succeeded", intent())).get(0);
    assertThat(bySession)
        .isEqualTo(
            new PaymentFact(
                PaymentFact.Kind.SUCCEEDED,
                ORDER,
                6_400,
                "usd",
                "cs_test_1",
                "pi_1",
                null,
                null,
                "evt_1"));
    assertThat(byIntent.kind()).isEqualTo(PaymentFact.Kind.SUCCEEDED);
    assertThat(byIntent.paymentIntentId())
        .as("the ledger's once-per-intent key")
        .isEqualTo(bySession.paymentIntentId());
    assertThat(byIntent.orderId()).isEqualTo(ORDER);
    assertThat(byIntent.amount()).isEqualTo(6_400);
  }

  @Test
  void aCompletedSessionNotYetPaidMeansNothing() {
    assertThat(
            StripeFacts.ofEvent(event("checkout.session.completed", session("complete", "unpaid"))))
        .isEmpty();
    assertThat(StripeFacts.ofSession(session("open", "unpaid"), null)).isEmpty();
  }

  @Test
  void aDeclineCarriesStripesMessage() {
    JsonObject declined =
        intent()
            .put("amount_received", 0)
            .put(
                "last_payment_error",
                new JsonObject()
                    .put("code", "card_declined")
                    .put("message", "Your card was declined."));
    PaymentFact failed =
        StripeFacts.ofEvent(event("payment_intent.payment_failed", declined)).get(0);
    assertThat(failed.kind()).isEqualTo(PaymentFact.Kind.FAILED);
    assertThat(failed.amount()).isEqualTo(6_400);
    assertThat(failed.failureReason()).isEqualTo("Your card was declined.");
    assertThat(failed.stripeEventId()).isEqualTo("evt_1");
  }

  @Test
  void anExpiredSessionIsExpiredWhetherFromItsWebhookOrReRead() {
    PaymentFact byWebhook =
        StripeFacts.ofEvent(event("checkout.session.expired", session("expired", "unpaid"))).get(0);
    PaymentFact reRead = StripeFacts.ofSession(session("expired", "unpaid"), null).get(0);
    assertThat(byWebhook.kind()).isEqualTo(PaymentFact.Kind.EXPIRED);
    assertThat(byWebhook.sessionId()).isEqualTo("cs_test_1");
    assertThat(reRead)
        .isEqualTo(
            new PaymentFact(
                PaymentFact.Kind.EXPIRED,
                ORDER,
                6_400,
                "usd",
                "cs_test_1",
                "pi_1",
                null,
                null,
                null));
  }

  @Test
  void aRefundedChargeIsOneFactPerRefundThatMovedMoney() {
    JsonObject charge =
        new JsonObject()
            .put("id", "ch_1")
            .put("object", "charge")
            .put("amount", 6_400)
            .put("amount_refunded", 6_400)
            .put("currency", "usd")
            .put("payment_intent", "pi_1")
            .put("metadata", new JsonObject().put("order_id", ORDER.toString()))
            .put(
                "refunds",
                new JsonObject()
                    .put(
                        "data",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("id", "re_2")
                                    .put("amount", 4_000)
                                    .put("currency", "usd")
                                    .put("status", "succeeded")
                                    .put(
                                        "metadata",
                                        new JsonObject()
                                            .put(StripeFacts.REQUESTED_BY, StripeFacts.PLATFORM)))
                            .add(
                                new JsonObject()
                                    .put("id", "re_1")
                                    .put("amount", 2_400)
                                    .put("currency", "usd")
                                    .put("status", "succeeded"))
                            .add(
                                new JsonObject()
                                    .put("id", "re_0")
                                    .put("amount", 100)
                                    .put("currency", "usd")
                                    .put("status", "failed"))));
    assertThat(StripeFacts.ofEvent(event("charge.refunded", charge)))
        .extracting(
            PaymentFact::kind,
            PaymentFact::refundId,
            PaymentFact::amount,
            PaymentFact::paymentIntentId,
            PaymentFact::requested)
        .as("only the refund whose metadata says this platform asked for it is requested")
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                PaymentFact.Kind.REFUNDED, "re_2", 4_000L, "pi_1", true),
            org.assertj.core.groups.Tuple.tuple(
                PaymentFact.Kind.REFUNDED, "re_1", 2_400L, "pi_1", false));
  }

  @Test
  void otherEventsAndObjectsWithoutAnOrderMeanNothing() {
    assertThat(StripeFacts.ofEvent(event("payment_intent.created", intent()))).isEmpty();
    assertThat(StripeFacts.ofEvent(event("refund.created", new JsonObject().put("id", "re_1"))))
        .isEmpty();
    assertThat(
            StripeFacts.ofEvent(
                event("payment_intent.succeeded", intent().put("metadata", new JsonObject()))))
        .isEmpty();
    assertThat(
            StripeFacts.ofEvent(
                event(
                    "checkout.session.completed",
                    session("complete", "paid").put("client_reference_id", "not-an-order"))))
        .isEmpty();
  }
}
