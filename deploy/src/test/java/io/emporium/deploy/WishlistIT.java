package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class WishlistIT {
  private static String product(String status) {
    UUID id = UUID.randomUUID();
    TestPlatform.db()
        .preparedQuery(
            "INSERT INTO catalog.products (id, seller_id, name, price, currency, status) VALUES ($1, $2, 'Lamp', 2990, 'usd', $3)")
        .execute(Tuple.of(id, UUID.randomUUID(), status))
        .await();
    return id.toString();
  }

  @Test
  void aCustomerKeepsEachActiveProductOnce(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    String lamp = product("active");
    for (int i = 0; i < 2; i++) {
      Api.Response added =
          api.post(
              "/api/v1/wishlist", customer.accessToken(), new JsonObject().put("productId", lamp));
      assertThat(added.status()).as(added.toString()).isEqualTo(200);
      assertThat(added.json().getJsonArray("items")).hasSize(1);
    }
    JsonObject item =
        api.get("/api/v1/wishlist", customer.accessToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertThat(item.getString("productId")).isEqualTo(lamp);
    assertThat(item.getLong("price")).isEqualTo(2990L);

    assertThat(api.delete("/api/v1/wishlist/" + lamp, customer.accessToken()).status())
        .isEqualTo(204);
    assertThat(api.delete("/api/v1/wishlist/" + lamp, customer.accessToken()).status())
        .isEqualTo(204);
    assertThat(api.get("/api/v1/wishlist", customer.accessToken()).json().getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void draftsUnknownProductsAndOtherRolesAreRefused(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    assertThat(
            api.post(
                    "/api/v1/wishlist",
                    customer.accessToken(),
                    new JsonObject().put("productId", product("draft")))
                .status())
        .isEqualTo(404);
    assertThat(
            api.post(
                    "/api/v1/wishlist",
                    customer.accessToken(),
                    new JsonObject().put("productId", UUID.randomUUID().toString()))
                .status())
        .isEqualTo(404);
    assertThat(api.post("/api/v1/wishlist", customer.accessToken(), new JsonObject()).status())
        .isEqualTo(422);
    assertThat(api.get("/api/v1/wishlist", seller.accessToken()).status()).isEqualTo(403);
    assertThat(api.get("/api/v1/wishlist").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/wishlist", customer.accessToken()).json().getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void oneCustomersWishlistIsNotAnothers(Api api) {
    Accounts.Account first = Accounts.signedIn(api, null);
    Accounts.Account second = Accounts.signedIn(api, null);
    api.post(
        "/api/v1/wishlist",
        first.accessToken(),
        new JsonObject().put("productId", product("active")));
    assertThat(api.get("/api/v1/wishlist", second.accessToken()).json().getJsonArray("items"))
        .isEmpty();
    assertThat(api.get("/api/v1/wishlist", first.accessToken()).json().getJsonArray("items"))
        .hasSize(1);
  }
}
