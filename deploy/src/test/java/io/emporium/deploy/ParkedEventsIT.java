package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.emporium.proto.ops.v1.ListParkedRequest;
import io.emporium.proto.ops.v1.ParkedList;
import io.emporium.proto.ops.v1.ParkedMessage;
import io.emporium.proto.ops.v1.ParkedRef;
import io.emporium.proto.ops.v1.ParkingGrpcClient;
import io.emporium.proto.ops.v1.RetryParkedReply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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
 * A message a consumer cannot apply is tried a few times, then parked with its error, and the
 * messages behind it on the same partition are applied. The catalog's purchases consumer fails on a
 * product whose sales counter would overflow: state the test sets and can put right.
 */
@ExtendWith(TestPlatform.class)
class ParkedEventsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static String product(Api api, String token) {
    Api.Response r =
        api.post(
            "/api/v1/products",
            token,
            new JsonObject()
                .put("name", "Parked lamp")
                .put("price", 2_500)
                .put("currency", "usd")
                .put("stock", 5));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static byte[] orderPaid(String eventId, String orderId, String productId, int quantity) {
    return OrderEvent.newBuilder()
        .setEventId(eventId)
        .setOccurredAt(Instant.now().toString())
        .setOrderId(orderId)
        .setCustomerId(UUID.randomUUID().toString())
        .setStatus("paid")
        .setPreviousStatus("pending_payment")
        .setOrderPaid(
            OrderPaid.newBuilder()
                .setCurrency("USD")
                .setTotal(2_500L * quantity)
                .addLines(
                    OrderLine.newBuilder()
                        .setProductId(productId)
                        .setSku("PARK-1")
                        .setQuantity(quantity)
                        .setUnitPrice(2_500)))
        .build()
        .toByteArray();
  }

  private static void publish(String key, String eventId, byte[] event) throws Exception {
    PublishedEvents.publish("ordering.events", key, "OrderPaid", event, List.of(eventId));
  }

