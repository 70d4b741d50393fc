package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every row of API.md's Admin table, through REST: without a token 401, as a customer or a seller
 * 403 (and the refused write changed nothing), and an unknown query parameter on any admin read is
 * 422.
 */
@ExtendWith(TestPlatform.class)
class AdminAccessIT {

  private record Call(HttpMethod method, String path, JsonObject body) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  @Test
  void customersSellersAndStrangersAreRefusedEveryAdminRouteAndChangeNothing(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Accounts.Account customer = Accounts.signedIn(api, null);
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String code = "ACCESS" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    Api.Response discount =
        api.post(
            "/api/v1/admin/discounts",
            admin,
            new JsonObject().put("code", code).put("type", "percent").put("value", 10));
    assertThat(discount.status()).as(discount.toString()).isEqualTo(201);
    String discountId = discount.json().getString("id");
    Api.Response product =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Guarded vase")
                .put("price", 2_000)
                .put("currency", "usd")
                .put("stock", 3));
    assertThat(product.status()).as(product.toString()).isEqualTo(201);
    String productId = product.json().getString("id");
    JsonObject settings = api.get("/api/v1/admin/settings", admin).json();
    String stolenCode = "STOLEN" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    List<Call> calls =
        List.of(
            new Call(HttpMethod.GET, "/api/v1/admin/dashboard", null),
            new Call(HttpMethod.GET, "/api/v1/admin/reports/sales", null),
            new Call(HttpMethod.GET, "/api/v1/admin/users", null),
            new Call(HttpMethod.GET, "/api/v1/admin/users/" + customer.id(), null),
            new Call(
                HttpMethod.PATCH,
                "/api/v1/admin/users/" + customer.id(),
                new JsonObject().put("role", "admin")),
            new Call(HttpMethod.GET, "/api/v1/admin/orders", null),
            new Call(HttpMethod.GET, "/api/v1/admin/products/pending", null),
            new Call(
                HttpMethod.POST,
                "/api/v1/admin/products/" + productId + "/approve",
                new JsonObject()),
            new Call(
                HttpMethod.POST,
                "/api/v1/admin/products/" + productId + "/reject",
                new JsonObject().put("reason", "mine now")),
            new Call(HttpMethod.GET, "/api/v1/admin/discounts", null),
            new Call(
                HttpMethod.POST,
                "/api/v1/admin/discounts",
                new JsonObject().put("code", stolenCode).put("type", "percent").put("value", 100)),
            new Call(HttpMethod.GET, "/api/v1/admin/discounts/" + discountId, null),
            new Call(
                HttpMethod.PATCH,
                "/api/v1/admin/discounts/" + discountId,
                new JsonObject().put("value", 100)),
            new Call(HttpMethod.DELETE, "/api/v1/admin/discounts/" + discountId, null),
            new Call(HttpMethod.GET, "/api/v1/admin/settings", null),
            new Call(
                HttpMethod.PUT,
                "/api/v1/admin/settings",
                new JsonObject().put("productApprovalRequired", true).put("lowStockThreshold", 99)),
            new Call(HttpMethod.GET, "/api/v1/admin/audit", null));

    for (Call call : calls) {
      Api.Response anonymous = api.send(call.method(), call.path(), null, call.body(), Map.of());
      assertThat(anonymous.status()).as("anonymous " + call + " " + anonymous).isEqualTo(401);
      for (Accounts.Account who : List.of(customer, seller)) {
        Api.Response r =
            api.send(call.method(), call.path(), who.accessToken(), call.body(), Map.of());
        assertThat(r.status()).as(who.email() + " " + call + " " + r).isEqualTo(403);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getInteger("status")).isEqualTo(403);
      }
    }

    assertThat(api.get("/api/v1/admin/users/" + customer.id(), admin).json().getString("role"))
        .isEqualTo("customer");
    assertThat(api.get("/api/v1/admin/settings", admin).json()).isEqualTo(settings);
    JsonObject kept = api.get("/api/v1/admin/discounts/" + discountId, admin).json();
    assertThat(kept.getLong("value")).isEqualTo(10L);
    assertThat(
            api.get("/api/v1/admin/discounts", admin).json().getJsonArray("items").stream()
                .map(d -> ((JsonObject) d).getString("code")))
        .contains(code)
        .doesNotContain(stolenCode);
    assertThat(api.get("/api/v1/products/" + productId, admin).json().getString("status"))
        .isEqualTo("active");
  }

  @Test
  void everyAdminReadRefusesAnUnknownQueryParameter(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Accounts.Account customer = Accounts.signedIn(api, null);
    String code = "PARAM" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    String discountId =
        api.post(
                "/api/v1/admin/discounts",
                admin,
                new JsonObject().put("code", code).put("type", "percent").put("value", 5))
            .json()
            .getString("id");
    for (String path :
        List.of(
            "/api/v1/admin/dashboard",
            "/api/v1/admin/reports/sales",
            "/api/v1/admin/users",
            "/api/v1/admin/users/" + customer.id(),
            "/api/v1/admin/orders",
            "/api/v1/admin/products/pending",
            "/api/v1/admin/discounts",
            "/api/v1/admin/discounts/" + discountId,
            "/api/v1/admin/settings",
            "/api/v1/admin/audit")) {
      assertThat(api.get(path, admin).status()).as(path).isEqualTo(200);
      Api.Response r = api.get(path + "?sellerId=nobody", admin);
      assertThat(r.status()).as(path + " " + r).isEqualTo(422);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field"))
          .as(path)
          .isEqualTo("sellerId");
    }
  }
}
