package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each party sees its own figures of an order: a seller its share, the buyer and admins all of it;
 * moves by role.
 */
@ExtendWith(TestPlatform.class)
class OrderViewsIT {
  private static final List<String> MONEY =
      List.of("subtotal", "discount", "shipping", "tax", "total");

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static long lines(JsonObject order) {
    return order.getJsonArray("items").stream()
        .mapToLong(i -> ((JsonObject) i).getLong("lineTotal"))
        .sum();
  }

  private static JsonObject inSellerList(Api api, String sellerToken, String orderId) {
    Api.Response page = api.get("/api/v1/seller/orders?limit=100", sellerToken);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return page.json().getJsonArray("items").stream()
        .map(o -> (JsonObject) o)
        .filter(o -> o.getString("id").equals(orderId))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("order " + orderId + " is not in the seller's list " + page));
  }

  /**
   * A seller's share: only its lines, figures of those lines that add up, nothing of the other
   * seller or the buyer's ids.
   */
  private static void assertShare(JsonObject share, Product seller, String... foreignIds) {
    assertThat(share.getJsonArray("items")).isNotEmpty();
    assertThat(
            share.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("sellerId")))
        .containsOnly(seller.sellerId());
    assertThat(share.getLong("subtotal")).as("the seller's lines").isEqualTo(lines(share));
    assertThat(share.getLong("total"))
        .as("what the seller's lines come to")
        .isEqualTo(
            share.getLong("subtotal")
                - share.getLong("discount")
                + share.getLong("shipping")
                + share.getLong("tax"));
    assertThat(share.getJsonObject("payment").getValue("checkoutSessionId")).isNull();
    assertThat(
            share.getJsonArray("shipments").stream()
                .map(s -> ((JsonObject) s).getString("sellerId")))
        .allMatch(seller.sellerId()::equals);
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

  /**
   * A paid order of two sellers' goods: 3 333 of goods, 10% off (333), 499 shipping, 19% tax on 3
   * 000 (570).
   */
  private record TwoSellers(
      Product wood, Product linen, Accounts.Account buyer, String id, String admin) {}

  private static TwoSellers twoSellerOrder(Api api) throws Exception {
    String admin = admin(api);
    String code = "FIG" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(Locale.ROOT);
    Api.Response discount =
        api.post(
            "/api/v1/admin/discounts",
            admin,
            new JsonObject().put("code", code).put("type", "percent").put("value", 10));
    assertThat(discount.status()).as(discount.toString()).isEqualTo(201);
    Product wood = product(api, 1_000, 5);
    Product linen = product(api, 2_333, 5);
    Accounts.Account buyer = buyer(api, wood, 1);
    assertThat(
            api.post(
                    "/api/v1/cart/items",
                    buyer.accessToken(),
                    new JsonObject().put("productId", linen.id()).put("quantity", 1))
                .status())
        .isEqualTo(200);
    assertThat(
            api.post(
                    "/api/v1/cart/discount",
                    buyer.accessToken(),
                    new JsonObject().put("code", code))
                .status())
        .isEqualTo(200);
    JsonObject session =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("DE")).json();
    assertThat(pay(session.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    String id =
        orderOnceItIs(api, buyer.accessToken(), session.getString("orderId"), "paid")
            .getString("id");
    return new TwoSellers(wood, linen, buyer, id, admin);
  }

  private static void assertWhole(JsonObject order) {
    assertThat(order.getJsonArray("items")).hasSize(2);
    assertThat(MONEY.stream().map(order::getLong))
        .containsExactly(3_333L, 333L, 499L, 570L, 4_069L);
  }

  @Test
  void eachSellerSeesOnlyTheirLinesAndFiguresThatAddUpToThemOnBothRoutes(Api api) throws Exception {
    TwoSellers o = twoSellerOrder(api);
    JsonObject[] shares = new JsonObject[2];
    List<Product> sellers = List.of(o.wood(), o.linen());
    for (int s = 0; s < 2; s++) {
      Product seller = sellers.get(s);
      Product other = sellers.get(1 - s);
      JsonObject one = api.get("/api/v1/orders/" + o.id(), seller.sellerToken()).json();
      assertShare(one, seller, other.sellerId(), o.buyer().id());
      JsonObject listed = inSellerList(api, seller.sellerToken(), o.id());
      assertShare(listed, seller, other.sellerId(), o.buyer().id());
      for (String field : MONEY) {
        assertThat(listed.getLong(field))
            .as("both routes agree on " + field)
            .isEqualTo(one.getLong(field));
      }
      shares[s] = one;
    }
    assertThat(shares[0].getLong("subtotal")).isEqualTo(1_000);
    assertThat(shares[1].getLong("subtotal")).isEqualTo(2_333);
    JsonObject whole = api.get("/api/v1/orders/" + o.id(), o.buyer().accessToken()).json();
    for (String field : MONEY) {
      assertThat(shares[0].getLong(field) + shares[1].getLong(field))
          .as("the sellers' " + field + " add up to the order's")
          .isEqualTo(whole.getLong(field));
    }

    // shipping answers with the shipper's share too, and each sees only their own shipment
    Api.Response shipped =
        api.post(
            "/api/v1/seller/orders/" + o.id() + "/ship",
            o.wood().sellerToken(),
            new JsonObject().put("carrier", "DHL").put("trackingNumber", "W-1"));
    assertThat(shipped.status()).as(shipped.toString()).isEqualTo(200);
    assertShare(shipped.json(), o.wood(), o.linen().sellerId(), o.buyer().id());
    assertThat(shipped.json().getLong("total")).isEqualTo(shares[0].getLong("total"));
    api.post(
        "/api/v1/seller/orders/" + o.id() + "/ship",
        o.linen().sellerToken(),
        new JsonObject().put("carrier", "UPS").put("trackingNumber", "L-1"));
    JsonObject linenAfter = api.get("/api/v1/orders/" + o.id(), o.linen().sellerToken()).json();
    assertShare(linenAfter, o.linen(), o.wood().sellerId(), o.buyer().id());
    assertThat(
            linenAfter.getJsonArray("shipments").stream()
                .map(x -> ((JsonObject) x).getString("trackingNumber")))
        .containsExactly("L-1");
  }

  @Test
  void theBuyerAndAdminsSeeTheWholeOrderAndMovesByRoleOnlyAdminsAlsoByWhom(Api api)
      throws Exception {
    TwoSellers o = twoSellerOrder(api);
    for (Product seller : List.of(o.wood(), o.linen())) {
      Api.Response shipped =
          api.post(
              "/api/v1/seller/orders/" + o.id() + "/ship",
              seller.sellerToken(),
              new JsonObject().put("carrier", "DHL").put("trackingNumber", "T-" + seller.sku()));
      assertThat(shipped.status()).as(shipped.toString()).isEqualTo(200);
    }

    JsonObject buyerView = api.get("/api/v1/orders/" + o.id(), o.buyer().accessToken()).json();
    assertWhole(buyerView);
    assertThat(buyerView.getJsonArray("shipments")).hasSize(2);
    assertThat(
            buyerView.getJsonArray("statusHistory").stream()
                .map(m -> ((JsonObject) m).getString("actor")))
        .containsExactly("customer", "system", "seller", "seller");
    assertNoMoverIds(buyerView, o.buyer().id(), o.wood().sellerId(), o.linen().sellerId());
    JsonObject listedForBuyer =
        api.get("/api/v1/orders", o.buyer().accessToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertWhole(listedForBuyer);
    assertNoMoverIds(listedForBuyer, o.buyer().id(), o.wood().sellerId(), o.linen().sellerId());

    JsonObject adminView = api.get("/api/v1/orders/" + o.id(), o.admin()).json();
    assertWhole(adminView);
    JsonArray history = adminView.getJsonArray("statusHistory");
    assertThat(history.stream().map(m -> ((JsonObject) m).getString("actor")))
        .containsExactly("customer", "system", "seller", "seller");
    assertThat(history.stream().map(m -> ((JsonObject) m).getString("actorId")))
        .as("admins see who moved it")
        .containsExactly(o.buyer().id(), null, o.wood().sellerId(), o.linen().sellerId());
    JsonObject listedForAdmin =
        api.get("/api/v1/admin/orders?limit=100", o.admin()).json().getJsonArray("items").stream()
            .map(x -> (JsonObject) x)
            .filter(x -> x.getString("id").equals(o.id()))
            .findFirst()
            .orElseThrow();
    assertWhole(listedForAdmin);
  }

  @Test
  void aCancellationIsShownAsTheCustomersOrTheAdminsAndSellersSeeTheirShareOfRefunds(Api api)
      throws Exception {
    TwoSellers o = twoSellerOrder(api);
    Api.Response partial =
        api.send(
            HttpMethod.POST,
            "/api/v1/orders/" + o.id() + "/refund",
            o.admin(),
            new JsonObject().put("amount", 1_000).put("reason", "a scratch"),
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(partial.status()).as(partial.toString()).isEqualTo(200);
    long refunded = 0;
    for (Product seller : List.of(o.wood(), o.linen())) {
      JsonObject share = api.get("/api/v1/orders/" + o.id(), seller.sellerToken()).json();
      long theirs = share.getJsonObject("payment").getLong("refunded");
      assertThat(theirs)
          .as("in proportion to their total")
          .isBetween(1L, share.getLong("total") - 1);
      refunded += theirs;
    }
    assertThat(refunded).as("the sellers' shares of the refund add up to it").isEqualTo(1_000);

    Api.Response cancelled =
        api.post("/api/v1/orders/" + o.id() + "/cancel", o.buyer().accessToken(), new JsonObject());
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    assertThat(
            cancelled.json().getJsonArray("statusHistory").stream()
                .map(m -> ((JsonObject) m).getString("actor")))
        .containsExactly("customer", "system", "customer");
    assertNoMoverIds(cancelled.json(), o.buyer().id());
    for (Product seller : List.of(o.wood(), o.linen())) {
      JsonObject share = api.get("/api/v1/orders/" + o.id(), seller.sellerToken()).json();
      assertThat(share.getJsonObject("payment").getLong("refunded"))
          .as("refunded in full")
          .isEqualTo(share.getLong("total"));
      assertNoMoverIds(share, o.buyer().id());
    }

    Paid byAdmin = paidOrder(api, product(api, 1_500, 5), 1);
    Api.Response adminCancelled =
        api.post("/api/v1/orders/" + byAdmin.id() + "/cancel", o.admin(), new JsonObject());
    assertThat(adminCancelled.status()).as(adminCancelled.toString()).isEqualTo(200);
    JsonObject seenByBuyer =
        api.get("/api/v1/orders/" + byAdmin.id(), byAdmin.buyer().accessToken()).json();
    assertThat(
            seenByBuyer.getJsonArray("statusHistory").stream()
                .map(m -> ((JsonObject) m).getString("actor")))
        .containsExactly("customer", "system", "admin");
    assertNoMoverIds(seenByBuyer, byAdmin.buyer().id());
  }
}
