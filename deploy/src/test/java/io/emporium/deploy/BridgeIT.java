package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.OrderEvent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SockJS bridge end to end: REST changes reach the right browsers, once, in order, and only
 * theirs.
 */
@ExtendWith(TestPlatform.class)
class BridgeIT {

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static String orders(String userId) {
    return "user." + userId + ".orders";
  }

  /** Checkout and pay for what is in the buyer's cart; answers the order id. */
  private static String checkoutAndPay(Api api, Accounts.Account buyer, String card)
      throws Exception {
    JsonObject s =
        Checkouts.checkout(
                api,
                buyer.accessToken(),
                UUID.randomUUID().toString(),
                Checkouts.checkoutBody("GB"))
            .json();
    Checkouts.pay(s.getString("checkoutUrl"), card);
    return s.getString("orderId");
  }

  private static void ship(Api api, String sellerToken, String orderId) {
    Api.Response r =
        api.post(
            "/api/v1/seller/orders/" + orderId + "/ship",
            sellerToken,
            new JsonObject().put("carrier", "DHL").put("trackingNumber", "JD0001"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void aBuyerHearsTheirOrderPaid(Api api) throws Exception {
    Checkouts.Product p = Checkouts.product(api, 1500, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    try (BridgeClient browser = BridgeClient.connect()) {
      browser.register(orders(buyer.id()), buyer.accessToken());
      browser.awaitListening(orders(buyer.id()));
      String orderId = checkoutAndPay(api, buyer, Checkouts.PAYS);
      JsonObject update =
          browser.awaitMessage(orders(buyer.id()), b -> "paid".equals(b.getString("status")));
      assertThat(update.getString("type")).isEqualTo("orderStatusUpdate");
      assertThat(update.getString("orderId")).isEqualTo(orderId);
      assertThat(update.getString("previousStatus")).isEqualTo("pending_payment");
      assertThat(Instant.parse(update.getString("at"))).isBefore(Instant.now().plusSeconds(1));
      assertThat(update.getLong("seq")).isPositive();
    }
  }

  @Test
  void eachSellerHearsOfAPaidOrderWithOnlyTheirItems(Api api) throws Exception {
    Checkouts.Product a = Checkouts.product(api, 1000, 5);
    Checkouts.Product b = Checkouts.product(api, 2000, 5);
    Accounts.Account buyer = Checkouts.buyer(api, a, 2);
    Api.Response added =
        api.post(
            "/api/v1/cart/items",
            buyer.accessToken(),
            new JsonObject().put("productId", b.id()).put("quantity", 1));
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
    String addressA = "seller." + a.sellerId() + ".orders";
    String addressB = "seller." + b.sellerId() + ".orders";
    try (BridgeClient sellerA = BridgeClient.connect();
        BridgeClient sellerB = BridgeClient.connect()) {
      sellerA.register(addressA, a.sellerToken());
      sellerB.register(addressB, b.sellerToken());
      sellerA.awaitListening(addressA);
      sellerB.awaitListening(addressB);
      String orderId = checkoutAndPay(api, buyer, Checkouts.PAYS);
      JsonObject forA =
          sellerA.awaitMessage(
              addressA,
              m ->
                  "newOrder".equals(m.getString("type")) && orderId.equals(m.getString("orderId")));
      JsonObject forB =
          sellerB.awaitMessage(
              addressB,
              m ->
                  "newOrder".equals(m.getString("type")) && orderId.equals(m.getString("orderId")));
      assertThat(forA.getJsonArray("items")).hasSize(1);
      assertThat(forA.getJsonArray("items").getJsonObject(0).getString("sku")).isEqualTo(a.sku());
      assertThat(forA.getJsonArray("items").getJsonObject(0).getInteger("quantity")).isEqualTo(2);
      assertThat(forB.getJsonArray("items")).hasSize(1);
      assertThat(forB.getJsonArray("items").getJsonObject(0).getString("sku")).isEqualTo(b.sku());
    }
  }

  @Test
  void lowStockAlertsAdminsAndTheSellerWhileFollowersHearStockGoAndComeBack(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account follower = Accounts.signedIn(api, null);
    Accounts.Account stranger = Accounts.signedIn(api, null);
    String sku = "RT-" + UUID.randomUUID().toString().substring(0, 8);
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
    assertThat(
            api.post(
                    "/api/v1/sellers/" + seller.id() + "/follow",
                    follower.accessToken(),
                    new JsonObject())
                .status())
        .isEqualTo(200);
    String inventory = "user." + follower.id() + ".inventory";
    String strangers = "user." + stranger.id() + ".inventory";
    String sellerAddress = "seller." + seller.id() + ".orders";
    try (BridgeClient admin = BridgeClient.connect();
        BridgeClient sellerSocket = BridgeClient.connect();
        BridgeClient followerSocket = BridgeClient.connect();
        BridgeClient strangerSocket = BridgeClient.connect()) {
      admin.register("admin.alerts", admin(api));
      sellerSocket.register(sellerAddress, seller.accessToken());
      followerSocket.register(inventory, follower.accessToken());
      strangerSocket.register(strangers, stranger.accessToken());
      admin.awaitListening("admin.alerts");
      sellerSocket.awaitListening(sellerAddress);
      followerSocket.awaitListening(inventory);
      strangerSocket.awaitListening(strangers);

      assertThat(setStock(api, seller, sku, 2).status()).isEqualTo(200);
      JsonObject alert =
          admin.awaitMessage(
              "admin.alerts",
              m -> "lowStock".equals(m.getString("type")) && sku.equals(m.getString("sku")));
      assertThat(alert.getInteger("available")).isEqualTo(2);
      assertThat(alert.getInteger("threshold")).isEqualTo(3);
      assertThat(alert.getString("sellerId")).isEqualTo(seller.id());
      assertThat(alert.getString("productId")).isEqualTo(created.json().getString("id"));
      JsonObject sellerAlert =
          sellerSocket.awaitMessage(
              sellerAddress,
              m -> "lowStock".equals(m.getString("type")) && sku.equals(m.getString("sku")));
      assertThat(sellerAlert.getInteger("available")).isEqualTo(2);
      JsonObject low =
          followerSocket.awaitMessage(
              inventory,
              m -> "inventoryUpdate".equals(m.getString("type")) && sku.equals(m.getString("sku")));
      assertThat(low.getInteger("available")).isEqualTo(2);
      assertThat(low.getInteger("threshold")).isEqualTo(3);

      assertThat(setStock(api, seller, sku, 8).status()).isEqualTo(200);
      JsonObject back =
          followerSocket.awaitMessage(
              inventory,
              m -> "inventoryUpdate".equals(m.getString("type")) && m.getInteger("available") == 8);
      assertThat(back.getLong("seq")).isEqualTo(low.getLong("seq") + 1);
      // back in stock is no alert; and someone who does not follow the seller hears nothing
      assertThat(admin.messages("admin.alerts"))
          .noneMatch(m -> sku.equals(m.getString("sku")) && m.getInteger("available") == 8);
      assertThat(strangerSocket.messages(strangers)).isEmpty();
    }
  }

  private static Api.Response setStock(
      Api api, Accounts.Account seller, String sku, int available) {
    return api.send(
        HttpMethod.PUT,
        "/api/v1/inventory/" + sku,
        seller.accessToken(),
        new JsonObject().put("available", available),
        Map.of());
  }

  @Test
  void aSaleThatTakesStockLowAlertsTheSeller(Api api) throws Exception {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sku = "RT-" + UUID.randomUUID().toString().substring(0, 8);
    Api.Response created =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Lamp")
                .put("price", 700)
                .put("currency", "usd")
                .put("lowStockThreshold", 2)
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", 5))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Checkouts.Product p =
        new Checkouts.Product(
            seller.id(), seller.accessToken(), created.json().getString("id"), sku);
    String address = "seller." + seller.id() + ".orders";
    try (BridgeClient sellerSocket = BridgeClient.connect()) {
      sellerSocket.register(address, seller.accessToken());
      sellerSocket.awaitListening(address);
      Accounts.Account buyer = Checkouts.buyer(api, p, 4);
      checkoutAndPay(api, buyer, Checkouts.PAYS);
      // reserving at checkout takes the stock from 5 to 1, across the threshold of 2
      JsonObject alert =
          sellerSocket.awaitMessage(
              address,
              m -> "lowStock".equals(m.getString("type")) && sku.equals(m.getString("sku")));
      assertThat(alert.getInteger("available")).isEqualTo(1);
      assertThat(alert.getInteger("threshold")).isEqualTo(2);
    }
  }

  @Test
  void adminsHearOfFailedPayments(Api api) throws Exception {
    Checkouts.Product p = Checkouts.product(api, 900, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    try (BridgeClient admin = BridgeClient.connect()) {
      admin.register("admin.alerts", admin(api));
      admin.awaitListening("admin.alerts");
      String orderId = checkoutAndPay(api, buyer, Checkouts.DECLINES);
      JsonObject alert =
          admin.awaitMessage(
              "admin.alerts",
              m ->
                  "paymentFailed".equals(m.getString("type"))
                      && orderId.equals(m.getString("orderId")));
      assertThat(alert.getLong("amount")).isPositive();
      assertThat(alert.getString("reason")).isNotBlank();
    }
  }

  @Test
  void everyRegistrationThatIsNotTheCallersOwnIsRefusedAndHearsNothing(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    Accounts.Account other = Accounts.signedIn(api, null);
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account otherSeller = Accounts.signedIn(api, "seller");
    // the customer's own live session: only the expiry or the signature can be what is refused
    String sid = claimsOf(customer.accessToken()).getString("sid");
    String expired =
        jwt(TestPlatform.JWT_SECRET)
            .generateToken(
                new JsonObject()
                    .put("sub", customer.id())
                    .put("sid", sid)
                    .put("typ", "access")
                    .put("role", "customer")
                    .put("exp", Instant.now().minusSeconds(3600).getEpochSecond()),
                new JWTOptions()
                    .setAlgorithm("HS256")
                    .setIssuer("emporium")
                    .setAudience(List.of("emporium-api"))
                    .setNoTimestamp(true));
    String forged =
        jwt("another-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
            .generateToken(
                new JsonObject()
                    .put("sub", customer.id())
                    .put("sid", sid)
                    .put("typ", "access")
                    .put("role", "customer"),
                new JWTOptions()
                    .setAlgorithm("HS256")
                    .setIssuer("emporium")
                    .setAudience(List.of("emporium-api"))
                    .setExpiresInSeconds(600));
    record Attempt(String address, JsonObject frame) {}
    List<Attempt> attempts = new ArrayList<>();
    attempts.add(new Attempt(orders(customer.id()), register(orders(customer.id()), null, null)));
    attempts.add(
        new Attempt(
            orders(customer.id()), register(orders(customer.id()), "Bearer not-a-token", null)));
    attempts.add(
        new Attempt(
            orders(customer.id()), register(orders(customer.id()), "Bearer " + forged, null)));
    attempts.add(
        new Attempt(
            orders(customer.id()), register(orders(customer.id()), "Bearer " + expired, null)));
    attempts.add(
        new Attempt(
            orders(customer.id()), register(orders(customer.id()), customer.accessToken(), null)));
    attempts.add(
        new Attempt(
            orders(customer.id()),
            register(orders(customer.id()), "Bearer " + customer.accessToken(), "-1")));
    attempts.add(
        new Attempt(
            orders(other.id()),
            register(orders(other.id()), "Bearer " + customer.accessToken(), null)));
    attempts.add(
        new Attempt(
            "user." + other.id() + ".inventory",
            register(
                "user." + other.id() + ".inventory", "Bearer " + customer.accessToken(), null)));
    attempts.add(
        new Attempt(
            "seller." + customer.id() + ".orders",
            register(
                "seller." + customer.id() + ".orders", "Bearer " + customer.accessToken(), null)));
    attempts.add(
        new Attempt(
            "seller." + otherSeller.id() + ".orders",
            register(
                "seller." + otherSeller.id() + ".orders", "Bearer " + seller.accessToken(), null)));
    attempts.add(
        new Attempt(
            "admin.alerts", register("admin.alerts", "Bearer " + customer.accessToken(), null)));
    attempts.add(
        new Attempt(
            "admin.alerts", register("admin.alerts", "Bearer " + seller.accessToken(), null)));
    attempts.add(new Attempt("orders.all", register("orders.all", "Bearer " + admin(api), null)));
    attempts.add(
        new Attempt(
            orders(customer.id()),
            new JsonObject()
                .put("type", "send")
                .put("address", orders(customer.id()))
                .put("body", new JsonObject())
                .put(
                    "headers",
                    new JsonObject().put("Authorization", "Bearer " + customer.accessToken()))));
    attempts.add(
        new Attempt(
            orders(customer.id()),
            new JsonObject()
                .put("type", "publish")
                .put("address", orders(customer.id()))
                .put("body", new JsonObject())
                .put(
                    "headers",
                    new JsonObject().put("Authorization", "Bearer " + customer.accessToken()))));
    List<BridgeClient> sockets = new ArrayList<>();
    try (BridgeClient witness = BridgeClient.connect()) {
      for (Attempt attempt : attempts) {
        BridgeClient socket = BridgeClient.connect();
        sockets.add(socket);
        socket.send(attempt.frame());
        assertThat(socket.awaitError().getString("body"))
            .as(attempt.frame().encode())
            .isIn("rejected", "access_denied");
      }
      for (Attempt attempt : attempts) {
        TestPlatform.platform()
            .vertx()
            .eventBus()
            .publish(attempt.address(), new JsonObject().put("type", "probe").put("leak", true));
      }
      witness.register(orders(customer.id()), customer.accessToken());
      witness.awaitListening(orders(customer.id()));
      for (int i = 0; i < attempts.size(); i++) {
        assertThat(sockets.get(i).frames())
            .as(attempts.get(i).frame().encode())
            .noneMatch(f -> "rec".equals(f.getString("type")));
      }
    } finally {
      sockets.forEach(BridgeClient::close);
    }
  }

  @Test
  void nothingReachesASocketAfterTheTokenItRegisteredWithExpired(Api api) throws Exception {
    Accounts.Account customer = Accounts.signedIn(api, null);
    JsonObject claims = claimsOf(customer.accessToken());
    Instant expiry = Instant.now().plusSeconds(3);
    String shortLived =
        jwt(TestPlatform.JWT_SECRET)
            .generateToken(
                new JsonObject()
                    .put("sub", customer.id())
                    .put("sid", claims.getString("sid"))
                    .put("typ", "access")
                    .put("role", "customer")
                    .put("exp", expiry.getEpochSecond()),
                new JWTOptions()
                    .setAlgorithm("HS256")
                    .setIssuer("emporium")
                    .setAudience(List.of("emporium-api"))
                    .setNoTimestamp(true));
    try (BridgeClient browser = BridgeClient.connect()) {
      browser.register(orders(customer.id()), shortLived);
      browser.awaitListening(orders(customer.id()));
      Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis()) + 1_500);
      TestPlatform.platform()
          .vertx()
          .eventBus()
          .publish(orders(customer.id()), new JsonObject().put("type", "probe").put("late", true));
      assertThat(browser.awaitError().getString("body")).isEqualTo("token_expired");
      assertThat(browser.messages(orders(customer.id()))).isEmpty();
      assertThat(browser.frames())
          .noneMatch(
              f -> f.getValue("body") instanceof JsonObject b && b.getBoolean("late", false));
    }
  }

  private static JsonObject register(String address, String authorization, String since) {
    JsonObject headers = new JsonObject();
    if (authorization != null) {
      headers.put("Authorization", authorization);
    }
    if (since != null) {
      headers.put("since", since);
    }
    return new JsonObject().put("type", "register").put("address", address).put("headers", headers);
  }

  private static JsonObject claimsOf(String accessToken) {
    return new JsonObject(
        new String(
            Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static JWTAuth jwt(String secret) {
    return JWTAuth.create(
        TestPlatform.platform().vertx(),
        new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
  }

  @Test
  void anEventKafkaDeliversTwiceIsPushedOnce(Api api) throws Exception {
    Checkouts.Product p = Checkouts.product(api, 1200, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    try (BridgeClient browser = BridgeClient.connect()) {
      browser.register(orders(buyer.id()), buyer.accessToken());
      browser.awaitListening(orders(buyer.id()));
      String orderId = checkoutAndPay(api, buyer, Checkouts.PAYS);
      JsonObject paid =
          browser.awaitMessage(orders(buyer.id()), m -> "paid".equals(m.getString("status")));
      redeliver(orderId, "paid");
      // the same key keeps the same partition: once the next move is heard, the redelivered one was
      // handled before it
      ship(api, p.sellerToken(), orderId);
      JsonObject next =
          browser.awaitMessage(
              orders(buyer.id()),
              m -> !"paid".equals(m.getString("status")) && orderId.equals(m.getString("orderId")));
      assertThat(next.getLong("seq")).isEqualTo(paid.getLong("seq") + 1);
      assertThat(browser.messages(orders(buyer.id())))
          .filteredOn(m -> "paid".equals(m.getString("status")))
          .hasSize(1);
    }
  }

  /**
   * Produces again, with its headers, the OrderStatusChanged record that moved the order to {@code
   * status}.
   */
  private static void redeliver(String orderId, String status) throws Exception {
    PublishedEvents.of("ordering", "ordering.events", orderId);
    String bootstrap = TestPlatform.config().kafkaBootstrapServers;
    ConsumerRecord<String, byte[]> found = null;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("ordering.events", Duration.ofSeconds(10)).stream()
              .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (found == null
          && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          OrderEvent e = OrderEvent.parseFrom(r.value());
          if (orderId.equals(r.key()) && e.hasStatusChanged() && status.equals(e.getStatus())) {
            found = r;
          }
        }
      }
    }
    assertThat(found).as("the OrderStatusChanged record of " + orderId).isNotNull();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  "ordering.events", null, found.key(), found.value(), found.headers()))
          .get();
    }
  }

  @Test
  void aClientThatReconnectsWithSinceGetsWhatItMissedInOrderThenLiveMessages(Api api)
      throws Exception {
    Checkouts.Product p = Checkouts.product(api, 1300, 5);
    Accounts.Account buyer = Checkouts.buyer(api, p, 1);
    String address = orders(buyer.id());
    long lastSeen;
    String orderId;
    try (BridgeClient first = BridgeClient.connect()) {
      first.register(address, buyer.accessToken());
      first.awaitListening(address);
      orderId = checkoutAndPay(api, buyer, Checkouts.PAYS);
      lastSeen =
          first.awaitMessage(address, m -> "paid".equals(m.getString("status"))).getLong("seq");
    }
    ship(api, p.sellerToken(), orderId);
    String admin = admin(api);
    assertThat(api.post("/api/v1/orders/" + orderId + "/deliver", admin, new JsonObject()).status())
        .isEqualTo(200);
    awaitPushed(address, lastSeen + 3);

    try (BridgeClient again = BridgeClient.connect()) {
      again.register(address, buyer.accessToken(), lastSeen);
      again.awaitMessage(address, m -> "delivered".equals(m.getString("status")));
      Api.Response refund =
          api.send(
              HttpMethod.POST,
              "/api/v1/orders/" + orderId + "/refund",
              admin,
              new JsonObject().put("reason", "returned"),
              Map.of("Idempotency-Key", UUID.randomUUID().toString()));
      assertThat(refund.status()).as(refund.toString()).isEqualTo(200);
      again.awaitMessage(address, m -> "refunded".equals(m.getString("status")));
      List<JsonObject> heard = again.messages(address);
      assertThat(heard)
          .extracting(m -> m.getString("status"))
          .containsExactly("processing", "shipped", "delivered", "refunded");
      assertThat(heard)
          .extracting(m -> m.getLong("seq"))
          .containsExactly(lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4);
    }
    try (BridgeClient fromTheStart = BridgeClient.connect()) {
      fromTheStart.register(address, buyer.accessToken(), 0);
      fromTheStart.awaitMessage(address, m -> "refunded".equals(m.getString("status")));
      List<JsonObject> all = fromTheStart.messages(address);
      assertThat(all.get(0).getLong("seq")).isEqualTo(1);
      for (int i = 1; i < all.size(); i++) {
        assertThat(all.get(i).getLong("seq")).isEqualTo(all.get(i - 1).getLong("seq") + 1);
      }
    }
  }

  @Test
  void aLiveMessageAfterAGapComesAfterTheMissingOnesReadBack(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    String address = orders(customer.id());
    try (BridgeClient browser = BridgeClient.connect()) {
      browser.register(address, customer.accessToken());
      browser.awaitListening(address);
      publish(address, store(address, 1));
      browser.awaitMessage(address, m -> m.getLong("seq", -1L) == 1);
      store(address, 2); // kept, but its live message is lost on the way
      publish(address, store(address, 3));
      browser.awaitMessage(address, m -> m.getLong("seq", -1L) == 3);
      assertThat(browser.messages(address))
          .extracting(m -> m.getLong("seq"))
          .containsExactly(1L, 2L, 3L);
      assertThat(browser.messages(address))
          .extracting(m -> m.getString("status"))
          .containsExactly("s1", "s2", "s3");
    }
  }

  /**
   * A push as the realtime service keeps it, numbered {@code seq}; answers the message it would
   * publish.
   */
  private static JsonObject store(String address, long seq) {
    JsonObject body =
        new JsonObject()
            .put("type", "orderStatusUpdate")
            .put("orderId", UUID.randomUUID().toString())
            .put("status", "s" + seq);
    TestPlatform.db()
        .preparedQuery(
            """
        INSERT INTO realtime.address_sequences (address, last_seq) VALUES ($1, $2)
        ON CONFLICT (address) DO UPDATE SET last_seq = $2""")
        .execute(Tuple.of(address, seq))
        .await();
    TestPlatform.db()
        .preparedQuery(
            "INSERT INTO realtime.pushes (address, seq, event_id, body) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(address, seq, UUID.randomUUID(), body.encode()))
        .await();
    return body.copy().put("seq", seq);
  }

  private static void publish(String address, JsonObject message) {
    TestPlatform.platform().vertx().eventBus().publish(address, message);
  }

  private static void awaitPushed(String address, long seq) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (TestPlatform.db()
            .preparedQuery("SELECT coalesce(max(seq), 0) FROM realtime.pushes WHERE address = $1")
            .execute(Tuple.of(address))
            .await()
            .iterator()
            .next()
            .getLong(0)
        < seq) {
      assertThat(System.nanoTime())
          .as("message " + seq + " pushed to " + address)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
