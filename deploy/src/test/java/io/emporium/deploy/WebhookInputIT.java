package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /payments/webhook} refuses, as a 400 problem that records nothing, a correctly signed
 * body that is not a usable Stripe event, and a signature made more than five minutes in the
 * future. Each refused body here would pay a real order if it were taken: the order stays awaiting
 * payment.
 */
@ExtendWith(TestPlatform.class)
class WebhookInputIT {

  private record Pending(String token, String orderId, String sessionId, long total) {}

  private static Pending pendingOrder(Api api) {
    Checkouts.Product p = Checkouts.product(api, 1_800, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    Api.Response r =
        Checkouts.checkout(
            api, buyer.accessToken(), UUID.randomUUID().toString(), Checkouts.checkoutBody("GB"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return new Pending(
        buyer.accessToken(),
        r.json().getString("orderId"),
        r.json().getString("sessionId"),
        r.json().getLong("total"));
  }

  /** The order's own session, completed and paid in full: an event that would pay the order. */
  private static JsonObject paying(Pending order) {
    JsonObject session =
        new JsonObject()
            .put("id", order.sessionId())
            .put("object", "checkout.session")
            .put("status", "complete")
            .put("payment_status", "paid")
            .put("amount_total", order.total())
            .put("currency", "usd")
            .put("payment_intent", "pi_it_" + UUID.randomUUID().toString().replace("-", ""))
            .put("client_reference_id", order.orderId())
            .put("metadata", new JsonObject().put("order_id", order.orderId()));
    return new JsonObject(StripeWebhooks.event("checkout.session.completed", session));
  }

  private static void assertRefused(Api.Response r, String what) {
    assertThat(r.status()).as(what + ": " + r).isEqualTo(400);
    assertThat(r.header("Content-Type")).as(what).startsWith("application/problem+json");
    assertThat(r.json().getInteger("status")).as(what).isEqualTo(400);
    assertThat(r.json().getString("detail")).as(what).isNotBlank();
  }

  /**
   * Rows holding this very body (a JSON object without NUL characters, which jsonb cannot hold).
   */
  private static long recorded(String payload) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM payment.webhook_events WHERE payload = $1")
        .execute(Tuple.of(new JsonObject(payload)))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static long recordedWithId(String eventId) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM payment.webhook_events WHERE event_id = $1")
        .execute(Tuple.of(eventId))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static long recordedAbout(String objectId) {
    return TestPlatform.db()
        .preparedQuery(
            "SELECT count(*) FROM payment.webhook_events WHERE payload->'data'->'object'->>'id' = $1")
        .execute(Tuple.of(objectId))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static void assertUnchanged(Api api, Pending order) throws InterruptedException {
    Thread.sleep(1_500);
    JsonObject seen = api.get("/api/v1/orders/" + order.orderId(), order.token()).json();
    assertThat(seen.getString("status")).isEqualTo("pending_payment");
    assertThat(Checkouts.statuses(seen)).containsExactly("pending_payment");
    assertThat(recordedAbout(order.sessionId()))
        .as("no webhook event about the order's session")
        .isZero();
    assertThat(
            TestPlatform.db()
                .preparedQuery("SELECT kind FROM payment.ledger WHERE order_id = $1")
                .execute(Tuple.of(UUID.fromString(order.orderId())))
                .await()
                .iterator()
                .next()
                .getString(0))
        .isEqualTo("session_created");
    assertThat(
            TestPlatform.db()
                .preparedQuery("SELECT count(*) FROM payment.ledger WHERE order_id = $1")
                .execute(Tuple.of(UUID.fromString(order.orderId())))
                .await()
                .iterator()
                .next()
                .getLong(0))
        .as("only the session's opening")
        .isEqualTo(1);
  }

  @Test
  void aSignedBodyThatIsNoUsableEventIs400AndRecordsNothing(Api api) throws Exception {
    Pending order = pendingOrder(api);
    JsonObject event = paying(order);
    JsonObject withoutObjectId = event.copy();
    withoutObjectId.getJsonObject("data").getJsonObject("object").remove("id");
    JsonObject wordyAmount = event.copy();
    wordyAmount.getJsonObject("data").getJsonObject("object").put("amount_total", "all of it");
    JsonObject nul = event.copy();
    nul.getJsonObject("data").getJsonObject("object").put("payment_status", "pa\u0000id");
    List<String> bodies =
        List.of(
            "{}",
            withoutKey(event, "id"),
            withoutKey(event, "type"),
            event.copy().put("id", "").encode(),
            event.copy().put("type", 42).encode(),
            event.copy().put("data", new JsonObject()).encode(),
            event.copy().put("data", new JsonObject().put("object", "cs_test_1")).encode(),
            withoutObjectId.encode(),
            wordyAmount.encode(),
            nul.encode());
    for (String body : bodies) {
      assertRefused(StripeWebhooks.deliver(api, body, StripeWebhooks.signature(body)), body);
      if (!body.contains("\\u0000")) {
        assertThat(recorded(body)).as(body).isZero();
      }
    }
    assertThat(recordedWithId(event.getString("id"))).isZero();
    assertUnchanged(api, order);
  }

  private static String withoutKey(JsonObject event, String key) {
    JsonObject copy = event.copy();
    copy.remove(key);
    return copy.encode();
  }

  @Test
  void aSignatureFromMoreThanFiveMinutesAheadIs400AndRecordsNothing(Api api) throws Exception {
    Pending order = pendingOrder(api);
    String payload = paying(order).encode();
    long now = Instant.now().getEpochSecond();
    for (long ahead : new long[] {301 + 5, 600, 86_400}) {
      assertRefused(
          StripeWebhooks.deliver(
              api,
              payload,
              StripeWebhooks.signature(payload, now + ahead, TestPlatform.WEBHOOK_SECRET)),
          ahead + " s ahead");
    }
    assertThat(recorded(payload)).isZero();
    assertThat(recordedWithId(new JsonObject(payload).getString("id"))).isZero();
    assertUnchanged(api, order);

    // a clock a little ahead of ours is tolerated, as a little behind is
    String harmless =
        StripeWebhooks.event(
            "customer.created", new JsonObject().put("id", "cus_it").put("object", "customer"));
    Api.Response skewed =
        StripeWebhooks.deliver(
            api,
            harmless,
            StripeWebhooks.signature(harmless, now + 60, TestPlatform.WEBHOOK_SECRET));
    assertThat(skewed.status()).as(skewed.toString()).isEqualTo(200);
    assertThat(recorded(harmless)).isEqualTo(1);
  }
}
