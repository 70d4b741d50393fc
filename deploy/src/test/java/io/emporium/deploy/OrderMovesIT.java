package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Order moves that call other services are persisted steps: no transaction of ordering waits on a
 * call, a step a stopped process left is resumed, and one that keeps failing is parked.
 */
@ExtendWith(TestPlatform.class)
class OrderMovesIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** A buyer's order waiting for payment: its id, checkout URL and the buyer's token. */
  private record Waiting(
      String orderId, String checkoutUrl, String token, Checkouts.Product product) {}

  private static Waiting waiting(Api api, int stock) {
    Checkouts.Product product = Checkouts.product(api, 1_500, stock);
    Accounts.Account buyer = Checkouts.buyer(api, product, 2);
    Api.Response r =
        Checkouts.checkout(
            api, buyer.accessToken(), UUID.randomUUID().toString(), Checkouts.checkoutBody("GB"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return new Waiting(
        r.json().getString("orderId"),
        r.json().getString("checkoutUrl"),
        buyer.accessToken(),
        product);
  }

  private static long steps(String orderId) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM ordering.order_steps WHERE order_id = $1")
        .execute(Tuple.of(UUID.fromString(orderId)))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static int available(String sku) {
    return TestPlatform.db()
        .preparedQuery("SELECT stock - reserved FROM catalog.variants WHERE sku = $1")
        .execute(Tuple.of(sku))
        .await()
        .iterator()
        .next()
        .getInteger(0);
  }

  private static void awaitNoSteps(String orderId) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (steps(orderId) > 0) {
      assertThat(System.nanoTime()).as("order " + orderId + "'s steps end").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void aPaymentWaitingOnTheCatalogHoldsNoLockOnTheOrder(Api api) throws Exception {
    Waiting order = waiting(api, 5);
    UUID id = UUID.fromString(order.orderId());
    SqlConnection catalogHold = TestPlatform.db().getConnection().await();
    try {
      // the catalog cannot commit the reservation while this transaction holds it: the paid move
      // waits on that call
      catalogHold.begin().await();
      catalogHold
          .preparedQuery("SELECT 1 FROM catalog.reservations WHERE order_id = $1 FOR UPDATE")
          .execute(Tuple.of(id))
          .await();
      assertThat(Checkouts.pay(order.checkoutUrl(), Checkouts.PAYS)).isEqualTo(303);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!waitingOnTheCatalog(id)) {
        assertThat(System.nanoTime()).as("the paid move reaches the catalog").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(steps(order.orderId()))
          .as("the move is a persisted step while it waits")
          .isEqualTo(1);
      // nothing of ordering is locked or left open in a transaction meanwhile
      SqlConnection probe = TestPlatform.db().getConnection().await();
      try {
        probe.begin().await();
        assertThat(
                probe
                    .preparedQuery(
                        "SELECT status FROM ordering.orders WHERE id = $1 FOR UPDATE NOWAIT")
                    .execute(Tuple.of(id))
                    .await()
                    .iterator()
                    .next()
                    .getString("status"))
            .isEqualTo("pending_payment");
        probe.query("ROLLBACK").execute().await();
      } finally {
        probe.close().await();
      }
      assertThat(idleInTransaction())
          .as("ordering sessions idle in a transaction while a move waits on a call")
          .isZero();
    } finally {
      catalogHold.query("ROLLBACK").execute().await();
      catalogHold.close().await();
    }
    Checkouts.orderOnceItIs(api, order.token(), order.orderId(), "paid");
    awaitNoSteps(order.orderId());
  }

  /**
   * The catalog's commit of this order's reservation is waiting for a lock: the move is in its
   * call.
   */
  private static boolean waitingOnTheCatalog(UUID orderId) {
    return TestPlatform.db()
            .query(
                """
        SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%catalog.reservations%FOR UPDATE%'
          AND query NOT LIKE '%pg_stat_activity%'""")
            .execute()
            .await()
            .iterator()
            .next()
            .getLong(0)
        > 0;
  }

  private static long idleInTransaction() {
    return TestPlatform.db()
        .query(
            """
        SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND query LIKE '%ordering.%'""")
        .execute()
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aMoveAStoppedProcessLeftIsResumed(Api api) throws Exception {
    Waiting order = waiting(api, 4);
    assertThat(available(order.product().sku())).isEqualTo(2);
    // as a process leaves it when it dies in the middle of a cancellation: claimed, its lease run
    // out
    TestPlatform.db()
        .preparedQuery(
            """
        INSERT INTO ordering.order_steps (order_id, kind, args, request_id, attempts, lease_until)
        VALUES ($1, 'cancel', $2, 'crashed-process', 1, now() - interval '1 second')""")
        .execute(
            Tuple.of(
                UUID.fromString(order.orderId()),
                new JsonObject()
                    .put("paymentStatus", "cancelled")
                    .put("reason", "abandoned")
                    .put("closeSession", true)))
        .await();
    JsonObject cancelled =
        Checkouts.orderOnceItIs(api, order.token(), order.orderId(), "cancelled");
    assertThat(cancelled.getJsonObject("payment").getString("status")).isEqualTo("cancelled");
    awaitNoSteps(order.orderId());
    assertThat(available(order.product().sku())).as("the held stock is back").isEqualTo(4);
    assertThat(Checkouts.pay(order.checkoutUrl(), Checkouts.PAYS))
        .as("its session was closed: it can no longer be paid")
        .isNotEqualTo(303);
  }

  @Test
  void aMoveThatKeepsFailingIsParkedAndTheOrdersOtherMovesGoOn(Api api) throws Exception {
    Waiting order = waiting(api, 3);
    UUID id = UUID.fromString(order.orderId());
    // a refund of a payment Stripe never took fails every time, and not for an outage
    TestPlatform.db()
        .preparedQuery(
            """
        INSERT INTO ordering.order_steps (order_id, kind, args, request_id) VALUES ($1, 'mismatch', $2, 'test-mismatch')""")
        .execute(Tuple.of(id, new JsonObject().put("paymentIntentId", "pi_never_taken")))
        .await();
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Api.Response parked =
        api.await(
            PATIENCE,
            () -> api.get("/api/v1/admin/events/parked?limit=100", admin),
            r ->
                r.status() == 200
                    && r.json().getJsonArray("items").stream()
                        .anyMatch(i -> order.orderId().equals(((JsonObject) i).getString("key"))));
    JsonObject item =
        parked.json().getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(i -> order.orderId().equals(i.getString("key")))
            .findFirst()
            .orElseThrow();
    assertThat(item.getString("source")).isEqualTo("ordering.steps");
    assertThat(item.getInteger("attempts")).as("tried EVENT_RETRY_ATTEMPTS times").isEqualTo(3);
    assertThat(item.getString("lastError")).isNotBlank();
    awaitNoSteps(order.orderId());
    // the order's next move is not held up by the parked one
    assertThat(Checkouts.pay(order.checkoutUrl(), Checkouts.PAYS)).isEqualTo(303);
    Checkouts.orderOnceItIs(api, order.token(), order.orderId(), "paid");
    Api.Response discarded =
        api.delete("/api/v1/admin/events/parked/" + item.getString("id"), admin);
    assertThat(discarded.status()).as(discarded.toString()).isEqualTo(204);
    Row none =
        TestPlatform.db()
            .preparedQuery("SELECT count(*) FROM ordering.parked_messages WHERE key = $1")
            .execute(Tuple.of(order.orderId()))
            .await()
            .iterator()
            .next();
    assertThat(none.getLong(0)).isZero();
  }
}
