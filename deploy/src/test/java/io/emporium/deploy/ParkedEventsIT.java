package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A message a consumer cannot apply is tried a few times, then parked with its error, and the messages behind it on
 * the same partition are applied. The catalog's purchases consumer fails on a product whose sales counter would
 * overflow: state the test sets and can put right.
 */
@ExtendWith(TestPlatform.class)
class ParkedEventsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static String product(Api api, String token) {
    Api.Response r = api.post("/api/v1/products", token,
        new JsonObject().put("name", "Parked lamp").put("price", 2_500).put("currency", "usd").put("stock", 5));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static byte[] orderPaid(String eventId, String orderId, String productId, int quantity) {
    return OrderEvent.newBuilder().setEventId(eventId).setOccurredAt(Instant.now().toString()).setOrderId(orderId)
        .setCustomerId(UUID.randomUUID().toString()).setStatus("paid").setPreviousStatus("pending_payment")
        .setOrderPaid(OrderPaid.newBuilder().setCurrency("USD").setTotal(2_500L * quantity)
            .addLines(OrderLine.newBuilder().setProductId(productId).setSku("PARK-1").setQuantity(quantity).setUnitPrice(2_500)))
        .build().toByteArray();
  }

  private static void publish(String key, String eventId, byte[] event) throws Exception {
    PublishedEvents.publish("ordering.events", key, "OrderPaid", event, List.of(eventId));
  }

  private static long unitsSold(String productId) {
    return TestPlatform.db().preparedQuery("SELECT units_sold FROM catalog.products WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(productId))).await().iterator().next().getLong(0);
  }

  private static void awaitUnitsSold(String productId, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (unitsSold(productId) != expected) {
      assertThat(System.nanoTime()).as("product " + productId + " reaches " + expected + " units sold").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static RowSet<Row> parked(String eventId) {
    return TestPlatform.db().preparedQuery("""
        SELECT source, key, event_type, attempts, last_error, first_failed_at, parked_at FROM catalog.parked_messages
        WHERE consumer = 'catalog-purchases' AND event_id = $1""").execute(Tuple.of(UUID.fromString(eventId))).await();
  }

  @Test
  void aPoisonEventIsParkedAndTheOneBehindItIsApplied(Api api) throws Exception {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String poisoned = product(api, seller);
    String healthy = product(api, seller);
    // one more sale would overflow the counter: every attempt to record it fails in PostgreSQL
    TestPlatform.db().preparedQuery("UPDATE catalog.products SET units_sold = 9223372036854775807 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(poisoned))).await();
    String key = UUID.randomUUID().toString();
    String poisonId = UUID.randomUUID().toString();
    try (BridgeClient admin = BridgeClient.connect()) {
      admin.register("admin.alerts", Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken());
      admin.awaitListening("admin.alerts");
      publish(key, poisonId, orderPaid(poisonId, UUID.randomUUID().toString(), poisoned, 2));
      String goodId = UUID.randomUUID().toString();
      publish(key, goodId, orderPaid(goodId, UUID.randomUUID().toString(), healthy, 3));

      awaitUnitsSold(healthy, 3);
      JsonObject alert = admin.awaitMessage("admin.alerts", m -> "eventParked".equals(m.getString("type")) && key.equals(m.getString("key")));
      assertThat(alert.getString("service")).isEqualTo("catalog");
      assertThat(alert.getString("source")).isEqualTo("ordering.events");
      assertThat(alert.getString("error")).contains("bigint out of range");
      assertThat(alert.getString("id")).startsWith("catalog:");
      assertThat(alert.getString("at")).isNotBlank();
    }
    RowSet<Row> rows = parked(poisonId);
    assertThat(rows.size()).as("the poison event is parked").isEqualTo(1);
    Row row = rows.iterator().next();
    assertThat(row.getString("source")).isEqualTo("ordering.events");
    assertThat(row.getString("key")).isEqualTo(key);
    assertThat(row.getString("event_type")).isEqualTo("OrderPaid");
    assertThat(row.getInteger("attempts")).as("tried EVENT_RETRY_ATTEMPTS times").isEqualTo(3);
    assertThat(row.getString("last_error")).contains("bigint out of range");
    assertThat(row.getOffsetDateTime("first_failed_at")).isBeforeOrEqualTo(row.getOffsetDateTime("parked_at"));
    assertThat(unitsSold(poisoned)).isEqualTo(Long.MAX_VALUE);
    awaitGaugeShowsWhatIsParked(api);
  }

  /** The gauge of the catalog's parked messages from ordering.events catches up with its table. */
  private static void awaitGaugeShowsWhatIsParked(Api api) throws InterruptedException {
    Map<String, String> labels = Map.of("service", "catalog", "source", "ordering.events");
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      long parked = TestPlatform.db().query("SELECT count(*) FROM catalog.parked_messages WHERE source = 'ordering.events'").execute()
          .await().iterator().next().getLong(0);
      double shown = ScrapedMetrics.of(api).value("emporium_parked_events", labels);
      if (parked > 0 && shown == parked) {
        return;
      }
      assertThat(System.nanoTime()).as("emporium_parked_events shows " + parked + ", not " + shown).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void aRedeliveredParkedEventIsNotParkedTwice(Api api) throws Exception {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String poisoned = product(api, seller);
    String marker = product(api, seller);
    TestPlatform.db().preparedQuery("UPDATE catalog.products SET units_sold = 9223372036854775807 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(poisoned))).await();
    String key = UUID.randomUUID().toString();
    String poisonId = UUID.randomUUID().toString();
    byte[] poison = orderPaid(poisonId, UUID.randomUUID().toString(), poisoned, 1);
    publish(key, poisonId, poison);
    publish(key, poisonId, poison);
    String markerId = UUID.randomUUID().toString();
    publish(key, markerId, orderPaid(markerId, UUID.randomUUID().toString(), marker, 1));

    awaitUnitsSold(marker, 1);
    assertThat(parked(poisonId).size()).as("parked once however often it comes").isEqualTo(1);
    assertThat(parked(poisonId).iterator().next().getInteger("attempts")).isEqualTo(3);
  }
}
