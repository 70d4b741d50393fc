package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import io.emporium.stripe.emulator.StripeEmulator;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Shopping through REST as tests do it: a seller's product, a buyer with it in their cart,
 * checkout, paying on the emulator.
 */
final class Checkouts {
  static final String PAYS = "4242424242424242";
  static final String DECLINES = "4000000000000002";
  static final Duration SETTLED = Duration.ofSeconds(30);

  private Checkouts() {}

  /** A seller's product with one variant. */
  record Product(String sellerId, String sellerToken, String id, String sku) {}

  static Product product(Api api, long price, int stock) {
    return product(api, Accounts.signedIn(api, "seller"), price, stock);
  }

  static Product product(Api api, Accounts.Account seller, long price, int stock) {
    String sku = "CO-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Api.Response r =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Walnut bowl " + sku)
                .put("price", price)
                .put("currency", "usd")
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", stock))));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return new Product(seller.id(), seller.accessToken(), r.json().getString("id"), sku);
  }

  static Accounts.Account buyer(Api api, Product p, int quantity) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    addToCart(api, customer, p, quantity);
    return customer;
  }

  static void addToCart(Api api, Accounts.Account customer, Product p, int quantity) {
    Api.Response added =
        api.post(
            "/api/v1/cart/items",
            customer.accessToken(),
            new JsonObject().put("productId", p.id()).put("quantity", quantity));
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
  }

  static JsonObject address(String country) {
    return new JsonObject()
        .put("name", "Ada Lovelace")
        .put("line1", "12 St James's Square")
        .put("city", "London")
        .put("postalCode", "SW1Y 4JH")
        .put("country", country);
  }

  static JsonObject checkoutBody(String country) {
    return new JsonObject()
        .put("address", address(country))
        .put("successUrl", "https://shop.example/thanks")
        .put("cancelUrl", "https://shop.example/cart");
  }

  static Api.Response checkout(Api api, String token, String key, JsonObject body) {
    return api.send(
        HttpMethod.POST,
        "/api/v1/checkout",
        token,
        body,
        key == null ? Map.of() : Map.of("Idempotency-Key", key));
  }

  static int pay(String checkoutUrl, String card) throws Exception {
    return payOnPage(checkoutUrl, card).statusCode();
  }

  /** Submits the card on the hosted page as a browser would, without following the redirect. */
  static HttpResponse<String> payOnPage(String checkoutUrl, String card) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(checkoutUrl + "/pay"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("card=" + card))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject orderOnceItIs(Api api, String token, String orderId, String status) {
    Api.Response r =
        api.await(
            SETTLED,
            () -> api.get("/api/v1/orders/" + orderId, token),
            o -> o.status() == 200 && status.equals(o.json().getString("status")));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getString("status")).as(r.toString()).isEqualTo(status);
    return r.json();
  }

  static Row stock(String sku) {
    return TestPlatform.db()
        .preparedQuery("SELECT stock, reserved FROM catalog.variants WHERE sku = $1")
        .execute(Tuple.of(sku))
        .await()
        .iterator()
        .next();
  }

  static StripeClient emulator() {
    return StripeClient.builder()
        .setApiKey(StripeEmulator.SECRET_KEY)
        .setApiBase(TestPlatform.platform().stripeEmulatorUrl())
        .build();
  }

  static List<String> statuses(JsonObject order) {
    return order.getJsonArray("statusHistory").stream()
        .map(h -> ((JsonObject) h).getString("status"))
        .toList();
  }

  /**
   * A paid order of {@code quantity} units of the product: the buyer, and the order as they see it.
   */
  static Paid paidOrder(Api api, Product p, int quantity) throws Exception {
    Accounts.Account buyer = buyer(api, p, quantity);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    assertThat(pay(s.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    return new Paid(buyer, orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid"));
  }

  record Paid(Accounts.Account buyer, JsonObject order) {
    String id() {
      return order.getString("id");
    }
  }
}
