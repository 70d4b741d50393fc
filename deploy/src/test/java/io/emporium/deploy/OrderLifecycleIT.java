package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.OrderEvent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An order after payment, through REST: sellers ship their parts, admins deliver and refund,
 * customers cancel.
 */
@ExtendWith(TestPlatform.class)
class OrderLifecycleIT {

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static JsonObject ship(Api api, String token, String orderId, String tracking) {
    Api.Response r =
        api.post(
            "/api/v1/seller/orders/" + orderId + "/ship",
            token,
            new JsonObject().put("carrier", "DHL").put("trackingNumber", tracking));
    return new JsonObject()
        .put("status", r.status())
        .put("body", r.body() == null ? null : r.json());
  }

  private static List<String> statuses(JsonObject order) {
    return order.getJsonArray("statusHistory").stream()
        .map(h -> ((JsonObject) h).getString("status"))
        .toList();
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

  private static Api.Response refund(
      Api api, String token, String orderId, String key, JsonObject body) {
    return api.send(
        HttpMethod.POST,
        "/api/v1/orders/" + orderId + "/refund",
        token,
        body,
        key == null ? Map.of() : Map.of("Idempotency-Key", key));
  }

  @Test
  void eachSellerShipsTheirPartAndTheOrderShipsWithTheLast(Api api) throws Exception {
    Product a = product(api, 1_000, 5);
    Product b = product(api, 2_000, 5);
    Accounts.Account buyer = buyer(api, a, 1);
    assertThat(
            api.post(
                    "/api/v1/cart/items",
                    buyer.accessToken(),
                    new JsonObject().put("productId", b.id()).put("quantity", 1))
                .status())
        .isEqualTo(200);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    pay(s.getString("checkoutUrl"), PAYS);
    String id =
        orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid").getString("id");

    JsonObject seen = api.get("/api/v1/orders/" + id, a.sellerToken()).json();
    assertThat(seen.getJsonArray("items")).as("a seller sees their own lines").hasSize(1);
    assertThat(ship(api, buyer.accessToken(), id, "X").getInteger("status")).isEqualTo(403);
    assertThat(
            ship(api, Accounts.signedIn(api, "seller").accessToken(), id, "X").getInteger("status"))
        .isEqualTo(404);

    JsonObject first = ship(api, a.sellerToken(), id, "TRACK-A");
    assertThat(first.getInteger("status")).as(first.encode()).isEqualTo(200);
    assertThat(first.getJsonObject("body").getString("status")).isEqualTo("processing");
    assertThat(ship(api, a.sellerToken(), id, "TRACK-A2").getInteger("status"))
        .as("a part ships once")
        .isEqualTo(409);
    JsonObject last = ship(api, b.sellerToken(), id, "TRACK-B");
    assertThat(last.getJsonObject("body").getString("status")).isEqualTo("shipped");

    JsonObject shipped = api.get("/api/v1/orders/" + id, buyer.accessToken()).json();
    assertThat(statuses(shipped))
        .containsExactly("pending_payment", "paid", "processing", "shipped");
    assertThat(shipped.getJsonArray("statusHistory").getJsonObject(3).getString("actor"))
        .as("by role, not by id")
        .isEqualTo("seller");
    assertThat(shipped.getJsonArray("shipments")).hasSize(2);
    assertThat(
            api.post("/api/v1/orders/" + id + "/cancel", buyer.accessToken(), new JsonObject())
                .status())
        .as("too late")
        .isEqualTo(409);

    assertThat(
            api.post("/api/v1/orders/" + id + "/deliver", buyer.accessToken(), new JsonObject())
                .status())
        .isEqualTo(403);
    String admin = admin(api);
    Api.Response delivered = api.post("/api/v1/orders/" + id + "/deliver", admin, new JsonObject());
    assertThat(delivered.json().getString("status")).isEqualTo("delivered");
    Api.Response again = api.post("/api/v1/orders/" + id + "/deliver", admin, new JsonObject());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("detail")).contains("delivered");
  }

