package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class CartsIT {

  /** A seller's product with two sizes: M (stock m) and L (stock l, its own price). */
  private record Shirt(String sellerToken, String id, String m, String l) {}

  private static Shirt shirt(Api api, int m, int l) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String tag = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Api.Response r =
        api.post(
            "/api/v1/products",
            token,
            new JsonObject()
                .put("name", "Field shirt")
                .put("price", 3_000)
                .put("currency", "usd")
                .put(
                    "variants",
                    new JsonArray()
                        .add(new JsonObject().put("sku", "FS-M-" + tag).put("stock", m))
                        .add(
                            new JsonObject()
                                .put("sku", "FS-L-" + tag)
                                .put("stock", l)
                                .put("price", 3_500))));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return new Shirt(token, r.json().getString("id"), "FS-M-" + tag, "FS-L-" + tag);
  }

  private static JsonObject item(String productId, String sku, Object quantity) {
    JsonObject body = new JsonObject().put("productId", productId).put("quantity", quantity);
    return sku == null ? body : body.put("sku", sku);
  }

  private static Api.Response guest(
      Api api, HttpMethod method, String path, String cartToken, JsonObject body) {
    return api.send(
        method, path, null, body, cartToken == null ? Map.of() : Map.of("X-Cart-Token", cartToken));
  }

  @Test
  void aGuestsFirstAddIssuesACartTokenThatAddressesTheirCart(Api api) {
    Shirt s = shirt(api, 10, 5);
    Api.Response first =
        guest(api, HttpMethod.POST, "/api/v1/cart/items", null, item(s.id(), s.m(), 2));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    String token = first.header("X-Cart-Token");
    assertThat(token).hasSizeGreaterThanOrEqualTo(40);
    Api.Response second =
        guest(api, HttpMethod.POST, "/api/v1/cart/items", token, item(s.id(), s.l(), 1));
    assertThat(second.header("X-Cart-Token")).as("only the first add issues a token").isNull();
    guest(api, HttpMethod.POST, "/api/v1/cart/items", token, item(s.id(), s.m(), 1));

    JsonObject cart = guest(api, HttpMethod.GET, "/api/v1/cart", token, null).json();
    assertThat(cart.getJsonArray("items")).hasSize(2);
    JsonObject m = cart.getJsonArray("items").getJsonObject(0);
    assertThat(m.getInteger("quantity")).isEqualTo(3);
    assertThat(m.getLong("unitPrice")).isEqualTo(3_000L);
    assertThat(m.getLong("lineTotal")).isEqualTo(9_000L);
    assertThat(m.getInteger("available")).isEqualTo(10);
    assertThat(cart.getLong("subtotal")).isEqualTo(12_500L);
    assertThat(cart.getLong("total")).isEqualTo(12_500L);
    assertThat(cart.getString("currency")).isEqualTo("usd");
    assertThat(cart.getJsonArray("warnings")).isEmpty();

    assertThat(guest(api, HttpMethod.GET, "/api/v1/cart", null, null).json().getJsonArray("items"))
        .isEmpty();
    assertThat(
            guest(api, HttpMethod.GET, "/api/v1/cart", "not-a-token-anyone-was-given", null)
                .json()
                .getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void moreThanIsAvailableIs409AndBadQuantitiesAre422(Api api) {
    Shirt s = shirt(api, 3, 1);
    String customer = Accounts.signedIn(api, null).accessToken();
    assertThat(api.post("/api/v1/cart/items", customer, item(s.id(), s.m(), 3)).status())
        .isEqualTo(200);
    Api.Response over = api.post("/api/v1/cart/items", customer, item(s.id(), s.m(), 1));
    assertThat(over.status()).as(over.toString()).isEqualTo(409);
    for (Object bad : List.of(0, -2, 1000, 10_000_000, "two", 1.5)) {
      Api.Response r = api.post("/api/v1/cart/items", customer, item(s.id(), s.l(), bad));
      assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(422);
    }
    assertThat(api.post("/api/v1/cart/items", customer, item(s.id(), null, 1)).status())
        .as("two sizes: which one?")
        .isEqualTo(422);
    assertThat(api.post("/api/v1/cart/items", customer, item(s.id(), "NO-SUCH-SKU", 1)).status())
        .isEqualTo(422);
    assertThat(
            api.post("/api/v1/cart/items", customer, item(UUID.randomUUID().toString(), null, 1))
                .status())
        .isEqualTo(404);
    JsonObject cart = api.get("/api/v1/cart", customer).json();
    assertThat(cart.getJsonArray("items")).hasSize(1);
    assertThat(cart.getJsonArray("items").getJsonObject(0).getInteger("quantity"))
        .as("refusals change nothing")
        .isEqualTo(3);
  }

  @Test
  void theCartIsPricedFromTheCatalogOnEveryReadAndWarnsOfChanges(Api api) {
    Shirt s = shirt(api, 10, 5);
    String customer = Accounts.signedIn(api, null).accessToken();
    api.post("/api/v1/cart/items", customer, item(s.id(), s.m(), 4));
    api.post("/api/v1/cart/items", customer, item(s.id(), s.l(), 2));
    assertThat(
            api.send(
                    HttpMethod.PATCH,
                    "/api/v1/products/" + s.id(),
                    s.sellerToken(),
                    new JsonObject().put("price", 2_700),
                    Map.of())
                .status())
        .isEqualTo(200);
    assertThat(
            api.send(
                    HttpMethod.PUT,
                    "/api/v1/inventory/" + s.l(),
                    s.sellerToken(),
                    new JsonObject().put("available", 1),
                    Map.of())
                .status())
        .isEqualTo(200);

    JsonObject cart = api.get("/api/v1/cart", customer).json();
    assertThat(cart.getJsonArray("items").getJsonObject(0).getLong("unitPrice")).isEqualTo(2_700L);
    assertThat(cart.getLong("subtotal")).isEqualTo(4 * 2_700L + 2 * 3_500L);
    assertThat(cart.getJsonArray("warnings").encode())
        .contains("changed from 3000 to 2700")
        .contains("Only 1 of");
    JsonObject again = api.get("/api/v1/cart", customer).json();
    assertThat(again.getJsonArray("warnings").encode())
        .as("a price change is reported once")
        .doesNotContain("changed from")
        .contains("Only 1 of");
  }

  @Test
  void itemsChangeAndGoOnlyInTheirOwnersCart(Api api) {
    Shirt s = shirt(api, 10, 5);
    String owner = Accounts.signedIn(api, null).accessToken();
    String other = Accounts.signedIn(api, null).accessToken();
    JsonObject cart = api.post("/api/v1/cart/items", owner, item(s.id(), s.m(), 2)).json();
    api.post("/api/v1/cart/items", owner, item(s.id(), s.l(), 1));
    String itemId = cart.getJsonArray("items").getJsonObject(0).getString("id");
    String path = "/api/v1/cart/items/" + itemId;

    assertThat(
            api.send(HttpMethod.PATCH, path, other, new JsonObject().put("quantity", 9), Map.of())
                .status())
        .isEqualTo(404);
    assertThat(api.delete(path, other).status()).isEqualTo(404);
    assertThat(
            guest(api, HttpMethod.PATCH, path, null, new JsonObject().put("quantity", 9)).status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/cart", Accounts.signedIn(api, "seller").accessToken()).status())
        .isEqualTo(403);

    Api.Response patched =
        api.send(HttpMethod.PATCH, path, owner, new JsonObject().put("quantity", 5), Map.of());
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().getJsonArray("items").getJsonObject(0).getInteger("quantity"))
        .isEqualTo(5);
    assertThat(
            api.send(HttpMethod.PATCH, path, owner, new JsonObject().put("quantity", 11), Map.of())
                .status())
        .isEqualTo(409);
    assertThat(
            api.send(HttpMethod.PATCH, path, owner, new JsonObject().put("quantity", 0), Map.of())
                .json()
                .getJsonArray("items"))
        .hasSize(1);
    assertThat(api.delete(path, owner).status()).as("already removed").isEqualTo(404);
    assertThat(api.delete("/api/v1/cart", owner).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/cart", owner).json().getJsonArray("items")).isEmpty();
  }

  @Test
  void aGuestCartMergesIntoTheCustomersCappedByWhatIsAvailable(Api api) {
    Shirt s = shirt(api, 4, 5);
    String token =
        guest(api, HttpMethod.POST, "/api/v1/cart/items", null, item(s.id(), s.m(), 3))
            .header("X-Cart-Token");
    guest(api, HttpMethod.POST, "/api/v1/cart/items", token, item(s.id(), s.l(), 2));
    String customer = Accounts.signedIn(api, null).accessToken();
    api.post("/api/v1/cart/items", customer, item(s.id(), s.m(), 2));

    Api.Response merged =
        api.post("/api/v1/cart/merge", customer, new JsonObject().put("cartToken", token));
    assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
    JsonArray items = merged.json().getJsonArray("items");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getInteger("quantity"))
        .as("2 + 3, capped at the 4 available")
        .isEqualTo(4);
    assertThat(items.getJsonObject(1).getInteger("quantity")).isEqualTo(2);
    assertThat(merged.json().getJsonArray("warnings").encode()).contains("Only 4 of");
    assertThat(guest(api, HttpMethod.GET, "/api/v1/cart", token, null).json().getJsonArray("items"))
        .as("the guest cart is gone")
        .isEmpty();
    assertThat(
            api.post("/api/v1/cart/merge", customer, new JsonObject().put("cartToken", token))
                .status())
        .isEqualTo(404);
    assertThat(
            api.post("/api/v1/cart/merge", null, new JsonObject().put("cartToken", token)).status())
        .isEqualTo(401);
  }
}
