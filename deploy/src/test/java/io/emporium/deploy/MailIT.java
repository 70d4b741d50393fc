package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.deploy.embedded.EmbeddedSmtpSink;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transactional email, driven through REST and read from the real SMTP sink: what each event mails,
 * once.
 */
@ExtendWith(TestPlatform.class)
class MailIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String CONFIRMED = "is confirmed";
  private static final String RECEIPT = "Payment receipt";

  /**
   * The mails to {@code email} whose subject contains {@code about}, once there are at least {@code
   * count}.
   */
  private static List<JsonObject> mails(Api api, String email, String about, int count) {
    Api.Response box =
        api.await(
            PATIENCE,
            () -> api.get("/dev/mailbox?to=" + email),
            r -> r.status() == 200 && about(r.jsonArray(), about).size() >= count);
    assertThat(box.status()).as(box.toString()).isEqualTo(200);
    List<JsonObject> found = about(box.jsonArray(), about);
    assertThat(found)
        .as("mails to " + email + " about '" + about + "'")
        .hasSizeGreaterThanOrEqualTo(count);
    return found;
  }

  private static List<JsonObject> about(JsonArray mails, String about) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < mails.size(); i++) {
      if (mails.getJsonObject(i).getString("subject").contains(about)) {
        out.add(mails.getJsonObject(i));
      }
    }
    return out;
  }

  private static String usd(long cents) {
    return String.format("%,d.%02d USD", cents / 100, cents % 100);
  }

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static Api.Response ship(Api api, Product p, String orderId, String tracking) {
    Api.Response shipped =
        api.post(
            "/api/v1/seller/orders/" + orderId + "/ship",
            p.sellerToken(),
            new JsonObject().put("carrier", "DHL").put("trackingNumber", tracking));
    assertThat(shipped.status()).as(shipped.toString()).isEqualTo(200);
    return shipped;
  }

  @Test
  void aPaidOrderMailsTheBuyerOneConfirmationAndOneReceipt(Api api) throws Exception {
    Product p = product(api, 2_500, 5);
    Paid paid = paidOrder(api, p, 2);
    String total = usd(paid.order().getLong("total"));

    JsonObject receipt = mails(api, paid.buyer().email(), RECEIPT, 1).get(0);
    List<JsonObject> confirmations = mails(api, paid.buyer().email(), CONFIRMED, 1);
    assertThat(confirmations).hasSize(1);
    JsonObject confirmation = confirmations.get(0);
    assertThat(confirmation.getString("text"))
        .contains(paid.id())
        .contains("2 x Walnut bowl " + p.sku())
        .contains("at 25.00 USD = 50.00 USD")
        .contains("Total: " + total);
    assertThat(confirmation.getString("html"))
        .contains(p.sku())
        .contains("50.00 USD")
        .contains(total);
    assertThat(receipt.getString("text"))
        .contains("payment of " + total + " for order " + paid.id())
        .contains("Payment reference: pi_")
        .as("a time a person reads, in UTC")
        .containsPattern(" on \\d{1,2} [A-Z][a-z]+ \\d{4}, \\d{2}:\\d{2} UTC\\.")
        .doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T")
        .as("links go to STOREFRONT_URL")
        .contains(TestPlatform.STOREFRONT_URL + "/orders/" + paid.id() + "/invoice");
    assertThat(confirmation.getString("html"))
        .contains("href=\"" + TestPlatform.STOREFRONT_URL + "/orders/" + paid.id() + "\"");
    assertThat(receipt.getString("html")).contains(total);
    assertThat(mails(api, paid.buyer().email(), RECEIPT, 1)).hasSize(1);
  }

  @Test
  void aSellersShipmentMailsTheBuyerTheTrackingNumber(Api api) throws Exception {
    Product p = product(api, 1_200, 5);
    Paid paid = paidOrder(api, p, 1);
    String tracking = "JD" + UUID.randomUUID().toString().substring(0, 10).toUpperCase();
    ship(api, p, paid.id(), tracking);

    JsonObject shipped = mails(api, paid.buyer().email(), "has shipped", 1).get(0);
    assertThat(shipped.getString("text"))
        .contains("left with DHL")
        .contains("Tracking number: " + tracking)
        .contains(p.sku());
    assertThat(shipped.getString("html")).contains(tracking);
  }

  @Test
  void anAdminsPartialRefundMailsTheBuyerTheAmount(Api api) throws Exception {
    Paid paid = paidOrder(api, product(api, 2_500, 5), 2);
    Api.Response refund =
        api.send(
            HttpMethod.POST,
            "/api/v1/orders/" + paid.id() + "/refund",
            admin(api),
            new JsonObject().put("amount", 1_000).put("reason", "a scratched bowl"),
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(refund.status()).as(refund.toString()).isEqualTo(200);

    JsonObject mail = mails(api, paid.buyer().email(), "Refund of", 1).get(0);
    assertThat(mail.getString("subject")).startsWith("Refund of 10.00 USD");
    assertThat(mail.getString("text"))
        .contains("We refunded 10.00 USD for order " + paid.id())
        .contains("Refunded so far: 10.00 USD");
    assertThat(mail.getString("html")).contains("10.00 USD");
  }

  @Test
  void stockFallingToTheThresholdMailsTheSeller(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sku = "LOW-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Api.Response created =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Candle")
                .put("price", 800)
                .put("currency", "usd")
                .put("lowStockThreshold", 3)
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", 10))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Api.Response set =
        api.send(
            HttpMethod.PUT,
            "/api/v1/inventory/" + sku,
            seller.accessToken(),
            new JsonObject().put("available", 2),
            Map.of());
    assertThat(set.status()).as(set.toString()).isEqualTo(200);

    JsonObject mail = mails(api, seller.email(), "Low stock", 1).get(0);
    assertThat(mail.getString("subject")).isEqualTo("Low stock: " + sku + " has 2 left");
    assertThat(mail.getString("text")).contains("threshold of 3");
    assertThat(mail.getString("html")).contains(sku);
  }

  @Test
  void aDeclinedPaymentMailsTheAdmins(Api api) throws Exception {
    Accounts.Account buyer = buyer(api, product(api, 3_100, 5), 1);
    JsonObject session =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    pay(session.getString("checkoutUrl"), DECLINES);

    JsonObject mail =
        mails(
                api,
                TestPlatform.ADMIN_EMAIL,
                "Payment failed for order " + session.getString("orderId"),
                1)
            .get(0);
    assertThat(mail.getString("text"))
        .contains("payment of " + usd(session.getLong("total")))
        .containsPattern("Reason: \\S+");
    assertThat(mail.getString("html")).isNotBlank();
  }

  @Test
  void aDeactivatedSellerGetsNoLowStockMail(Api api) throws Exception {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sku = "OFF-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Api.Response created =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Lamp")
                .put("price", 900)
                .put("currency", "usd")
                .put("lowStockThreshold", 3)
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", 10))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String admin = admin(api);
    Api.Response deactivated =
        api.patch(
            "/api/v1/admin/users/" + seller.id(), admin, new JsonObject().put("active", false));
    assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);
    awaitConsumed(
        "realtime-identity-mail",
        eventId(published("identity", "identity.events", seller.id(), "UserDeactivated")));

    Api.Response set =
        api.send(
            HttpMethod.PUT,
            "/api/v1/inventory/" + sku,
            admin,
            new JsonObject().put("available", 1),
            Map.of());
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    awaitConsumed(
        "realtime-mail-catalog",
        eventId(
            published("catalog", "catalog.events", created.json().getString("id"), "StockLow")));
    assertThat(about(api.get("/dev/mailbox?to=" + seller.email()).jsonArray(), "Low stock"))
        .isEmpty();
  }

  @Test
  void anEventDeliveredAgainSendsNoSecondMail(Api api) throws Exception {
    Product p = product(api, 1_500, 5);
    Paid paid = paidOrder(api, p, 1);
    mails(api, paid.buyer().email(), RECEIPT, 1);

    republish(paidEventOf(paid.id()));
    // the shipment is published after the copy under the same key, so its mail proves the copy was
    // consumed
    ship(api, p, paid.id(), "MARKER-1");
    mails(api, paid.buyer().email(), "has shipped", 1);
    assertThat(mails(api, paid.buyer().email(), CONFIRMED, 1)).hasSize(1);
    assertThat(mails(api, paid.buyer().email(), RECEIPT, 1)).hasSize(1);
  }

  @Test
  void anEventAppliedAgainAfterItsMailsWentOutSendsNoneTwice(Api api) throws Exception {
    Product p = product(api, 1_500, 5);
    Paid paid = paidOrder(api, p, 1);
    mails(api, paid.buyer().email(), RECEIPT, 1);

    ConsumerRecord<String, byte[]> event = paidEventOf(paid.id());
    // as if the consumer had crashed after sending but before committing: the event is applied once
    // more
    long forgotten =
        TestPlatform.db()
            .preparedQuery(
                "DELETE FROM realtime.processed_events WHERE consumer = $1 AND event_id = $2")
            .execute(Tuple.of("realtime-mail-ordering", eventId(event)))
            .await()
            .rowCount();
    assertThat(forgotten).isEqualTo(1);
    republish(event);
    ship(api, p, paid.id(), "MARKER-2");
    mails(api, paid.buyer().email(), "has shipped", 1);
    assertThat(mails(api, paid.buyer().email(), CONFIRMED, 1)).hasSize(1);
    assertThat(mails(api, paid.buyer().email(), RECEIPT, 1)).hasSize(1);
  }

  @Test
  void mailWaitsOutAnSmtpOutageAndArrivesOnce(Api api) throws Exception {
    EmbeddedSmtpSink sink = TestPlatform.platform().smtpSink();
    Product p = product(api, 2_000, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    String orderId;
    sink.stop();
    try {
      JsonObject session =
          checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"))
              .json();
      assertThat(pay(session.getString("checkoutUrl"), PAYS)).isEqualTo(303);
      orderId =
          orderOnceItIs(api, buyer.accessToken(), session.getString("orderId"), "paid")
              .getString("id");
      PublishedEvents.of("ordering", "ordering.events", orderId);
      // long enough for the consumer to try, fail and back off at least once
      Thread.sleep(3_000);
      assertThat(sentMails(orderId))
          .as("nothing can be accepted while the SMTP server is down")
          .isZero();
    } finally {
      sink.restart();
    }
    List<JsonObject> receipts = mails(api, buyer.email(), RECEIPT, 1);
    assertThat(receipts.get(0).getString("text")).contains(orderId);
    assertThat(mails(api, buyer.email(), CONFIRMED, 1)).hasSize(1);
    assertThat(receipts).hasSize(1);
  }

  @Test
  void aMailTheSmtpServerRefusesForGoodIsParkedAtOnceAndTheNextEventIsMailed(Api api)
      throws Exception {
    EmbeddedSmtpSink sink = TestPlatform.platform().smtpSink();
    Product p = product(api, 1_800, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    String orderId;
    sink.refuse(buyer.email());
    try {
      JsonObject session =
          checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"))
              .json();
      assertThat(pay(session.getString("checkoutUrl"), PAYS)).isEqualTo(303);
      orderId =
          orderOnceItIs(api, buyer.accessToken(), session.getString("orderId"), "paid")
              .getString("id");

      JsonObject parked = awaitParkedOverRest(api, orderId);
      assertThat(parked.getString("id")).startsWith("realtime:");
      assertThat(parked.getString("source")).isEqualTo("ordering.events");
      assertThat(parked.getInteger("attempts"))
          .as("parked on its first attempt, not after EVENT_RETRY_ATTEMPTS")
          .isEqualTo(1);
      assertThat(parked.getString("lastError")).contains("550").contains(buyer.email());
    } finally {
      sink.accept(buyer.email());
    }
    // the shipment comes next under the same key, so on the same partition: the consumer moved on
    // past the parked event
    ship(api, p, orderId, "AFTER-550");
    mails(api, buyer.email(), "has shipped", 1);
    assertThat(about(api.get("/dev/mailbox?to=" + buyer.email()).jsonArray(), RECEIPT)).isEmpty();
  }

  @Test
  void aBuyerMissingFromTheRecipientsIsFetchedFromIdentityAndMailed(Api api) throws Exception {
    Product p = product(api, 1_300, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    awaitConsumed(
        "realtime-identity-mail",
        eventId(published("identity", "identity.events", buyer.id(), "UserRegistered")));
    long forgotten =
        TestPlatform.db()
            .preparedQuery("DELETE FROM realtime.recipients WHERE user_id = $1")
            .execute(Tuple.of(UUID.fromString(buyer.id())))
            .await()
            .rowCount();
    assertThat(forgotten).isEqualTo(1);

    JsonObject session =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    assertThat(pay(session.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    String orderId =
        orderOnceItIs(api, buyer.accessToken(), session.getString("orderId"), "paid")
            .getString("id");

    assertThat(mails(api, buyer.email(), RECEIPT, 1).get(0).getString("text")).contains(orderId);
    assertThat(mails(api, buyer.email(), CONFIRMED, 1)).hasSize(1);
    Row stored =
        TestPlatform.db()
            .preparedQuery("SELECT email, role, active FROM realtime.recipients WHERE user_id = $1")
            .execute(Tuple.of(UUID.fromString(buyer.id())))
            .await()
            .iterator()
            .next();
    assertThat(stored.getString("email")).isEqualTo(buyer.email());
    assertThat(stored.getString("role")).isEqualTo("customer");
    assertThat(stored.getBoolean("active")).isTrue();
    assertThat(
            TestPlatform.db()
                .preparedQuery("SELECT count(*) FROM realtime.parked_messages WHERE key = $1")
                .execute(Tuple.of(orderId))
                .await()
                .iterator()
                .next()
                .getLong(0))
        .as("nothing parked")
        .isZero();
  }

  @Test
  void anOrderOfAUserIdentityDoesNotKnowIsParkedAtOnce() throws Exception {
    String eventId = UUID.randomUUID().toString();
    String orderId = UUID.randomUUID().toString();
    String stranger = UUID.randomUUID().toString();
    byte[] paid =
        OrderEvent.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(Instant.now().toString())
            .setOrderId(orderId)
            .setCustomerId(stranger)
            .setStatus("paid")
            .setPreviousStatus("pending_payment")
            .setOrderPaid(
                OrderPaid.newBuilder()
                    .setCurrency("USD")
                    .setTotal(1_000L)
                    .addLines(
                        OrderLine.newBuilder()
                            .setProductId(UUID.randomUUID().toString())
                            .setSku("NOBODY-1")
                            .setQuantity(1)
                            .setUnitPrice(1_000)))
            .build()
            .toByteArray();
    PublishedEvents.publish("ordering.events", orderId, "OrderPaid", paid, List.of(eventId));

    awaitConsumed("realtime-mail-ordering", UUID.fromString(eventId));
    Row parked =
        TestPlatform.db()
            .preparedQuery(
                """
        SELECT attempts, last_error FROM realtime.parked_messages WHERE consumer = 'realtime-mail-ordering' AND event_id = $1""")
            .execute(Tuple.of(UUID.fromString(eventId)))
            .await()
            .iterator()
            .next();
    assertThat(parked.getInteger("attempts")).as("parked on its first attempt").isEqualTo(1);
    assertThat(parked.getString("last_error")).contains("identity knows no user " + stranger);
  }

  @Test
  void anAdminAddressRefusedForGoodKeepsTheOtherAdminsFailedPaymentMail(Api api) throws Exception {
    EmbeddedSmtpSink sink = TestPlatform.platform().smtpSink();
    String admin = admin(api);
    // sorts before the bootstrap admin, so it is mailed first
    String email = Accounts.uniqueEmail("aaa-admin");
    Api.Response registered = api.post("/api/v1/auth/register", Accounts.registration(email, null));
    assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    Api.Response verified =
        api.post(
            "/api/v1/auth/verify-email",
            new JsonObject().put("email", email).put("code", Accounts.mailedCode(api, email)));
    assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    String id = Accounts.login(api, email, Accounts.PASSWORD).id();
    Api.Response promoted =
        api.patch("/api/v1/admin/users/" + id, admin, new JsonObject().put("role", "admin"));
    assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
    awaitConsumed(
        "realtime-identity-mail",
        eventId(published("identity", "identity.events", id, "UserRoleChanged")));
    sink.refuse(email);
    String orderId;
    try {
      Accounts.Account buyer = buyer(api, product(api, 2_900, 5), 1);
      JsonObject session =
          checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"))
              .json();
      pay(session.getString("checkoutUrl"), DECLINES);
      orderId = session.getString("orderId");

      mails(api, TestPlatform.ADMIN_EMAIL, "Payment failed for order " + orderId, 1);
      UUID failed = eventId(published("payment", "payment.events", orderId, "PaymentFailed"));
      awaitConsumed("realtime-mail-payment", failed);
      Row parked =
          TestPlatform.db()
              .preparedQuery(
                  """
          SELECT attempts, last_error FROM realtime.parked_messages WHERE consumer = 'realtime-mail-payment' AND event_id = $1""")
              .execute(Tuple.of(failed))
              .await()
              .iterator()
              .next();
      assertThat(parked.getInteger("attempts")).isEqualTo(1);
      assertThat(parked.getString("last_error")).contains("550").contains(email);
    } finally {
      sink.accept(email);
      Api.Response retired =
          api.patch("/api/v1/admin/users/" + id, admin, new JsonObject().put("active", false));
      assertThat(retired.status()).as(retired.toString()).isEqualTo(200);
    }
  }

  /**
   * Realtime's parked message published under {@code key}, as GET /admin/events/parked lists it,
   * once it is there.
   */
  private static JsonObject awaitParkedOverRest(Api api, String key) throws InterruptedException {
    String admin = admin(api);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      String cursor = null;
      do {
        Api.Response r =
            api.get(
                "/api/v1/admin/events/parked?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor),
                admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (Object o : r.json().getJsonArray("items")) {
          JsonObject m = (JsonObject) o;
          if (key.equals(m.getString("key")) && "realtime".equals(m.getString("service"))) {
            return m;
          }
        }
        cursor = r.json().getString("nextCursor");
      } while (cursor != null);
      assertThat(System.nanoTime())
          .as("realtime parks the event under " + key)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static long sentMails(String orderId) throws Exception {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM realtime.sent_mails WHERE event_id = $1")
        .execute(Tuple.of(eventId(paidEventOf(orderId))))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static ConsumerRecord<String, byte[]> paidEventOf(String orderId) throws Exception {
    return published("ordering", "ordering.events", orderId, "OrderPaid");
  }

  /** The record of that type the relay published under {@code key}, headers included. */
  private static ConsumerRecord<String, byte[]> published(
      String schema, String topic, String key, String type) throws Exception {
    PublishedEvents.of(schema, topic, key);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                "bootstrap.servers", TestPlatform.config().kafkaBootstrapServers),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading " + topic + " to its end").isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key()) && type.equals(header(record, "event-type"))) {
            return record;
          }
        }
      }
    }
    throw new AssertionError("no " + type + " published on " + topic + " under " + key);
  }

  private static UUID eventId(ConsumerRecord<String, byte[]> record) {
    return UUID.fromString(header(record, "event-id"));
  }

  /** Waits until the consumer has applied the event (whatever it decided to mail). */
  private static void awaitConsumed(String consumer, UUID eventId) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (TestPlatform.db()
            .preparedQuery(
                "SELECT count(*) FROM realtime.processed_events WHERE consumer = $1 AND event_id = $2")
            .execute(Tuple.of(consumer, eventId))
            .await()
            .iterator()
            .next()
            .getLong(0)
        == 0) {
      assertThat(System.nanoTime()).as(consumer + " applies event " + eventId).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * Sends the record again, as Kafka may after a rebalance: same key, same value, same event id.
   */
  private static void republish(ConsumerRecord<String, byte[]> record) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                "bootstrap.servers", TestPlatform.config().kafkaBootstrapServers),
            new StringSerializer(),
            new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> copy =
          new ProducerRecord<>(record.topic(), record.key(), record.value());
      for (Header h : record.headers()) {
        copy.headers().add(h.key(), h.value());
      }
      producer.send(copy).get();
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
