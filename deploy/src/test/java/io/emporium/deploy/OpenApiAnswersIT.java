package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the edge really answers, through a shop's day, is what its OpenAPI document says it answers.
 */
@ExtendWith(TestPlatform.class)
class OpenApiAnswersIT {

  @Test
  void aShopsDayAnswersAsTheDocumentDescribes(Api api) throws Exception {
    DescribedAnswers doc = new DescribedAnswers(api.get("/api/v1/openapi.json").json());

    Checkouts.Product product = Checkouts.product(api, 2500, 10);
    String seller = product.sellerToken();
    doc.check("get", "/api/v1/products/{id}", api.get("/api/v1/products/" + product.id()));
    doc.check("get", "/api/v1/products", api.get("/api/v1/products?q=walnut&limit=5"));
    doc.check("get", "/api/v1/products/mine", api.get("/api/v1/products/mine", seller));
    doc.check(
        "patch",
        "/api/v1/products/{id}",
        api.patch(
            "/api/v1/products/" + product.id(),
            seller,
            new JsonObject().put("description", "Turned by hand")));
    doc.check(
        "put",
        "/api/v1/inventory/{sku}",
        api.send(
            HttpMethod.PUT,
            "/api/v1/inventory/" + product.sku(),
            seller,
            new JsonObject().put("delta", 5),
            Map.of()));
    doc.check(
        "post",
        "/api/v1/products/{id}/images",
        api.post(
            "/api/v1/products/" + product.id() + "/images",
            seller,
            new JsonObject().put("url", "https://images.example/bowl.jpg")));
    doc.check("get", "/api/v1/categories", api.get("/api/v1/categories"));
    doc.check("get", "/api/v1/sellers/{id}", api.get("/api/v1/sellers/" + product.sellerId()));

    Accounts.Account customer = Accounts.signedIn(api, null);
    String token = customer.accessToken();
    doc.check(
        "post",
        "/api/v1/auth/login",
        api.post(
            "/api/v1/auth/login",
            new JsonObject().put("email", customer.email()).put("password", Accounts.PASSWORD)));
    doc.check("get", "/api/v1/users/me", api.get("/api/v1/users/me", token));
    doc.check(
        "post",
        "/api/v1/users/me/addresses",
        api.post("/api/v1/users/me/addresses", token, Checkouts.address("DE")));
    doc.check("get", "/api/v1/users/me/addresses", api.get("/api/v1/users/me/addresses", token));
    doc.check(
        "post",
        "/api/v1/sellers/{id}/follow",
        api.post("/api/v1/sellers/" + product.sellerId() + "/follow", token, null));
    doc.check("get", "/api/v1/users/me/following", api.get("/api/v1/users/me/following", token));
    doc.check(
        "post",
        "/api/v1/wishlist",
        api.post("/api/v1/wishlist", token, new JsonObject().put("productId", product.id())));
    doc.check("get", "/api/v1/recommendations", api.get("/api/v1/recommendations", token));
    doc.check(
        "post",
        "/api/v1/products/{id}/reviews",
        api.post(
            "/api/v1/products/" + product.id() + "/reviews",
            token,
            new JsonObject().put("rating", 5).put("body", "Heavy and true.")));
    doc.check(
        "get",
        "/api/v1/products/{id}/reviews",
        api.get("/api/v1/products/" + product.id() + "/reviews"));
    doc.check(
        "post",
        "/api/v1/cart/items",
        api.post(
            "/api/v1/cart/items",
            null,
            new JsonObject().put("productId", product.id()).put("quantity", 1)));
    doc.check(
        "post",
        "/api/v1/cart/items",
        api.post(
            "/api/v1/cart/items",
            token,
            new JsonObject().put("productId", product.id()).put("quantity", 2)));
    doc.check("get", "/api/v1/cart", api.get("/api/v1/cart", token));

    Api.Response checkout =
        doc.check(
            "post",
            "/api/v1/checkout",
            Checkouts.checkout(
                api, token, UUID.randomUUID().toString(), Checkouts.checkoutBody("DE")));
    assertThat(Checkouts.pay(checkout.json().getString("checkoutUrl"), Checkouts.PAYS))
        .isEqualTo(303);
    String orderId = checkout.json().getString("orderId");
    Checkouts.orderOnceItIs(api, token, orderId, "paid");
    Api.Response confirmed =
        doc.check(
            "post",
            "/api/v1/checkout/confirm",
            api.post(
                "/api/v1/checkout/confirm",
                token,
                new JsonObject().put("sessionId", checkout.json().getString("sessionId"))));
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    doc.check("get", "/api/v1/orders/{id}", api.get("/api/v1/orders/" + orderId, token));
    doc.check("get", "/api/v1/orders", api.get("/api/v1/orders", token));
    doc.check("get", "/api/v1/seller/orders", api.get("/api/v1/seller/orders", seller));
    doc.check("get", "/api/v1/orders/{id}", api.get("/api/v1/orders/" + orderId, seller));
    doc.check(
        "get",
        "/api/v1/orders/{id}/invoice",
        api.get("/api/v1/orders/" + orderId + "/invoice", token));
    doc.check(
        "post",
        "/api/v1/seller/orders/{id}/ship",
        api.post(
            "/api/v1/seller/orders/" + orderId + "/ship",
            seller,
            new JsonObject().put("carrier", "DHL").put("trackingNumber", "JD0001")));

    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    doc.check("get", "/api/v1/admin/users", api.get("/api/v1/admin/users?limit=2", admin));
    doc.check("get", "/api/v1/admin/settings", api.get("/api/v1/admin/settings", admin));
    doc.check("get", "/api/v1/admin/dashboard", api.get("/api/v1/admin/dashboard", admin));
    doc.check(
        "get",
        "/api/v1/admin/reports/sales",
        api.get("/api/v1/admin/reports/sales?groupBy=week", admin));
    doc.check(
        "get",
        "/api/v1/admin/reports/sales",
        api.get("/api/v1/admin/reports/sales?format=csv", admin));
    doc.check(
        "post",
        "/api/v1/admin/discounts",
        api.post(
            "/api/v1/admin/discounts",
            admin,
            new JsonObject()
                .put("code", "DOC" + UUID.randomUUID().toString().substring(0, 6))
                .put("type", "percent")
                .put("value", 10)));
    doc.check(
        "get",
        "/api/v1/admin/orders",
        api.get("/api/v1/admin/orders?status=shipped&limit=3", admin));
    doc.check("get", "/api/v1/orders/{id}", api.get("/api/v1/orders/" + orderId, admin));
    Api.Response refunded =
        doc.check(
            "post",
            "/api/v1/orders/{id}/refund",
            api.send(
                HttpMethod.POST,
                "/api/v1/orders/" + orderId + "/refund",
                admin,
                new JsonObject().put("amount", 500).put("reason", "a chipped rim"),
                Map.of("Idempotency-Key", UUID.randomUUID().toString())));
    assertThat(refunded.status()).as(refunded.toString()).isEqualTo(200);
    Api.Response promoted =
        doc.check(
            "patch",
            "/api/v1/admin/users/{id}",
            api.patch(
                "/api/v1/admin/users/" + customer.id(),
                admin,
                new JsonObject().put("role", "seller")));
    assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
    // entries of every kind this walk made: sign-ins, inventory, products, discounts, refunds
    doc.check(
        "get",
        "/api/v1/admin/audit",
        api.await(
            java.time.Duration.ofSeconds(20),
            () -> api.get("/api/v1/admin/audit?limit=100", admin),
            r -> r.status() == 200 && r.json().getJsonArray("items").size() >= 5));
    doc.check("get", "/api/v1/admin/audit", api.get("/api/v1/admin/audit?action=nope", admin));

    doc.check("get", "/api/v1/orders", api.get("/api/v1/orders"));
    doc.check(
        "post",
        "/api/v1/auth/register",
        api.post("/api/v1/auth/register", new JsonObject().put("email", "nope")));
    doc.check(
        "post",
        "/api/v1/auth/login",
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/login",
            null,
            Buffer.buffer("{\"email\":"),
            Map.of("Content-Type", "application/json")));
    doc.check("get", "/api/v1/products/{id}", api.get("/api/v1/products/" + UUID.randomUUID()));
    doc.check("get", "/api/v1/admin/settings", api.get("/api/v1/admin/settings", token));
    doc.check("get", "/health/live", api.get("/health/live"));
    doc.check("get", "/health/ready", api.get("/health/ready"));
    doc.check("get", "/metrics", api.get("/metrics"));
    doc.check("get", "/dev/mailbox", api.get("/dev/mailbox?to=" + customer.email()));
    doc.check("get", "/eventbus/info", api.get("/eventbus/info"));

    assertThat(doc.mismatches()).as("answers the document does not describe").isEmpty();
  }
}
