package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checking out without an account: the guest's cart token and email make an order that its order
 * token reads (REST and the bridge), that is mailed to that email, and that an account claims once
 * it verifies the email.
 */
@ExtendWith(TestPlatform.class)
class GuestCheckoutIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** A guest's cart holding {@code quantity} of the product: its token. */
  static String guestCart(Api api, Product p, int quantity) {
    Api.Response added =
        api.send(
            HttpMethod.POST,
            "/api/v1/cart/items",
            null,
            new JsonObject().put("productId", p.id()).put("quantity", quantity),
            Map.of());
    assertThat(added.status()).as(added.toString()).isEqualTo(200);
    String token = added.header("X-Cart-Token");
    assertThat(token).isNotBlank();
    return token;
  }

  static JsonObject guestBody(String email) {
    return checkoutBody("DE").put("email", email);
  }

  static Api.Response guestCheckout(Api api, String cartToken, String key, JsonObject body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Cart-Token", cartToken);
    if (key != null) {
      headers.put("Idempotency-Key", key);
    }
    return api.send(HttpMethod.POST, "/api/v1/checkout", null, body, headers);
  }

  private static Api.Response read(Api api, String path, Map<String, String> headers) {
    return api.send(HttpMethod.GET, path, null, null, headers);
  }

  private static JsonObject guestOrderOnceItIs(
      Api api, String orderId, String orderToken, String status) {
    Api.Response r =
        api.await(
            PATIENCE,
            () -> read(api, "/api/v1/orders/" + orderId, Map.of("X-Order-Token", orderToken)),
            o -> o.status() == 200 && status.equals(o.json().getString("status")));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getString("status")).as(r.toString()).isEqualTo(status);
    return r.json();
  }

  private static JsonArray mailsAbout(Api api, String email, String about) {
    Api.Response box =
        api.await(
            PATIENCE,
            () -> api.get("/dev/mailbox?to=" + email),
            r ->
                r.status() == 200
                    && r.jsonArray().stream()
                        .anyMatch(m -> ((JsonObject) m).getString("subject").contains(about)));
    JsonArray found = new JsonArray();
    box.jsonArray().stream()
        .map(m -> (JsonObject) m)
        .filter(m -> m.getString("subject").contains(about))
        .forEach(found::add);
    assertThat(found.size()).as("mails to " + email + " about " + about).isPositive();
    return found;
  }

  /** The verification code mailed to {@code email}, once its mail came (after the order's). */
  private static String mailedCode(Api api, String email) {
    Api.Response box =
        api.await(
            PATIENCE,
            () -> api.get("/dev/mailbox?to=" + email),
            r ->
                r.status() == 200
                    && r.jsonArray().stream()
                        .anyMatch(
                            m ->
                                Accounts.verificationCode(((JsonObject) m).getString("text"))
                                    != null));
    return box.jsonArray().stream()
        .map(m -> Accounts.verificationCode(((JsonObject) m).getString("text")))
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no verification code mailed to " + email));
  }

  @Test
  void aGuestPaysAndTheOrderTokenReadsTheOrderItsInvoiceAndItsPushes(Api api) throws Exception {
    Product p = product(api, 2_400, 5);
    String cart = guestCart(api, p, 2);
    String email = Accounts.uniqueEmail("Guest").replace("example.com", "Example.COM");
    String stored = email.toLowerCase(java.util.Locale.ROOT);

    Api.Response started = guestCheckout(api, cart, UUID.randomUUID().toString(), guestBody(email));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    JsonObject s = started.json();
    String orderId = s.getString("orderId");
    String orderToken = s.getString("orderToken");
    assertThat(orderToken).as("256 random bits, URL-safe").matches("[A-Za-z0-9_-]{43}");
    assertThat(orderToken).isNotEqualTo(cart);
    assertThat(s.getLong("total")).as("the signed-in rules: shipping and tax").isEqualTo(6_211);
    assertThat(stock(p.sku()).getInteger("reserved")).as("held for the session").isEqualTo(2);
    var row =
        TestPlatform.db()
            .preparedQuery(
                "SELECT customer_id, guest_email, order_token FROM ordering.orders WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(orderId)))
            .await()
            .iterator()
            .next();
    assertThat(row.getUUID("customer_id")).isNull();
    assertThat(row.getString("guest_email")).as("normalised").isEqualTo(stored);
    assertThat(row.getBuffer("order_token").length()).as("only the hash is kept").isEqualTo(32);
    assertThat(row.getBuffer("order_token").toString()).doesNotContain(orderToken);

    try (BridgeClient guest = BridgeClient.connect();
        BridgeClient tokenless = BridgeClient.connect();
        BridgeClient wrong = BridgeClient.connect()) {
      String address = "order." + orderId;
      guest.send(
          new JsonObject()
              .put("type", "register")
              .put("address", address)
              .put("headers", new JsonObject().put("X-Order-Token", orderToken)));
      guest.awaitListening(address);
      tokenless.send(
          new JsonObject()
              .put("type", "register")
              .put("address", address)
              .put("headers", new JsonObject().put("X-Cart-Token", cart)));
      assertThat(tokenless.awaitError().getString("body")).isEqualTo("rejected");
      wrong.send(
          new JsonObject()
              .put("type", "register")
              .put("address", address)
              .put("headers", new JsonObject().put("X-Order-Token", cart)));
      assertThat(wrong.awaitError().getString("body")).isEqualTo("rejected");

      assertThat(pay(s.getString("checkoutUrl"), PAYS)).isEqualTo(303);
      JsonObject update = guest.awaitMessage(address, b -> "paid".equals(b.getString("status")));
      assertThat(update.getString("type")).isEqualTo("orderStatusUpdate");
      assertThat(update.getString("orderId")).isEqualTo(orderId);
      assertThat(update.getString("previousStatus")).isEqualTo("pending_payment");
      assertThat(update.getLong("seq")).isPositive();
    }

    JsonObject paid = guestOrderOnceItIs(api, orderId, orderToken, "paid");
    assertThat(paid.getJsonObject("payment").getString("status")).isEqualTo("paid");
    assertThat(paid.getJsonArray("items").getJsonObject(0).getString("sku")).isEqualTo(p.sku());
    assertThat(stock(p.sku()).getInteger("stock")).isEqualTo(3);
    assertThat(
            api.send(HttpMethod.GET, "/api/v1/cart", null, null, Map.of("X-Cart-Token", cart))
                .json()
                .getJsonArray("items"))
        .as("bought lines leave the guest's cart")
        .isEmpty();

    Api.Response invoice =
        read(api, "/api/v1/orders/" + orderId + "/invoice", Map.of("X-Order-Token", orderToken));
    assertThat(invoice.status()).as(invoice.toString()).isEqualTo(200);
    assertThat(invoice.header("Content-Type")).isEqualTo("application/pdf");

    for (String suffix : new String[] {"", "/invoice"}) {
      String path = "/api/v1/orders/" + orderId + suffix;
      assertThat(read(api, path, Map.of("X-Cart-Token", cart)).status())
          .as("the cart token alone never reads an order: " + path)
          .isEqualTo(404);
      Api.Response wrong = read(api, path, Map.of("X-Order-Token", cart));
      assertThat(wrong.status()).as("a wrong token: " + path).isEqualTo(404);
      assertThat(wrong.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(
              read(
                      api,
                      "/api/v1/orders/" + UUID.randomUUID() + suffix,
                      Map.of("X-Order-Token", orderToken))
                  .status())
          .as("the token reads its own order only")
          .isEqualTo(404);
    }
    assertThat(read(api, "/api/v1/orders/" + orderId, Map.of()).status())
        .as("no credential at all: sign in")
        .isEqualTo(401);

    JsonObject link = mailsAbout(api, stored, "your link to it").getJsonObject(0);
    String url = TestPlatform.STOREFRONT_URL + "/orders/" + orderId + "?orderToken=" + orderToken;
    assertThat(link.getString("text")).contains(url);
    assertThat(link.getString("html")).contains(url);
    JsonObject confirmed = mailsAbout(api, stored, "is confirmed").getJsonObject(0);
    assertThat(confirmed.getString("text")).contains(orderId);
  }

  @Test
  void anotherGuestsTokenReadsNothingAndKeysAreEachGuestsOwn(Api api) {
    Product p = product(api, 1_000, 10);
    String cartA = guestCart(api, p, 1);
    String cartB = guestCart(api, p, 1);
    String key = UUID.randomUUID().toString();
    JsonObject body = guestBody(Accounts.uniqueEmail("same"));
    Api.Response a = guestCheckout(api, cartA, key, body);
    Api.Response b = guestCheckout(api, cartB, key, body);
    assertThat(a.status()).as(a.toString()).isEqualTo(201);
    assertThat(b.status()).as("the same key and body from another guest").isEqualTo(201);
    assertThat(b.json().getString("orderId")).isNotEqualTo(a.json().getString("orderId"));

    assertThat(
            read(
                    api,
                    "/api/v1/orders/" + b.json().getString("orderId"),
                    Map.of("X-Order-Token", a.json().getString("orderToken")))
                .status())
        .isEqualTo(404);
    assertThat(
            read(
                    api,
                    "/api/v1/orders/" + a.json().getString("orderId"),
                    Map.of("X-Order-Token", a.json().getString("orderToken")))
                .status())
        .isEqualTo(200);
    Accounts.Account stranger = Accounts.signedIn(api, null);
    assertThat(
            api.get("/api/v1/orders/" + a.json().getString("orderId"), stranger.accessToken())
                .status())
        .as("a customer does not see a guest's order")
        .isEqualTo(404);
  }

  @Test
  void theSameKeyTwiceMakesOneOrderAndAnswersTheSameToken(Api api) {
    Product p = product(api, 1_000, 10);
    String cart = guestCart(api, p, 1);
    String key = UUID.randomUUID().toString();
    JsonObject body = guestBody(Accounts.uniqueEmail("twice"));
    Api.Response first = guestCheckout(api, cart, key, body);
    Api.Response again = guestCheckout(api, cart, key, body);
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json()).isEqualTo(first.json());
    long orders =
        TestPlatform.db()
            .preparedQuery("SELECT count(*) FROM ordering.orders WHERE guest_email = $1")
            .execute(Tuple.of(body.getString("email")))
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(orders).isEqualTo(1);
    Api.Response other = guestCheckout(api, cart, key, guestBody(Accounts.uniqueEmail("other")));
    assertThat(other.status()).as("the same key with another body").isEqualTo(422);
  }

  @Test
  void stockPaymentAndInputRulesAreThoseOfTheSignedInPath(Api api) throws Exception {
    Product scarce = product(api, 1_500, 1);
    String first = guestCart(api, scarce, 1);
    String second = guestCart(api, scarce, 1);
    Api.Response won =
        guestCheckout(
            api, first, UUID.randomUUID().toString(), guestBody(Accounts.uniqueEmail("won")));
    assertThat(won.status()).as(won.toString()).isEqualTo(201);
    Api.Response lost =
        guestCheckout(
            api, second, UUID.randomUUID().toString(), guestBody(Accounts.uniqueEmail("lost")));
    assertThat(lost.status()).as(lost.toString()).isEqualTo(409);
    assertThat(lost.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("items." + scarce.sku());

    assertThat(pay(won.json().getString("checkoutUrl"), DECLINES)).isLessThan(500);
    JsonObject cancelled =
        guestOrderOnceItIs(
            api, won.json().getString("orderId"), won.json().getString("orderToken"), "cancelled");
    assertThat(cancelled.getJsonObject("payment").getString("status")).isEqualTo("failed");
    assertThat(stock(scarce.sku()).getInteger("reserved")).as("released").isZero();

    Product p = product(api, 1_000, 10);
    String cart = guestCart(api, p, 1);
    Api.Response badEmail =
        guestCheckout(api, cart, UUID.randomUUID().toString(), guestBody("not an email"));
    assertThat(badEmail.status()).isEqualTo(422);
    assertThat(badEmail.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("email");
    Api.Response noEmail =
        guestCheckout(api, cart, UUID.randomUUID().toString(), checkoutBody("DE"));
    assertThat(noEmail.status()).isEqualTo(422);
    Api.Response saved =
        guestCheckout(
            api,
            cart,
            UUID.randomUUID().toString(),
            new JsonObject()
                .put("addressId", UUID.randomUUID().toString())
                .put("email", Accounts.uniqueEmail("saved"))
                .put("successUrl", "https://shop.example/thanks")
                .put("cancelUrl", "https://shop.example/cart"));
    assertThat(saved.status()).as("saved addresses are for customers").isEqualTo(422);
    Api.Response noKey = guestCheckout(api, cart, null, guestBody(Accounts.uniqueEmail("nokey")));
    assertThat(noKey.status()).isEqualTo(422);
    Api.Response unknownCart =
        guestCheckout(
            api,
            "no-such-cart",
            UUID.randomUUID().toString(),
            guestBody(Accounts.uniqueEmail("x")));
    assertThat(unknownCart.status()).as("an unknown cart is an empty one").isEqualTo(422);
    Api.Response anonymous =
        api.send(
            HttpMethod.POST,
            "/api/v1/checkout",
            null,
            guestBody(Accounts.uniqueEmail("anon")),
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(anonymous.status()).as("neither an account nor a cart token").isEqualTo(401);
  }

  @Test
  void anAccountThatVerifiesTheEmailListsTheGuestOrdersButNotBefore(Api api) throws Exception {
    Product p = product(api, 1_200, 5);
    String cart = guestCart(api, p, 1);
    String email = Accounts.uniqueEmail("claims");
    Api.Response started = guestCheckout(api, cart, UUID.randomUUID().toString(), guestBody(email));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String orderId = started.json().getString("orderId");
    assertThat(pay(started.json().getString("checkoutUrl"), PAYS)).isEqualTo(303);
    guestOrderOnceItIs(api, orderId, started.json().getString("orderToken"), "paid");

    Api.Response registered = api.post("/api/v1/auth/register", Accounts.registration(email, null));
    assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    Accounts.Account unverified = Accounts.login(api, email, Accounts.PASSWORD);
    // the registration's events have reached the other services once its code is mailed
    String code = mailedCode(api, email);
    Thread.sleep(1_000);
    assertThat(api.get("/api/v1/orders", unverified.accessToken()).json().getJsonArray("items"))
        .as("never before the email is verified")
        .isEmpty();
    assertThat(api.get("/api/v1/orders/" + orderId, unverified.accessToken()).status())
        .isEqualTo(404);

    Api.Response verified =
        api.post(
            "/api/v1/auth/verify-email", new JsonObject().put("email", email).put("code", code));
    assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    Api.Response listed =
        api.await(
            PATIENCE,
            () -> api.get("/api/v1/orders", unverified.accessToken()),
            r -> r.status() == 200 && !r.json().getJsonArray("items").isEmpty());
    assertThat(listed.json().getJsonArray("items").getJsonObject(0).getString("id"))
        .isEqualTo(orderId);
    assertThat(api.get("/api/v1/orders/" + orderId, unverified.accessToken()).status())
        .as("the order is the account's own now")
        .isEqualTo(200);
    assertThat(
            read(
                    api,
                    "/api/v1/orders/" + orderId,
                    Map.of("X-Order-Token", started.json().getString("orderToken")))
                .status())
        .as("the token keeps working")
        .isEqualTo(200);
  }

  @Test
  void aPasswordResetProvesTheEmailTooAndClaimsTheGuestOrders(Api api) {
    Product p = product(api, 1_200, 5);
    String cart = guestCart(api, p, 1);
    String email = Accounts.uniqueEmail("resets");
    Api.Response started = guestCheckout(api, cart, UUID.randomUUID().toString(), guestBody(email));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String orderId = started.json().getString("orderId");

    Api.Response registered = api.post("/api/v1/auth/register", Accounts.registration(email, null));
    assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    mailedCode(api, email);
    int before = Accounts.mails(api, email, 1).size();
    Api.Response asked =
        api.post("/api/v1/auth/forgot-password", new JsonObject().put("email", email));
    assertThat(asked.status()).isEqualTo(202);
    String token = Accounts.resetToken(api, email, before + 1);
    String password = "Brand-New-Orchard-77";
    Api.Response reset =
        api.post(
            "/api/v1/auth/reset-password",
            new JsonObject().put("token", token).put("newPassword", password));
    assertThat(reset.status()).as(reset.toString()).isEqualTo(204);

    Accounts.Account owner = Accounts.login(api, email, password);
    Api.Response listed =
        api.await(
            PATIENCE,
            () -> api.get("/api/v1/orders", owner.accessToken()),
            r -> r.status() == 200 && !r.json().getJsonArray("items").isEmpty());
    assertThat(listed.json().getJsonArray("items").getJsonObject(0).getString("id"))
        .isEqualTo(orderId);
  }
}