  @Test
  void anAdminShipsEveryPartAtOnce(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Paid paid = paidOrder(api, p, 1);
    JsonObject shipped = ship(api, admin(api), paid.id(), "ADMIN-1");
    assertThat(shipped.getJsonObject("body").getString("status")).isEqualTo("shipped");
    assertThat(statuses(shipped.getJsonObject("body")))
        .containsExactly("pending_payment", "paid", "processing", "shipped");

    List<OrderEvent> events = new java.util.ArrayList<>();
    for (byte[] payload : PublishedEvents.of("ordering", "ordering.events", paid.id())) {
      events.add(OrderEvent.parseFrom(payload));
    }
    assertThat(
            events.stream()
                .filter(OrderEvent::hasStatusChanged)
                .map(e -> e.getPreviousStatus() + ">" + e.getStatus()))
        .as("every move is published")
        .containsExactly("pending_payment>paid", "paid>processing", "processing>shipped");
    assertThat(events.stream().filter(OrderEvent::hasOrderPaid)).hasSize(1);
  }

  @Test
  void twoCancellationsAtOnceRefundOnce(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Paid paid = paidOrder(api, p, 1);
    String admin = admin(api);
    List<Api> clients = List.of(TestPlatform.newClient(), TestPlatform.newClient());
    List<java.util.concurrent.CompletableFuture<Integer>> calls =
        clients.stream()
            .map(
                c ->
                    java.util.concurrent.CompletableFuture.supplyAsync(
                        () ->
                            c.post(
                                    "/api/v1/orders/" + paid.id() + "/cancel",
                                    admin,
                                    new JsonObject())
                                .status()))
            .toList();
    assertThat(calls.stream().map(java.util.concurrent.CompletableFuture::join))
        .containsExactlyInAnyOrder(200, 409);
    assertThat(ledger(paid.id(), "refunded")).isEqualTo(1);
    assertThat(stock(p.sku()).getInteger("stock")).as("restocked once").isEqualTo(5);
  }

  @Test
  void cancellingAPaidOrderRefundsItInFullAndPutsTheStockBack(Api api) throws Exception {
    Product p = product(api, 1_500, 5);
    Paid paid = paidOrder(api, p, 2);
    assertThat(stock(p.sku()).getInteger("stock")).isEqualTo(3);
    assertThat(
            api.post(
                    "/api/v1/orders/" + paid.id() + "/cancel",
                    Accounts.signedIn(api, null).accessToken(),
                    new JsonObject())
                .status())
        .as("another customer's order")
        .isEqualTo(404);
    Api.Response cancelled =
        api.post(
            "/api/v1/orders/" + paid.id() + "/cancel",
            paid.buyer().accessToken(),
            new JsonObject());
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    JsonObject order = cancelled.json();
    assertThat(order.getString("status")).isEqualTo("cancelled");
    assertThat(order.getJsonObject("payment").getString("status")).isEqualTo("refunded");
    assertThat(order.getJsonObject("payment").getLong("refunded"))
        .isEqualTo(order.getLong("total"));
    assertThat(stock(p.sku()).getInteger("stock")).as("back on sale").isEqualTo(5);
    assertThat(ledger(paid.id(), "refunded")).isEqualTo(1);
    assertThat(
            api.post(
                    "/api/v1/orders/" + paid.id() + "/cancel",
                    paid.buyer().accessToken(),
                    new JsonObject())
                .status())
        .isEqualTo(409);
    // the success page confirming afterwards sees the cancelled order; the payment is not refunded
    // a second time
    Api.Response confirmed =
        api.post(
            "/api/v1/checkout/confirm",
            paid.buyer().accessToken(),
            new JsonObject()
                .put(
                    "sessionId",
                    paid.order().getJsonObject("payment").getString("checkoutSessionId")));
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    assertThat(confirmed.json().getString("status")).isEqualTo("cancelled");
    assertThat(ledger(paid.id(), "refunded")).isEqualTo(1);
  }

  @Test
  void cancellingAnOrderAwaitingPaymentReleasesItsStock(Api api) {
    Product p = product(api, 1_500, 5);
    Accounts.Account buyer = buyer(api, p, 2);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    Api.Response cancelled =
        api.post(
            "/api/v1/orders/" + s.getString("orderId") + "/cancel",
            buyer.accessToken(),
            new JsonObject());
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    assertThat(stock(p.sku()).getInteger("reserved")).isZero();
  }

