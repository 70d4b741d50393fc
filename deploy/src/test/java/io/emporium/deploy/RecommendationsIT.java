package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class RecommendationsIT {

  private static String category(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Api.Response r =
        api.post(
            "/api/v1/categories",
            admin,
            new JsonObject().put("name", "Aisle " + UUID.randomUUID().toString().substring(0, 8)));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static String product(Api api, String token, String name, String categoryId) {
    JsonObject body =
        new JsonObject()
            .put("name", name)
            .put("price", 1_000)
            .put("currency", "usd")
            .put("stock", 9);
    if (categoryId != null) {
      body.put("categoryId", categoryId);
    }
    Api.Response r = api.post("/api/v1/products", token, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static List<String> ids(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items").stream()
        .map(p -> ((JsonObject) p).getString("id"))
        .toList();
  }

  @Test
  void aBuyerIsOfferedTheirCategoriesFirstAndNeverWhatTheyOwn(Api api) throws Exception {
    String aisle = category(api);
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String bought = product(api, seller, "Tea tin", aisle);
    String sibling = product(api, seller, "Tea scoop", aisle);
    Accounts.Account buyer = Accounts.signedIn(api, null);
    PaidOrders.publish(buyer.id(), bought, 1);
    List<String> offered = ids(api.get("/api/v1/recommendations?limit=10", buyer.accessToken()));
    assertThat(offered).startsWith(sibling).doesNotContain(bought).doesNotHaveDuplicates();
  }

  @Test
  void aCustomerWithoutHistoryIsOfferedTheBestSellers(Api api) throws Exception {
    String seller = Accounts.signedIn(api, "seller").accessToken();
    product(api, seller, "Quiet seller", null);
    product(api, seller, "Another quiet one", null);
    String hit = product(api, seller, "Runaway hit", null);
    PaidOrders.publish(Accounts.signedIn(api, null).id(), hit, 1_000_000);
    Accounts.Account newcomer = Accounts.signedIn(api, null);
    assertThat(ids(api.get("/api/v1/recommendations?limit=3", newcomer.accessToken())))
        .hasSize(3)
        .startsWith(hit);
  }

  @Test
  void onlyCustomersGetRecommendations(Api api) {
    assertThat(api.get("/api/v1/recommendations").status()).isEqualTo(401);
    assertThat(
            api.get("/api/v1/recommendations", Accounts.signedIn(api, "seller").accessToken())
                .status())
        .isEqualTo(403);
    assertThat(
            api.get("/api/v1/recommendations?limit=500", Accounts.signedIn(api, null).accessToken())
                .status())
        .isEqualTo(422);
  }
}