  private static long unitsSold(String productId) {
    return TestPlatform.db()
        .preparedQuery("SELECT units_sold FROM catalog.products WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(productId)))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static void awaitUnitsSold(String productId, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (unitsSold(productId) != expected) {
      assertThat(System.nanoTime())
          .as("product " + productId + " reaches " + expected + " units sold")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static RowSet<Row> parked(String eventId) {
    return TestPlatform.db()
        .preparedQuery(
            """
        SELECT source, key, event_type, attempts, last_error, first_failed_at, parked_at FROM catalog.parked_messages
        WHERE consumer = 'catalog-purchases' AND event_id = $1""")
        .execute(Tuple.of(UUID.fromString(eventId)))
        .await();
  }

  @Test
  void aPoisonEventIsParkedAndTheOneBehindItIsApplied(Api api) throws Exception {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String poisoned = product(api, seller);
    String healthy = product(api, seller);
    // one more sale would overflow the counter: every attempt to record it fails in PostgreSQL
    TestPlatform.db()
        .preparedQuery("UPDATE catalog.products SET units_sold = 9223372036854775807 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(poisoned)))
        .await();
    String key = UUID.randomUUID().toString();
    String poisonId = UUID.randomUUID().toString();
    try (BridgeClient admin = BridgeClient.connect()) {
      admin.register(
          "admin.alerts",
          Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken());
      admin.awaitListening("admin.alerts");
      publish(key, poisonId, orderPaid(poisonId, UUID.randomUUID().toString(), poisoned, 2));
      String goodId = UUID.randomUUID().toString();
      publish(key, goodId, orderPaid(goodId, UUID.randomUUID().toString(), healthy, 3));

      awaitUnitsSold(healthy, 3);
      JsonObject alert =
          admin.awaitMessage(
              "admin.alerts",
              m ->
                  "eventParked".equals(m.getString("type"))
                      && key.equals(m.getString("key"))
                      && "catalog".equals(m.getString("service")));
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
    assertThat(row.getOffsetDateTime("first_failed_at"))
        .isBeforeOrEqualTo(row.getOffsetDateTime("parked_at"));
    assertThat(unitsSold(poisoned)).isEqualTo(Long.MAX_VALUE);
    awaitGaugeShowsWhatIsParked(api);
  }

  /** The gauge of the catalog's parked messages from ordering.events catches up with its table. */
  private static void awaitGaugeShowsWhatIsParked(Api api) throws InterruptedException {
    Map<String, String> labels = Map.of("service", "catalog", "source", "ordering.events");
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      long parked =
          TestPlatform.db()
              .query(
                  "SELECT count(*) FROM catalog.parked_messages WHERE source = 'ordering.events'")
              .execute()
              .await()
              .iterator()
              .next()
              .getLong(0);
      double shown = ScrapedMetrics.of(api).value("emporium_parked_events", labels);
      if (parked > 0 && shown == parked) {
        return;
      }
      assertThat(System.nanoTime())
          .as("emporium_parked_events shows " + parked + ", not " + shown)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void aRedeliveredParkedEventIsNotParkedTwice(Api api) throws Exception {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String poisoned = product(api, seller);
    String marker = product(api, seller);
    TestPlatform.db()
        .preparedQuery("UPDATE catalog.products SET units_sold = 9223372036854775807 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(poisoned)))
        .await();
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

  private static CallContext as(String role) {
    return new CallContext(
        "parked-events-it-" + UUID.randomUUID(), UUID.randomUUID().toString(), role);
  }

  private static ApiProblem refusal(Future<?> call) {
    Throwable failure = call.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(ApiProblem.class);
    return (ApiProblem) failure;
  }

  /**
   * The catalog's parked message published under {@code key}, found by paging through the list;
   * null when none.
   */
  private static ParkedMessage listed(GrpcCalls catalog, String key) {
    String after = "";
    do {
      ParkedList page =
          catalog
              .call(
                  ParkingGrpcClient.ListParked,
                  ListParkedRequest.newBuilder().setLimit(2).setAfter(after).build(),
                  as("admin"))
              .await();
      for (ParkedMessage m : page.getMessagesList()) {
        if (key.equals(m.getKey())) {
          return m;
        }
      }
      after = page.getNext();
    } while (!after.isEmpty());
    return null;
  }

  private static String overflowing(Api api, String seller) {
    String id = product(api, seller);
    TestPlatform.db()
        .preparedQuery("UPDATE catalog.products SET units_sold = 9223372036854775807 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id)))
        .await();
    return id;
  }

  @Test
  void anAdminRetriesAParkedMessageOnceItsCauseIsFixedAndDiscardsAnother(Api api) throws Exception {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    TwoParked two = parkTwo(api, seller);
    String retried = two.retriedProduct();
    String retryKey = two.retryKey();
    String discardKey = two.discardKey();
    long deadline;

    GrpcCalls catalog = TestPlatform.grpc(EmporiumConfig.Service.CATALOG);
    ParkedMessage first = listed(catalog, retryKey);
    assertThat(first).as("listed").isNotNull();
    assertThat(first.getId()).startsWith("catalog:");
    assertThat(first.getService()).isEqualTo("catalog");
    assertThat(first.getSource()).isEqualTo("ordering.events");
    assertThat(first.getAttempts()).isEqualTo(3);
    assertThat(first.getLastError()).contains("bigint out of range");
    ParkedRef ref = ParkedRef.newBuilder().setId(first.getId()).build();
    for (String role : List.of("customer", "seller")) {
      assertThat(refusal(catalog.call(ParkingGrpcClient.RetryParked, ref, as(role))).status())
          .as(role)
          .isEqualTo(403);
      assertThat(refusal(catalog.call(ParkingGrpcClient.DiscardParked, ref, as(role))).status())
          .as(role)
          .isEqualTo(403);
      assertThat(
              refusal(
                      catalog.call(
                          ParkingGrpcClient.ListParked,
                          ListParkedRequest.getDefaultInstance(),
                          as(role)))
                  .status())
          .isEqualTo(403);
    }
    assertThat(
            refusal(
                    catalog.call(
                        ParkingGrpcClient.ListParked,
                        ListParkedRequest.getDefaultInstance(),
                        CallContext.anonymous("parked-events-it")))
                .status())
        .isEqualTo(401);
    assertThat(
            refusal(
                    catalog.call(
                        ParkingGrpcClient.RetryParked,
                        ParkedRef.newBuilder().setId("catalog:nope").build(),
                        as("admin")))
                .status())
        .isEqualTo(422);
    assertThat(
            refusal(
                    catalog.call(
                        ParkingGrpcClient.DiscardParked,
                        ParkedRef.newBuilder().setId("ordering:" + UUID.randomUUID()).build(),
                        as("admin")))
                .status())
        .isEqualTo(404);

    RetryParkedReply stillBad =
        catalog.call(ParkingGrpcClient.RetryParked, ref, as("admin")).await();
    assertThat(stillBad.getApplied()).isFalse();
    assertThat(stillBad.getStillParked().getAttempts()).isEqualTo(4);
    assertThat(stillBad.getStillParked().getLastError()).contains("bigint out of range");
    assertThat(listed(catalog, retryKey).getAttempts()).isEqualTo(4);

    TestPlatform.db()
        .preparedQuery("UPDATE catalog.products SET units_sold = 0 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(retried)))
        .await();
    assertThat(catalog.call(ParkingGrpcClient.RetryParked, ref, as("admin")).await().getApplied())
        .isTrue();
    assertThat(unitsSold(retried))
        .as("applied through the purchases consumer's own handler")
        .isEqualTo(2);
    assertThat(listed(catalog, retryKey)).as("gone once applied").isNull();
    assertThat(refusal(catalog.call(ParkingGrpcClient.RetryParked, ref, as("admin"))).status())
        .isEqualTo(404);

    ParkedMessage second = listed(catalog, discardKey);
    assertThat(second).isNotNull();
    catalog
        .call(
            ParkingGrpcClient.DiscardParked,
            ParkedRef.newBuilder().setId(second.getId()).build(),
            as("admin"))
        .await();
    assertThat(listed(catalog, discardKey)).isNull();
    assertThat(unitsSold(two.discardedProduct()))
        .as("discarded, not applied")
        .isEqualTo(Long.MAX_VALUE);
    deadline = System.nanoTime() + PATIENCE.toNanos();
    while (audited(second.getId(), "parked_message.discarded") == 0
        || audited(first.getId(), "parked_message.retried") < 2) {
      assertThat(System.nanoTime())
          .as("the retries and the discard reach the audit log")
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static long audited(String target, String action) {
    return TestPlatform.db()
        .preparedQuery(
            "SELECT count(*) FROM identity.audit_log WHERE target_id = $1 AND action = $2")
        .execute(Tuple.of(target, action))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static final String PARKED = "/api/v1/admin/events/parked";

  /**
   * The parked message published under {@code key}, found by paging through GET
   * /admin/events/parked; null when none.
   */
  private static JsonObject listedOverRest(Api api, String admin, String key) {
    String cursor = null;
    do {
      Api.Response r =
          api.get(PARKED + "?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), admin);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      for (Object o : r.json().getJsonArray("items")) {
        JsonObject m = (JsonObject) o;
        // realtime's mail consumer parks these made-up orders too: its customer is unknown
        if (key.equals(m.getString("key")) && "catalog".equals(m.getString("service"))) {
          return m;
        }
      }
      cursor = r.json().getString("nextCursor");
    } while (cursor != null);
    return null;
  }

  @Test
  void adminsListRetryAndDiscardParkedMessagesOverRest(Api api) throws Exception {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    TwoParked two = parkTwo(api, seller);
    String retried = two.retriedProduct();
    String retryKey = two.retryKey();
    String discardKey = two.discardKey();
    long deadline;

    assertThat(api.get(PARKED).status()).isEqualTo(401);
    assertThat(api.get(PARKED, seller).status()).isEqualTo(403);
    assertThat(api.get(PARKED + "?colour=red", admin).status()).isEqualTo(422);
    JsonObject first = listedOverRest(api, admin, retryKey);
    assertThat(first).as("listed").isNotNull();
    assertThat(first.getString("id")).startsWith("catalog:");
    assertThat(first.getString("service")).isEqualTo("catalog");
    assertThat(first.getString("source")).isEqualTo("ordering.events");
    assertThat(first.getInteger("attempts")).isEqualTo(3);
    assertThat(first.getString("lastError")).contains("bigint out of range");
    assertThat(first.getString("firstFailedAt")).isNotBlank();
    String retry = PARKED + "/" + first.getString("id") + "/retry";
    assertThat(api.post(retry, seller, null).status()).isEqualTo(403);
    assertThat(api.post(PARKED + "/catalog:nope/retry", admin, null).status()).isEqualTo(422);
    assertThat(api.delete(PARKED + "/ordering:" + UUID.randomUUID(), admin).status())
        .isEqualTo(404);

    Api.Response stillBad = api.post(retry, admin, null);
    assertThat(stillBad.status()).as(stillBad.toString()).isEqualTo(200);
    assertThat(stillBad.json().getBoolean("applied")).isFalse();
    assertThat(stillBad.json().getJsonObject("message").getInteger("attempts")).isEqualTo(4);
    TestPlatform.db()
        .preparedQuery("UPDATE catalog.products SET units_sold = 0 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(retried)))
        .await();
    Api.Response applied = api.post(retry, admin, null);
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    assertThat(applied.json().getBoolean("applied")).isTrue();
    assertThat(unitsSold(retried)).isEqualTo(2);
    assertThat(listedOverRest(api, admin, retryKey)).isNull();

    JsonObject second = listedOverRest(api, admin, discardKey);
    assertThat(second).isNotNull();
    assertThat(api.delete(PARKED + "/" + second.getString("id"), admin).status()).isEqualTo(204);
    assertThat(listedOverRest(api, admin, discardKey)).isNull();
    assertThat(api.delete(PARKED + "/" + second.getString("id"), admin).status()).isEqualTo(404);
    deadline = System.nanoTime() + PATIENCE.toNanos();
    while (audited(second.getString("id"), "parked_message.discarded") == 0) {
      assertThat(System.nanoTime()).as("the discard reaches the audit log").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * A Stripe event that keeps failing is parked; an admin's retry applies it there and then and
   * says whether it was: one that fails again stays parked, counted, and one whose cause was mended
   * is applied before the answer.
   */
  @Test
  void aStripeEventThatKeepsFailingIsParkedAndAnAdminsRetryAppliesIt(Api api) throws Exception {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    String eventId = "evt_it_parked_" + UUID.randomUUID().toString().replace("-", "");
    // past the webhook route's checks, as an event recorded before a rule changed: its amount
    // breaks every attempt
    JsonObject session =
        new JsonObject()
            .put("id", "cs_it_" + UUID.randomUUID().toString().replace("-", ""))
            .put("object", "checkout.session")
            .put("status", "complete")
            .put("payment_status", "paid")
            .put("amount_total", "all of it")
            .put("currency", "usd")
            .put("metadata", new JsonObject().put("order_id", UUID.randomUUID().toString()));
    JsonObject event =
        new JsonObject()
            .put("id", eventId)
            .put("object", "event")
            .put("type", "checkout.session.completed")
            .put("data", new JsonObject().put("object", session));
    TestPlatform.db()
        .preparedQuery(
            "INSERT INTO payment.webhook_events (event_id, event_type, payload) VALUES ($1, $2, $3)")
        .execute(Tuple.of(eventId, "checkout.session.completed", event))
        .await();

    JsonObject first = awaitListedOverRest(api, admin, "payment", eventId, null);
    assertThat(first.getString("id")).startsWith("payment:");
    assertThat(first.getString("source")).isEqualTo("stripe.webhooks");
    assertThat(first.getInteger("attempts")).as("tried EVENT_RETRY_ATTEMPTS times").isEqualTo(3);
    assertThat(first.getString("lastError")).contains("ClassCastException");
    // parked, the sweep leaves it alone: a second and more go by without another attempt
    Thread.sleep(2_500);
    Row inbox =
        TestPlatform.db()
            .preparedQuery(
                "SELECT attempts, parked_at, processed_at FROM payment.webhook_events WHERE event_id = $1")
            .execute(Tuple.of(eventId))
            .await()
            .iterator()
            .next();
    assertThat(inbox.getInteger("attempts")).isEqualTo(3);
    assertThat(inbox.getOffsetDateTime("parked_at")).isNotNull();
    assertThat(inbox.getOffsetDateTime("processed_at")).isNull();

    Api.Response retried = api.post(PARKED + "/" + first.getString("id") + "/retry", admin, null);
    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getBoolean("applied")).as("it fails again").isFalse();
    JsonObject still = retried.json().getJsonObject("message");
    assertThat(still.getString("id")).isEqualTo(first.getString("id"));
    assertThat(still.getInteger("attempts")).isEqualTo(4);
    assertThat(still.getString("lastError")).contains("ClassCastException");
    assertThat(processedAt(eventId)).as("still not applied").isNull();

    // the cause mended, as a fixed rule would: the next retry applies it before it answers
    session.put("amount_total", 1_200);
    TestPlatform.db()
        .preparedQuery("UPDATE payment.parked_messages SET payload = $1 WHERE key = $2")
        .execute(Tuple.of(Buffer.buffer(event.encode()), eventId))
        .await();
    Api.Response applied = api.post(PARKED + "/" + first.getString("id") + "/retry", admin, null);
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    assertThat(applied.json().getBoolean("applied")).isTrue();
    assertThat(processedAt(eventId)).as("applied before the answer").isNotNull();
    assertThat(
            TestPlatform.db()
                .preparedQuery("SELECT count(*) FROM payment.parked_messages WHERE key = $1")
                .execute(Tuple.of(eventId))
                .await()
                .iterator()
                .next()
                .getLong(0))
        .as("no longer parked")
        .isZero();
    assertThat(api.post(PARKED + "/" + first.getString("id") + "/retry", admin, null).status())
        .isEqualTo(404);
  }

  private static java.time.OffsetDateTime processedAt(String eventId) {
    return TestPlatform.db()
        .preparedQuery("SELECT processed_at FROM payment.webhook_events WHERE event_id = $1")
        .execute(Tuple.of(eventId))
        .await()
        .iterator()
        .next()
        .getOffsetDateTime("processed_at");
  }

  /**
   * The service's parked message under {@code key} other than {@code not}, as GET
   * /admin/events/parked lists it, once it is there.
   */
  private static JsonObject awaitListedOverRest(
      Api api, String admin, String service, String key, String not) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      String cursor = null;
      do {
        Api.Response r =
            api.get(PARKED + "?limit=100" + (cursor == null ? "" : "&cursor=" + cursor), admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (Object o : r.json().getJsonArray("items")) {
          JsonObject m = (JsonObject) o;
          if (key.equals(m.getString("key"))
              && service.equals(m.getString("service"))
              && !m.getString("id").equals(not)) {
            return m;
          }
        }
        cursor = r.json().getString("nextCursor");
      } while (cursor != null);
      assertThat(System.nanoTime())
          .as(service + " parks the message under " + key)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /**
   * Two poison events parked (one to retry once its product is fixed, one to discard), behind a
   * marker that was applied.
   */
  private record TwoParked(
      String retriedProduct, String discardedProduct, String retryKey, String discardKey) {}

  private TwoParked parkTwo(Api api, String seller) throws Exception {
    String retried = overflowing(api, seller);
    String discarded = overflowing(api, seller);
    String marker = product(api, seller);
    String retryKey = UUID.randomUUID().toString();
    String discardKey = UUID.randomUUID().toString();
    String a = UUID.randomUUID().toString();
    publish(retryKey, a, orderPaid(a, UUID.randomUUID().toString(), retried, 2));
    String b = UUID.randomUUID().toString();
    publish(discardKey, b, orderPaid(b, UUID.randomUUID().toString(), discarded, 1));
    String m = UUID.randomUUID().toString();
    publish(discardKey, m, orderPaid(m, UUID.randomUUID().toString(), marker, 1));
    awaitUnitsSold(marker, 1);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (parked(a).size() == 0) {
      assertThat(System.nanoTime()).as("the first poison event is parked").isLessThan(deadline);
      Thread.sleep(50);
    }
    return new TwoParked(retried, discarded, retryKey, discardKey);
  }
}
