package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST rows the edge serves through the other services' gRPC contracts. */
@ExtendWith(TestPlatform.class)
class ServicesIT {
  /**
   * Seeds a product straight into the catalog schema (the REST rows that create products come
   * later).
   */
  private static UUID product(String status, int stock, int reserved) {
    UUID id = UUID.randomUUID();
    TestPlatform.db()
        .preparedQuery(
            "INSERT INTO catalog.products (id, seller_id, name, description, price, currency, status) "
                + "VALUES ($1, $2, 'Linen shirt', 'Cool and crisp', 4500, 'usd', $3)")
        .execute(Tuple.of(id, UUID.randomUUID(), status))
        .await();
    TestPlatform.db()
        .preparedQuery(
            "INSERT INTO catalog.variants (sku, product_id, attributes, price, stock, reserved, position) "
                + "VALUES ($1, $2, '{\"size\":\"M\",\"color\":\"white\"}'::jsonb, NULL, $3, $4, 0), ($5, $2, '{\"size\":\"L\"}'::jsonb, 4900, 5, 0, 1)")
        .execute(Tuple.of("SKU-" + id, id, stock, reserved, "SKU-L-" + id))
        .await();
    return id;
  }

  @Test
  void anActiveProductComesFromTheCatalogWithAvailableStock(Api api) {
    UUID id = product("active", 10, 3);
    Api.Response r = api.get("/api/v1/products/" + id);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonObject p = r.json();
    assertThat(p.getString("id")).isEqualTo(id.toString());
    assertThat(p.getLong("price")).isEqualTo(4500L);
    assertThat(p.getString("currency")).isEqualTo("usd");
    JsonObject medium = p.getJsonArray("variants").getJsonObject(0);
    assertThat(medium.getInteger("available")).isEqualTo(7);
    assertThat(medium.getLong("price"))
        .as("a variant without its own price has the product's")
        .isEqualTo(4500L);
    assertThat(medium.getJsonObject("attributes").getString("color")).isEqualTo("white");
    assertThat(p.getJsonArray("variants").getJsonObject(1).getLong("price")).isEqualTo(4900L);
  }

  @Test
  void draftUnknownAndMalformedProductsAre404(Api api) {
    assertThat(api.get("/api/v1/products/" + product("draft", 1, 0)).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/products/" + UUID.randomUUID()).status()).isEqualTo(404);
    Api.Response malformed = api.get("/api/v1/products/not-a-uuid");
    assertThat(malformed.status()).isEqualTo(404);
    assertThat(malformed.header("Content-Type")).isEqualTo("application/problem+json");
  }

  private static String event(String id) {
    return new JsonObject()
        .put("id", id)
        .put("object", "event")
        .put("type", "checkout.session.completed")
        .put("api_version", com.stripe.Stripe.API_VERSION)
        .put("created", System.currentTimeMillis() / 1000)
        .put(
            "data",
            new JsonObject()
                .put(
                    "object",
                    new JsonObject().put("id", "cs_test_1").put("object", "checkout.session")))
        .encode();
  }

  @Test
  void webhooksNeedAValidFreshSignatureAndCountOncePerEventId(Api api) throws Exception {
    String id = "evt_" + UUID.randomUUID().toString().replace("-", "");
    String payload = event(id);
    long now = System.currentTimeMillis() / 1000;
    assertThat(StripeWebhooks.deliver(api, payload, null).status()).isEqualTo(400);
    assertThat(
            StripeWebhooks.deliver(
                    api, payload, StripeWebhooks.signature(payload, now, "whsec_wrong"))
                .status())
        .isEqualTo(400);
    assertThat(
            StripeWebhooks.deliver(
                    api,
                    payload,
                    StripeWebhooks.signature(payload, now - 3600, TestPlatform.WEBHOOK_SECRET))
                .status())
        .isEqualTo(400);
    assertThat(
            StripeWebhooks.deliver(
                    api,
                    payload.replace("cs_test_1", "cs_test_2"),
                    StripeWebhooks.signature(payload, now, TestPlatform.WEBHOOK_SECRET))
                .status())
        .as("a body changed after signing")
        .isEqualTo(400);
    assertThat(
            TestPlatform.db()
                .preparedQuery("SELECT 1 FROM payment.webhook_events WHERE event_id = $1")
                .execute(Tuple.of(id))
                .await()
                .size())
        .as("refused deliveries change nothing")
        .isZero();

    Api.Response first =
        StripeWebhooks.deliver(
            api, payload, StripeWebhooks.signature(payload, now, TestPlatform.WEBHOOK_SECRET));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().getBoolean("duplicate")).isFalse();
    Api.Response again =
        StripeWebhooks.deliver(
            api, payload, StripeWebhooks.signature(payload, now, TestPlatform.WEBHOOK_SECRET));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("duplicate")).isTrue();
    assertThat(
            TestPlatform.db()
                .preparedQuery("SELECT count(*) FROM payment.webhook_events WHERE event_id = $1")
                .execute(Tuple.of(id))
                .await()
                .iterator()
                .next()
                .getLong(0))
        .isEqualTo(1L);
  }

  @Test
  void followedSellersComeFromTheCatalogNewestFirstWithTheirNames(Api api) {
    Accounts.Account fan = Accounts.signedIn(api, null);
    Accounts.Account stranger = Accounts.signedIn(api, null);
    java.util.List<String> sellers = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String email = Accounts.uniqueEmail("shop");
      Api.Response r =
          api.post(
              "/api/v1/auth/register",
              Accounts.registration(email, "seller").put("fullName", "Shop " + i));
      sellers.add(r.json().getJsonObject("user").getString("id"));
      TestPlatform.db()
          .preparedQuery(
              "INSERT INTO catalog.follows (follower_id, seller_id, created_at) VALUES ($1, $2, now() - make_interval(mins => $3))")
          .execute(Tuple.of(UUID.fromString(fan.id()), UUID.fromString(sellers.get(i)), 10 - i))
          .await();
    }
    Api.Response first = api.get("/api/v1/users/me/following?limit=2", fan.accessToken());
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(
            first.json().getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("displayName")))
        .containsExactly("Shop 2", "Shop 1");
    Api.Response second =
        api.get(
            "/api/v1/users/me/following?limit=2&cursor=" + first.json().getString("nextCursor"),
            fan.accessToken());
    assertThat(second.json().getJsonArray("items").getJsonObject(0).getString("id"))
        .isEqualTo(sellers.get(0));
    assertThat(second.json().getString("nextCursor")).isNull();

    assertThat(
            api.get("/api/v1/users/me/following", stranger.accessToken())
                .json()
                .getJsonArray("items"))
        .isEmpty();
    assertThat(api.get("/api/v1/users/me/following").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/users/me/following?cursor=bm9wZQ", fan.accessToken()).status())
        .isEqualTo(422);
  }

  @Test
  void theDevMailboxNeedsARecipient(Api api) {
    assertThat(api.get("/dev/mailbox").status()).isEqualTo(422);
    assertThat(api.get("/dev/mailbox?to=nobody-" + UUID.randomUUID() + "@example.com").jsonArray())
        .isEmpty();
  }
}
