package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class DiscountsIT {

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static String code() {
    return "T" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
  }

  private static JsonObject discount(Api api, String admin, JsonObject body) {
    Api.Response r = api.post("/api/v1/admin/discounts", admin, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  /**
   * A customer's cart holding {@code quantity} of a 2 500 usd product; answers the customer's token
   * and the item id.
   */
  private static String[] cartOf(Api api, int quantity) {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String product =
        api.post(
                "/api/v1/products",
                seller,
                new JsonObject()
                    .put("name", "Tin kettle")
                    .put("price", 2_500)
                    .put("currency", "usd")
                    .put("stock", 50))
            .json()
            .getString("id");
    String customer = Accounts.signedIn(api, null).accessToken();
    Api.Response added =
        api.post(
            "/api/v1/cart/items",
            customer,
            new JsonObject().put("productId", product).put("quantity", quantity));
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
    return new String[] {
      customer, added.json().getJsonArray("items").getJsonObject(0).getString("id")
    };
  }

  @Test
  void adminsCreateListChangeAndDeleteCodes(Api api) {
    String admin = admin(api);
    String code = code();
    JsonObject created =
        discount(
            api,
            admin,
            new JsonObject()
                .put("code", code.toLowerCase())
                .put("type", "percent")
                .put("value", 15)
                .put("maxUses", 100)
                .put("perUserLimit", 1));
    assertThat(created.getString("code")).isEqualTo(code);
    assertThat(created.getInteger("uses")).isZero();
    assertThat(
            api.post(
                    "/api/v1/admin/discounts",
                    admin,
                    new JsonObject().put("code", code).put("type", "fixed").put("value", 5))
                .status())
        .as("one live code per text")
        .isEqualTo(409);
    String path = "/api/v1/admin/discounts/" + created.getString("id");
    Api.Response changed =
        api.send(
            HttpMethod.PATCH,
            path,
            admin,
            new JsonObject().put("value", 20).put("maxUses", null),
            Map.of());
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().getLong("value")).isEqualTo(20L);
    assertThat(changed.json().getValue("maxUses")).isNull();
    assertThat(changed.json().getInteger("perUserLimit")).isEqualTo(1);
    assertThat(
            api.get("/api/v1/admin/discounts", admin).json().getJsonArray("items").stream()
                .map(d -> ((JsonObject) d).getString("code")))
        .contains(code);
    assertThat(api.delete(path, admin).status()).isEqualTo(204);
    assertThat(api.get(path, admin).status()).isEqualTo(404);
    assertThat(
            api.post(
                    "/api/v1/admin/discounts",
                    admin,
                    new JsonObject().put("code", code).put("type", "fixed").put("value", 5))
                .status())
        .as("a deleted code's text is free again")
        .isEqualTo(201);
  }

  @Test
  void badCodesAre422AndOnlyAdminsManageThem(Api api) {
    String admin = admin(api);
    String now = Instant.now().toString();
    for (JsonObject bad :
        List.of(
            new JsonObject().put("code", code()).put("type", "percent").put("value", 150),
            new JsonObject().put("code", code()).put("type", "bogus").put("value", 5),
            new JsonObject().put("code", code()).put("type", "fixed").put("value", 0),
            new JsonObject().put("code", "!").put("type", "fixed").put("value", 5),
            new JsonObject()
                .put("code", code())
                .put("type", "fixed")
                .put("value", 5)
                .put("startsAt", now)
                .put("endsAt", now),
            new JsonObject()
                .put("code", code())
                .put("type", "fixed")
                .put("value", 5)
                .put("endsAt", "next tuesday"),
            new JsonObject()
                .put("code", code())
                .put("type", "fixed")
                .put("value", 5)
                .put("maxUses", 0),
            new JsonObject().put("type", "fixed").put("value", 5))) {
      Api.Response r = api.post("/api/v1/admin/discounts", admin, bad);
      assertThat(r.status()).as(bad.encode() + " " + r).isEqualTo(422);
    }
    JsonObject good = new JsonObject().put("code", code()).put("type", "fixed").put("value", 5);
    assertThat(
            api.post("/api/v1/admin/discounts", Accounts.signedIn(api, null).accessToken(), good)
                .status())
        .isEqualTo(403);
    assertThat(api.post("/api/v1/admin/discounts", null, good).status()).isEqualTo(401);
    assertThat(
            api.get("/api/v1/admin/discounts", Accounts.signedIn(api, "seller").accessToken())
                .status())
        .isEqualTo(403);
  }

  @Test
  void aCodeTakesItsShareOffTheCartUntilItIsRemoved(Api api) {
    String admin = admin(api);
    String percent =
        discount(
                api,
                admin,
                new JsonObject().put("code", code()).put("type", "percent").put("value", 10))
            .getString("code");
    String fixed =
        discount(
                api,
                admin,
                new JsonObject().put("code", code()).put("type", "fixed").put("value", 700))
            .getString("code");
    String customer = cartOf(api, 5)[0];
    Api.Response applied =
        api.post(
            "/api/v1/cart/discount", customer, new JsonObject().put("code", percent.toLowerCase()));
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    assertThat(applied.json().getString("discountCode")).isEqualTo(percent);
    assertThat(applied.json().getLong("subtotal")).isEqualTo(12_500L);
    assertThat(applied.json().getLong("discount")).isEqualTo(1_250L);
    assertThat(applied.json().getLong("total")).isEqualTo(11_250L);
    JsonObject swapped =
        api.post("/api/v1/cart/discount", customer, new JsonObject().put("code", fixed)).json();
    assertThat(swapped.getLong("discount")).isEqualTo(700L);
    assertThat(api.get("/api/v1/cart", customer).json().getLong("total")).isEqualTo(11_800L);
    JsonObject removed = api.delete("/api/v1/cart/discount", customer).json();
    assertThat(removed.getLong("discount")).isZero();
    assertThat(removed.getValue("discountCode")).isNull();
  }

  @Test
  void unknownExpiredEarlyUsedUpAndBelowMinimumCodesAre422(Api api) {
    String admin = admin(api);
    Instant now = Instant.now();
    String expired =
        discount(
                api,
                admin,
                new JsonObject()
                    .put("code", code())
                    .put("type", "fixed")
                    .put("value", 100)
                    .put("startsAt", now.minus(2, ChronoUnit.DAYS).toString())
                    .put("endsAt", now.minus(1, ChronoUnit.DAYS).toString()))
            .getString("code");
    String early =
        discount(
                api,
                admin,
                new JsonObject()
                    .put("code", code())
                    .put("type", "fixed")
                    .put("value", 100)
                    .put("startsAt", now.plus(1, ChronoUnit.DAYS).toString()))
            .getString("code");
    JsonObject once =
        discount(
            api,
            admin,
            new JsonObject()
                .put("code", code())
                .put("type", "fixed")
                .put("value", 100)
                .put("maxUses", 1));
    // checkout counts uses; here the one use is taken as checkout would record it
    TestPlatform.db()
        .preparedQuery("UPDATE ordering.discounts SET uses = 1 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(once.getString("id"))))
        .await();
    String minimum =
        discount(
                api,
                admin,
                new JsonObject()
                    .put("code", code())
                    .put("type", "percent")
                    .put("value", 5)
                    .put("minSubtotal", 50_000))
            .getString("code");
    String perCustomer =
        discount(
                api,
                admin,
                new JsonObject()
                    .put("code", code())
                    .put("type", "percent")
                    .put("value", 5)
                    .put("perUserLimit", 1))
            .getString("code");
    String customer = cartOf(api, 2)[0];
    for (String bad : List.of("NOSUCHCODE", expired, early, once.getString("code"), minimum)) {
      Api.Response r =
          api.post("/api/v1/cart/discount", customer, new JsonObject().put("code", bad));
      assertThat(r.status()).as(bad + " " + r).isEqualTo(422);
      assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo("code");
    }
    assertThat(api.get("/api/v1/cart", customer).json().getValue("discountCode"))
        .as("refusals change nothing")
        .isNull();
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String product =
        api.post(
                "/api/v1/products",
                seller,
                new JsonObject()
                    .put("name", "Jar")
                    .put("price", 900)
                    .put("currency", "usd")
                    .put("stock", 5))
            .json()
            .getString("id");
    String guestToken =
        api.post(
                "/api/v1/cart/items",
                null,
                new JsonObject().put("productId", product).put("quantity", 1))
            .header("X-Cart-Token");
    Api.Response guest =
        api.send(
            HttpMethod.POST,
            "/api/v1/cart/discount",
            null,
            new JsonObject().put("code", perCustomer),
            Map.of("X-Cart-Token", guestToken));
    assertThat(guest.status()).as("a per-customer limit needs a customer").isEqualTo(422);
    Api.Response empty =
        api.post(
            "/api/v1/cart/discount",
            Accounts.signedIn(api, null).accessToken(),
            new JsonObject().put("code", perCustomer));
    assertThat(empty.status()).isEqualTo(422);
  }

  @Test
  void aCodeThatStopsApplyingIsDroppedWithAWarning(Api api) {
    String admin = admin(api);
    String code =
        discount(
                api,
                admin,
                new JsonObject()
                    .put("code", code())
                    .put("type", "fixed")
                    .put("value", 1_000)
                    .put("minSubtotal", 5_000))
            .getString("code");
    String[] cart = cartOf(api, 3);
    assertThat(
            api.post("/api/v1/cart/discount", cart[0], new JsonObject().put("code", code))
                .json()
                .getLong("discount"))
        .isEqualTo(1_000L);
    JsonObject smaller =
        api.send(
                HttpMethod.PATCH,
                "/api/v1/cart/items/" + cart[1],
                cart[0],
                new JsonObject().put("quantity", 1),
                Map.of())
            .json();
    assertThat(smaller.getLong("discount")).isZero();
    assertThat(smaller.getLong("total")).isEqualTo(2_500L);
    assertThat(smaller.getValue("discountCode")).isNull();
    assertThat(smaller.getJsonArray("warnings").encode())
        .contains("needs a subtotal of at least 5000");
  }
}