  @Test
  void refundsArePartialOrFullOncePerKeyAndNeverMoreThanWasPaid(Api api) throws Exception {
    Product p = product(api, 3_000, 5);
    Paid paid = paidOrder(api, p, 2);
    long total = paid.order().getLong("total");
    String admin = admin(api);
    JsonObject partial = new JsonObject().put("amount", 1_000).put("reason", "a scratched bowl");
    assertThat(refund(api, paid.buyer().accessToken(), paid.id(), "k", partial).status())
        .isEqualTo(403);
    assertThat(refund(api, admin, paid.id(), null, partial).status())
        .as("the key is required")
        .isEqualTo(422);

    Api.Response first = refund(api, admin, paid.id(), "k1", partial);
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().getJsonObject("payment").getLong("refunded")).isEqualTo(1_000);
    assertThat(first.json().getString("status")).isEqualTo("paid");
    Api.Response repeat = refund(api, admin, paid.id(), "k1", partial);
    assertThat(repeat.json().getJsonObject("payment").getLong("refunded"))
        .as("the same request refunds once")
        .isEqualTo(1_000);
    assertThat(refund(api, admin, paid.id(), "k1", partial.copy().put("amount", 500)).status())
        .isEqualTo(422);
    Api.Response tooMuch =
        refund(
            api,
            admin,
            paid.id(),
            "k2",
            new JsonObject().put("amount", total).put("reason", "everything"));
    assertThat(tooMuch.status()).as("more than is left").isEqualTo(422);
    assertThat(ledger(paid.id(), "refunded")).isEqualTo(1);

