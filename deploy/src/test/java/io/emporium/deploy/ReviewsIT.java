package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class ReviewsIT {

  private static String product(Api api, String status) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    JsonObject body =
        new JsonObject()
            .put("name", "Walnut board")
            .put("price", 3_900)
            .put("currency", "usd")
            .put("stock", 5);
    if (status != null) {
      body.put("status", status);
    }
    Api.Response r = api.post("/api/v1/products", token, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject review(int stars, String body) {
    return new JsonObject().put("rating", stars).put("title", "My take").put("body", body);
  }

  @Test
  void eachCustomerReviewsOnceAndTheProductRatingFollows(Api api) {
    String id = product(api, null);
    Accounts.Account first = Accounts.signedIn(api, null);
    Api.Response created =
        api.post(
            "/api/v1/products/" + id + "/reviews",
            first.accessToken(),
            review(4, "Solid and heavy."));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().getInteger("rating")).isEqualTo(4);
    assertThat(created.json().getBoolean("verifiedPurchase")).isFalse();
    assertThat(created.json().getJsonObject("reviewer").getString("displayName"))
        .isEqualTo("Test P.");
    Api.Response again =
        api.post(
            "/api/v1/products/" + id + "/reviews",
            first.accessToken(),
            review(1, "Changed my mind."));
    assertThat(again.status()).isEqualTo(409);
    Accounts.Account second = Accounts.signedIn(api, null);
    assertThat(
            api.post(
                    "/api/v1/products/" + id + "/reviews",
                    second.accessToken(),
                    review(1, "Warped."))
                .status())
        .isEqualTo(201);

    JsonObject rating = api.get("/api/v1/products/" + id).json().getJsonObject("rating");
    assertThat(rating.getDouble("average")).isEqualTo(2.5);
    assertThat(rating.getLong("count")).isEqualTo(2);
    Api.Response page = api.get("/api/v1/products/" + id + "/reviews?limit=1");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json().getJsonArray("items").getJsonObject(0).getString("body"))
        .isEqualTo("Warped.");
    assertThat(page.json().getJsonObject("rating").getLong("count")).isEqualTo(2);
    Api.Response rest =
        api.get(
            "/api/v1/products/"
                + id
                + "/reviews?limit=1&cursor="
                + page.json().getString("nextCursor"));
    assertThat(rest.json().getJsonArray("items").getJsonObject(0).getString("body"))
        .isEqualTo("Solid and heavy.");
    assertThat(rest.json().getValue("nextCursor")).isNull();
  }

  @Test
  void reviewersAreShownByDisplayNameNeverById(Api api) {
    String id = product(api, null);
    Accounts.Account reviewer = Accounts.signedIn(api, null);
    assertThat(
            api.patch(
                    "/api/v1/users/me",
                    reviewer.accessToken(),
                    new JsonObject().put("fullName", "Grace Brewster Hopper"))
                .status())
        .isEqualTo(200);
    Api.Response created =
        api.post(
            "/api/v1/products/" + id + "/reviews",
            reviewer.accessToken(),
            review(5, "Sharp and true."));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonObject listed =
        api.get("/api/v1/products/" + id + "/reviews")
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    for (JsonObject review : List.of(created.json(), listed)) {
      assertThat(review.getJsonObject("reviewer").getString("displayName")).isEqualTo("Grace H.");
      assertThat(review.containsKey("userId")).as(review.encode()).isFalse();
      assertThat(review.encode())
          .doesNotContain(reviewer.id())
          .doesNotContain(reviewer.email())
          .doesNotContain("Hopper");
    }
  }

  @Test
  void aCustomerWhoBoughtTheProductIsAVerifiedPurchaser(Api api) throws Exception {
    String id = product(api, null);
    Accounts.Account buyer = Accounts.signedIn(api, null);
    PaidOrders.publish(buyer.id(), id, 1);
    Api.Response r =
        api.post(
            "/api/v1/products/" + id + "/reviews",
            buyer.accessToken(),
            review(5, "Bought it, love it."));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getBoolean("verifiedPurchase")).isTrue();
  }

  @Test
  void reviewsAreRefusedToNonCustomersBadInputAndProductsNobodyCanSee(Api api) {
    String id = product(api, null);
    String path = "/api/v1/products/" + id + "/reviews";
    Accounts.Account customer = Accounts.signedIn(api, null);
    assertThat(api.post(path, null, review(5, "x")).status()).isEqualTo(401);
    assertThat(
            api.post(path, Accounts.signedIn(api, "seller").accessToken(), review(5, "x")).status())
        .isEqualTo(403);
    for (JsonObject bad :
        List.of(
            review(0, "x"),
            review(6, "x"),
            review(3, " "),
            new JsonObject().put("body", "no stars"),
            new JsonObject().put("rating", "5").put("body", "x"),
            review(5, "x").put("verifiedPurchase", true),
            review(5, "x".repeat(5001)))) {
      Api.Response r = api.post(path, customer.accessToken(), bad);
      assertThat(r.status()).as(bad.encode()).isEqualTo(422);
    }
    assertThat(api.get("/api/v1/products/" + id).json().getJsonObject("rating").getLong("count"))
        .isZero();
    String draft = product(api, "draft");
    assertThat(
            api.post(
                    "/api/v1/products/" + draft + "/reviews",
                    customer.accessToken(),
                    review(5, "x"))
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/products/" + draft + "/reviews").status()).isEqualTo(404);
    assertThat(
            api.post(
                    "/api/v1/products/" + UUID.randomUUID() + "/reviews",
                    customer.accessToken(),
                    review(5, "x"))
                .status())
        .isEqualTo(404);
  }
}
