package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class SellersIT {

  @Test
  void followingIsIdempotentBothWaysAndShowsOnTheStorefront(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account fan = Accounts.signedIn(api, null);
    String path = "/api/v1/sellers/" + seller.id() + "/follow";

    for (int i = 0; i < 2; i++) {
      Api.Response on = api.post(path, fan.accessToken(), new JsonObject());
      assertThat(on.status()).as(on.toString()).isEqualTo(200);
      assertThat(on.json().getBoolean("following")).isTrue();
      assertThat(on.json().getLong("followers")).isEqualTo(1L);
    }
    assertThat(api.get("/api/v1/sellers/" + seller.id()).json().getLong("followers")).isEqualTo(1L);
    assertThat(
            api.get("/api/v1/users/me/following", fan.accessToken())
                .json()
                .getJsonArray("items")
                .getJsonObject(0)
                .getString("id"))
        .isEqualTo(seller.id());

    for (int i = 0; i < 2; i++) {
      Api.Response off = api.delete(path, fan.accessToken());
      assertThat(off.status()).isEqualTo(200);
      assertThat(off.json().getBoolean("following")).isFalse();
      assertThat(off.json().getLong("followers")).isZero();
    }
    assertThat(
            api.get("/api/v1/users/me/following", fan.accessToken()).json().getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void onlyCustomersFollowAndOnlySellersCanBeFollowed(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account otherSeller = Accounts.signedIn(api, "seller");
    Accounts.Account customer = Accounts.signedIn(api, null);
    assertThat(
            api.post(
                    "/api/v1/sellers/" + seller.id() + "/follow",
                    otherSeller.accessToken(),
                    new JsonObject())
                .status())
        .isEqualTo(403);
    assertThat(
            api.post("/api/v1/sellers/" + seller.id() + "/follow", null, new JsonObject()).status())
        .isEqualTo(401);
    assertThat(
            api.post(
                    "/api/v1/sellers/" + customer.id() + "/follow",
                    customer.accessToken(),
                    new JsonObject())
                .status())
        .as("a customer is not a seller")
        .isEqualTo(404);
    assertThat(
            api.post(
                    "/api/v1/sellers/" + UUID.randomUUID() + "/follow",
                    customer.accessToken(),
                    new JsonObject())
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/sellers/" + customer.id()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/sellers/" + seller.id()).json().getLong("followers")).isZero();
  }

  @Test
  void theStorefrontListsTheSellersActiveProductsUnderTheirName(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Pool db = TestPlatform.db();
    for (String status : new String[] {"active", "draft", "archived"}) {
      db.preparedQuery(
              "INSERT INTO catalog.products (id, seller_id, name, price, currency, status) VALUES ($1, $2, $3, 990, 'usd', $4)")
          .execute(
              Tuple.of(UUID.randomUUID(), UUID.fromString(seller.id()), "Mug " + status, status))
          .await();
    }
    Api.Response front = api.get("/api/v1/sellers/" + seller.id());
    assertThat(front.status()).as(front.toString()).isEqualTo(200);
    assertThat(front.json().getString("displayName")).isEqualTo("Test Person");
    assertThat(front.json().getJsonArray("products")).hasSize(1);
    assertThat(front.json().getJsonArray("products").getJsonObject(0).getString("name"))
        .isEqualTo("Mug active");
  }
}
