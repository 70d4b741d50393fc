package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each party sees its own figures of an order: a seller its share, the buyer and admins all of it; moves by role. */
@ExtendWith(TestPlatform.class)
class OrderViewsIT {
  private static final List<String> MONEY = List.of("subtotal", "discount", "shipping", "tax", "total");

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static long lines(JsonObject order) {
    return order.getJsonArray("items").stream().mapToLong(i -> ((JsonObject) i).getLong("lineTotal")).sum();
  }

  private static JsonObject inSellerList(Api api, String sellerToken, String orderId) {
    Api.Response page = api.get("/api/v1/seller/orders?limit=100", sellerToken);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return page.json().getJsonArray("items").stream().map(o -> (JsonObject) o).filter(o -> o.getString("id").equals(orderId))
        .findFirst().orElseThrow(() -> new AssertionError("order " + orderId + " is not in the seller's list " + page));
  }

  /** A seller's share: only its lines, figures of those lines that add up, nothing of the other seller or the buyer's ids. */
  private static void assertShare(JsonObject share, Product seller, String... foreignIds) {
    assertThat(share.getJsonArray("items")).isNotEmpty();
    assertThat(share.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("sellerId"))).containsOnly(seller.sellerId());
    assertThat(share.getLong("subtotal")).as("the seller's lines").isEqualTo(lines(share));
    assertThat(share.getLong("total")).as("what the seller's lines come to")
        .isEqualTo(share.getLong("subtotal") - share.getLong("discount") + share.getLong("shipping") + share.getLong("tax"));
    assertThat(share.getJsonObject("payment").getValue("checkoutSessionId")).isNull();
    assertThat(share.getJsonArray("shipments").stream().map(s -> ((JsonObject) s).getString("sellerId"))).allMatch(seller.sellerId()::equals);
    assertNoMoverIds(share, foreignIds);
    for (String id : foreignIds) {
      assertThat(share.encode()).as("nothing names " + id).doesNotContain(id);
    }
  }

  private static void assertNoMoverIds(JsonObject order, String... ids) {
    for (Object move : order.getJsonArray("statusHistory")) {
      JsonObject m = (JsonObject) move;
      assertThat(m.containsKey("actorId")).as(m.encode()).isFalse();
      assertThat(m.getString("actor")).isIn("customer", "seller", "admin", "system");
    }
    for (String id : ids) {
      assertThat(order.getJsonArray("statusHistory").encode()).doesNotContain(id);
    }
  }

  @Test
  void eachSellerSeesOnlyTheirLinesAndFiguresThatAddUpToThemWhileTheBuyerAndAdminsSeeTheWholeOrder(Api api) throws Exception {
    String admin = admin(api);
    String code = "FIG" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
    Api.Response discount = api.post("/api/v1/admin/discounts", admin, new JsonObject().put("code", code).put("type", "percent").put("value", 10));
    assertThat(discount.status()).as(discount.toString()).isEqualTo(201);
    Product wood = product(api, 1_000, 5);
    Product linen = product(api, 2_333, 5);
    Accounts.Account buyer = buyer(api, wood, 1);
    assertThat(api.post("/api/v1/cart/items", buyer.accessToken(), new JsonObject().put("productId", linen.id()).put("quantity", 1)).status())
        .isEqualTo(200);
    assertThat(api.post("/api/v1/cart/discount", buyer.accessToken(), new JsonObject().put("code", code)).status()).isEqualTo(200);
    JsonObject session = checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("DE")).json();
    assertThat(pay(session.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    String id = session.getString("orderId");

    // the buyer: every line, the whole order's money (3 333 of goods, 333 off, 499 shipping, 19% tax on 3 000)
    JsonObject whole = orderOnceItIs(api, buyer.accessToken(), id, "paid");
    assertThat(whole.getJsonArray("items")).hasSize(2);
    assertThat(whole.getLong("subtotal")).isEqualTo(3_333);
    assertThat(whole.getLong("discount")).isEqualTo(333);
    assertThat(whole.getLong("shipping")).isEqualTo(499);
    assertThat(whole.getLong("tax")).isEqualTo(570);
    assertThat(whole.getLong("total")).isEqualTo(4_069);
    assertNoMoverIds(whole, buyer.id());

    JsonObject[] shares = new JsonObject[2];
    List<Product> sellers = List.of(wood, linen);
    for (int s = 0; s < 2; s++) {
      Product seller = sellers.get(s);
      Product other = sellers.get(1 - s);
      JsonObject one = api.get("/api/v1/orders/" + id, seller.sellerToken()).json();
      assertShare(one, seller, other.sellerId(), buyer.id());
      JsonObject listed = inSellerList(api, seller.sellerToken(), id);
      assertShare(listed, seller, other.sellerId(), buyer.id());
      for (String field : MONEY) {
        assertThat(listed.getLong(field)).as("both routes agree on " + field).isEqualTo(one.getLong(field));
      }
      assertThat(one.getLong("total")).as("less than the whole order").isLessThan(whole.getLong("total"));
      shares[s] = one;
    }
    assertThat(shares[0].getLong("subtotal")).isEqualTo(1_000);
    assertThat(shares[1].getLong("subtotal")).isEqualTo(2_333);
    for (String field : MONEY) {
      assertThat(shares[0].getLong(field) + shares[1].getLong(field)).as("the sellers' " + field + " add up to the order's")
          .isEqualTo(whole.getLong(field));
    }

    // the admin: the whole order
    JsonObject adminView = api.get("/api/v1/orders/" + id, admin).json();
    assertThat(adminView.getJsonArray("items")).hasSize(2);
    for (String field : MONEY) {
      assertThat(adminView.getLong(field)).isEqualTo(whole.getLong(field));
    }

    // a seller ships: the answer is their share; the buyer sees the move by role, the admin also by whom
    Api.Response shipped = api.post("/api/v1/seller/orders/" + id + "/ship", wood.sellerToken(),
        new JsonObject().put("carrier", "DHL").put("trackingNumber", "W-1"));
    assertThat(shipped.status()).as(shipped.toString()).isEqualTo(200);
    assertShare(shipped.json(), wood, linen.sellerId(), buyer.id());
    assertThat(shipped.json().getLong("total")).isEqualTo(shares[0].getLong("total"));
    api.post("/api/v1/seller/orders/" + id + "/ship", linen.sellerToken(), new JsonObject().put("carrier", "UPS").put("trackingNumber", "L-1"));
    JsonObject linenAfter = api.get("/api/v1/orders/" + id, linen.sellerToken()).json();
    assertShare(linenAfter, linen, wood.sellerId(), buyer.id());
    assertThat(linenAfter.getJsonArray("shipments").getJsonObject(0).getString("trackingNumber")).isEqualTo("L-1");

    JsonObject buyerAfter = api.get("/api/v1/orders/" + id, buyer.accessToken()).json();
    assertThat(buyerAfter.getJsonArray("statusHistory").stream().map(m -> ((JsonObject) m).getString("actor")))
        .containsExactly("customer", "system", "seller", "seller");
    assertNoMoverIds(buyerAfter, buyer.id(), wood.sellerId(), linen.sellerId());
    assertThat(buyerAfter.getJsonArray("shipments")).hasSize(2);

    JsonArray history = api.get("/api/v1/orders/" + id, admin).json().getJsonArray("statusHistory");
    assertThat(history.stream().map(m -> ((JsonObject) m).getString("actor"))).containsExactly("customer", "system", "seller", "seller");
    assertThat(history.stream().map(m -> ((JsonObject) m).getString("actorId")))
        .as("admins see who moved it").containsExactly(buyer.id(), null, wood.sellerId(), linen.sellerId());
    JsonObject listedForAdmin = api.get("/api/v1/admin/orders?limit=100", admin).json().getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(o -> o.getString("id").equals(id)).findFirst().orElseThrow();
    assertThat(listedForAdmin.getJsonArray("items")).hasSize(2);
    assertThat(listedForAdmin.getLong("total")).isEqualTo(whole.getLong("total"));
  }

  @Test
  void theBuyerCancellingIsShownAsTheCustomerAndAnAdminsRefundAsTheAdmin(Api api) throws Exception {
    Product p = product(api, 1_500, 5);
    Paid paid = paidOrder(api, p, 1);
    String admin = admin(api);
    Api.Response partial = api.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/orders/" + paid.id() + "/refund", admin,
        new JsonObject().put("amount", 100).put("reason", "a scratch"), java.util.Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(partial.status()).as(partial.toString()).isEqualTo(200);
    JsonObject share = api.get("/api/v1/orders/" + paid.id(), p.sellerToken()).json();
    assertThat(share.getJsonObject("payment").getLong("refunded")).as("a single seller's share of the refund is all of it").isEqualTo(100);
    Api.Response cancelled = api.post("/api/v1/orders/" + paid.id() + "/cancel", paid.buyer().accessToken(), new JsonObject());
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    assertThat(cancelled.json().getJsonArray("statusHistory").stream().map(m -> ((JsonObject) m).getString("actor")))
        .containsExactly("customer", "system", "customer");
    assertNoMoverIds(cancelled.json(), paid.buyer().id());
    JsonObject sellerView = api.get("/api/v1/orders/" + paid.id(), p.sellerToken()).json();
    assertThat(sellerView.getJsonObject("payment").getLong("refunded")).isEqualTo(sellerView.getLong("total"));
    assertNoMoverIds(sellerView, paid.buyer().id());
  }
}