    Api.Response rest =
        refund(
            api, admin, paid.id(), "k3", new JsonObject().put("reason", "requested_by_customer"));
    assertThat(rest.status()).as(rest.toString()).isEqualTo(200);
    assertThat(rest.json().getJsonObject("payment").getLong("refunded")).isEqualTo(total);
    assertThat(rest.json().getString("status"))
        .as("refunded in full before shipping")
        .isEqualTo("cancelled");
    assertThat(stock(p.sku()).getInteger("stock")).isEqualTo(5);
    assertThat(ledger(paid.id(), "refunded")).isEqualTo(2);
    assertThat(
            refund(api, admin, paid.id(), "k4", new JsonObject().put("reason", "again")).status())
        .isEqualTo(409);
  }

  @Test
  void aDeliveredOrderRefundedInFullIsRefunded(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Paid paid = paidOrder(api, p, 1);
    String admin = admin(api);
    ship(api, admin, paid.id(), "T");
    api.post("/api/v1/orders/" + paid.id() + "/deliver", admin, new JsonObject());
    Api.Response returned =
        refund(
            api,
            admin,
            paid.id(),
            UUID.randomUUID().toString(),
            new JsonObject().put("reason", "returned"));
    assertThat(returned.json().getString("status")).isEqualTo("refunded");
    assertThat(stock(p.sku()).getInteger("stock"))
        .as("a return is not restocked automatically")
        .isEqualTo(4);
  }

  @Test
  void whatStripeCapturedIsTheOrdersTotalAndARefundMadeAtStripeIsCountedOnce(Api api)
      throws Exception {
    Product p = product(api, 2_750, 5);
    Paid paid = paidOrder(api, p, 3);
    JsonObject order = paid.order();
    long lines =
        order.getJsonArray("items").stream()
            .mapToLong(i -> ((JsonObject) i).getLong("lineTotal"))
            .sum();
    assertThat(lines - order.getLong("discount") + order.getLong("shipping") + order.getLong("tax"))
        .isEqualTo(order.getLong("total"));
    long captured =
        TestPlatform.db()
            .preparedQuery(
                "SELECT sum(amount) FROM payment.ledger WHERE order_id = $1 AND kind = 'succeeded'")
            .execute(Tuple.of(UUID.fromString(paid.id())))
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(captured).as("what Stripe captured").isEqualTo(order.getLong("total"));

    // an admin refunds in Stripe's dashboard: the charge.refunded webhook reconciles the order
    String intent =
        TestPlatform.db()
            .preparedQuery("SELECT payment_intent_id FROM ordering.orders WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(paid.id())))
            .await()
            .iterator()
            .next()
            .getString(0);
    emulator()
        .v1()
        .refunds()
        .create(
            com.stripe.param.RefundCreateParams.builder()
                .setPaymentIntent(intent)
                .setAmount(500L)
                .build());
    Api.Response reconciled =
        api.await(
            SETTLED,
            () -> api.get("/api/v1/orders/" + paid.id(), paid.buyer().accessToken()),
            r -> r.json().getJsonObject("payment").getLong("refunded") == 500);
    assertThat(reconciled.json().getJsonObject("payment").getLong("refunded")).isEqualTo(500);

    Api.Response more =
        refund(
            api,
            admin(api),
            paid.id(),
            UUID.randomUUID().toString(),
            new JsonObject().put("amount", 700).put("reason", "late"));
    assertThat(more.json().getJsonObject("payment").getLong("refunded")).isEqualTo(1_200);
    Thread.sleep(2_000);
    assertThat(
            api.get("/api/v1/orders/" + paid.id(), paid.buyer().accessToken())
                .json()
                .getJsonObject("payment")
                .getLong("refunded"))
        .as("our own refund's webhook is not counted again")
        .isEqualTo(1_200);
  }

  @Test
  void everyMoveTheMachineDoesNotListIsRefusedWithTheCurrentStatus(Api api) throws Exception {
    String admin = admin(api);
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    String pending =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB"))
            .json()
            .getString("orderId");
    for (Api.Response refused :
        List.of(
            api.post(
                "/api/v1/seller/orders/" + pending + "/ship",
                admin,
                new JsonObject().put("carrier", "DHL").put("trackingNumber", "1")),
            api.post("/api/v1/orders/" + pending + "/deliver", admin, new JsonObject()),
            refund(
                api,
                admin,
                pending,
                UUID.randomUUID().toString(),
                new JsonObject().put("reason", "none")))) {
      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.json().getString("detail")).contains("pending_payment");
    }
    Paid paid = paidOrder(api, p, 1);
    Api.Response early =
        api.post("/api/v1/orders/" + paid.id() + "/deliver", admin, new JsonObject());
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().getString("detail")).contains("paid");
    assertThat(ship(api, p.sellerToken(), paid.id(), "").getInteger("status"))
        .as("a tracking number is required")
        .isEqualTo(422);
  }

  @Test
  void anOrderWhoseFirstPartShippedCanStillBeCancelledAndIsRefunded(Api api) throws Exception {
    Product a = product(api, 1_000, 5);
    Product b = product(api, 2_000, 5);
    Accounts.Account buyer = buyer(api, a, 1);
    api.post(
        "/api/v1/cart/items",
        buyer.accessToken(),
        new JsonObject().put("productId", b.id()).put("quantity", 1));
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    pay(s.getString("checkoutUrl"), PAYS);
    String id =
        orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid").getString("id");
    assertThat(ship(api, a.sellerToken(), id, "A-1").getJsonObject("body").getString("status"))
        .isEqualTo("processing");
    Api.Response cancelled =
        api.post("/api/v1/orders/" + id + "/cancel", buyer.accessToken(), new JsonObject());
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    assertThat(statuses(cancelled.json()))
        .containsExactly("pending_payment", "paid", "processing", "cancelled");
    assertThat(cancelled.json().getJsonObject("payment").getLong("refunded"))
        .isEqualTo(cancelled.json().getLong("total"));
    assertThat(ship(api, b.sellerToken(), id, "B-1").getInteger("status"))
        .as("nothing ships after cancelling")
        .isEqualTo(409);
    assertThat(stock(a.sku()).getInteger("stock"))
        .as("the shipped part has left the seller")
        .isEqualTo(4);
    assertThat(stock(b.sku()).getInteger("stock"))
        .as("the unshipped part is back on sale")
        .isEqualTo(5);
  }

  @Test
  void sellersListTheirOrdersAndAdminsListAllByStatus(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Paid paid = paidOrder(api, p, 1);
    JsonArray mine = api.get("/api/v1/seller/orders", p.sellerToken()).json().getJsonArray("items");
    assertThat(mine.stream().map(o -> ((JsonObject) o).getString("id"))).contains(paid.id());
    assertThat(api.get("/api/v1/seller/orders", paid.buyer().accessToken()).status())
        .isEqualTo(403);
    String admin = admin(api);
    JsonArray paidOnes =
        api.get("/api/v1/admin/orders?status=paid&limit=100", admin).json().getJsonArray("items");
    assertThat(paidOnes.stream().map(o -> ((JsonObject) o).getString("status")).distinct())
        .containsExactly("paid");
    assertThat(paidOnes.stream().map(o -> ((JsonObject) o).getString("id"))).contains(paid.id());
    assertThat(api.get("/api/v1/admin/orders?status=lost", admin).status()).isEqualTo(422);
    assertThat(api.get("/api/v1/admin/orders", p.sellerToken()).status()).isEqualTo(403);
  }
}
