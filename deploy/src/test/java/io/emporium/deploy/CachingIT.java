package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ReserveStockRequest;
import io.emporium.proto.catalog.v1.ReservedItem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Public catalog reads served from Redis, and how changes reach them. */
@ExtendWith(TestPlatform.class)
class CachingIT {

  private static JsonObject product(Api api, String token, String name, String sku) {
    Api.Response r =
        api.post(
            "/api/v1/products",
            token,
            new JsonObject()
                .put("name", name)
                .put("price", 2_500)
                .put("currency", "usd")
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", 10))));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private static String sku() {
    return "C-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aProductPageIsServedFromTheCacheAndAChangeThroughTheApiIsReadAtOnce(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String id = product(api, token, "Cast iron pan", sku()).getString("id");
    String path = "/api/v1/products/" + id;
    assertThat(api.get(path).header("X-Cache")).isEqualTo("miss");
    // the product's own "created" event retires cached listings when it arrives, which may be just
    // after the first read
    Api.Response hit =
        api.await(
            Duration.ofSeconds(10),
            () -> {
              api.get(path);
              return api.get(path);
            },
            r -> "hit".equals(r.header("X-Cache")));
    assertThat(hit.header("X-Cache")).isEqualTo("hit");
    assertThat(hit.json().getString("name")).isEqualTo("Cast iron pan");

    // a change behind the catalog's back shows only that the page really comes from the cache
    TestPlatform.db()
        .preparedQuery("UPDATE catalog.products SET name = 'Renamed in SQL' WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id)))
        .await();
    assertThat(api.get(path).json().getString("name")).isEqualTo("Cast iron pan");

    Api.Response patched =
        api.send(HttpMethod.PATCH, path, token, new JsonObject().put("price", 1_999), Map.of());
    assertThat(patched.status()).isEqualTo(200);
    Api.Response after = api.get(path);
    assertThat(after.json().getLong("price")).isEqualTo(1_999L);
    assertThat(after.json().getString("name")).isEqualTo("Renamed in SQL");
  }

  @Test
  void aChangeMadeBehindTheEdgeReachesReadersThroughTheCatalogsEvents(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String sku = sku();
    String id = product(api, token, "Enamel jug", sku).getString("id");
    String path = "/api/v1/products/" + id;
    api.get(path);
    assertThat(api.get(path).header("X-Cache")).isEqualTo("hit");

    GrpcCalls catalog = TestPlatform.grpc(EmporiumConfig.Service.CATALOG);
    catalog
        .call(
            CatalogGrpcClient.ReserveStock,
            ReserveStockRequest.newBuilder()
                .setOrderId(UUID.randomUUID().toString())
                .setTtlSeconds(600)
                .addItems(ReservedItem.newBuilder().setSku(sku).setQuantity(3))
                .build(),
            CallContext.service("caching-it", "ordering"))
        .await();
    // every edge reads the catalog's changes itself: within a second (NearCacheIT), whatever other
    // edges come and go
    Api.Response seen =
        api.await(
            Duration.ofSeconds(2),
            () -> api.get(path),
            r -> r.json().getJsonArray("variants").getJsonObject(0).getInteger("available") == 7);
    assertThat(seen.json().getJsonArray("variants").getJsonObject(0).getInteger("available"))
        .as("the reservation reaches the cached product page")
        .isEqualTo(7);
  }

  @Test
  void listingsAreCachedAndANewProductShowsUpAtOnce(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String word =
        "cachetest"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 8)
                .replaceAll("[0-9]", "x");
    product(api, token, "First " + word, sku());
    String path = "/api/v1/products?q=" + word;
    assertThat(api.get(path).header("X-Cache")).isEqualTo("miss");
    // the product's own "created" event retires cached listings when it arrives, which may be just
    // after the first read
    Api.Response hit =
        api.await(
            Duration.ofSeconds(10),
            () -> {
              api.get(path);
              return api.get(path);
            },
            r -> "hit".equals(r.header("X-Cache")));
    assertThat(hit.header("X-Cache")).isEqualTo("hit");
    assertThat(hit.json().getJsonArray("items")).hasSize(1);
    product(api, token, "Second " + word, sku());
    assertThat(api.get(path).json().getJsonArray("items")).hasSize(2);
  }

  @Test
  void aListingIsCachedForItsQueryWhateverItsCaseAndSpacing(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String word =
        "spacing"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 8)
                .replaceAll("[0-9]", "y");
    product(api, token, "Woven " + word + " basket", sku());
    String path = "/api/v1/products?sort=price&q=Woven+" + word;
    // any catalog change anywhere retires every cached listing (its event may come just after a
    // read), so the pair of reads is tried again when one fell in between; each try spaces the
    // query
    // in a way not read before, so only the canonical entry can answer it
    Api.Response first = null;
    Api.Response respaced = null;
    for (int attempt = 1; attempt <= 5; attempt++) {
      first =
          api.await(
              Duration.ofSeconds(10),
              () -> {
                api.get(path);
                return api.get(path);
              },
              r -> "hit".equals(r.header("X-Cache")));
      assertThat(first.header("X-Cache")).isEqualTo("hit");
      respaced =
          api.get(
              "/api/v1/products?q="
                  + "%20".repeat(attempt)
                  + "woven"
                  + "%20".repeat(attempt + 1)
                  + word.toUpperCase()
                  + "%20&sort=price");
      if ("hit".equals(respaced.header("X-Cache"))) {
        break;
      }
    }
    assertThat(respaced.header("X-Cache")).as(respaced.toString()).isEqualTo("hit");
    assertThat(respaced.body().toString()).isEqualTo(first.body().toString());
    assertThat(respaced.json().getJsonArray("items")).hasSize(1);
  }

  @Test
  void theEdgeStillAnswersFromTheCatalogWhenRedisIsDown(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String id = product(api, token, "Linen apron", sku()).getString("id");
    EmporiumConfig shared = TestPlatform.config();
    Map<String, String> env = new HashMap<>();
    env.put("APP_PORT", Integer.toString(TestPlatform.freePort()));
    env.put("JWT_SECRET", TestPlatform.JWT_SECRET);
    env.put("STRIPE_WEBHOOK_SECRET", TestPlatform.WEBHOOK_SECRET);
    env.put("DB_HOST", shared.database.host());
    env.put("DB_PORT", Integer.toString(shared.database.port()));
    env.put("DB_USER", shared.database.user());
    env.put("DB_NAME", shared.database.name());
    env.put("REDIS_URL", "redis://127.0.0.1:" + TestPlatform.freePort());
    env.put("KAFKA_BOOTSTRAP_SERVERS", shared.kafkaBootstrapServers);
    env.put("SMTP_HOST", shared.smtp.host());
    env.put("SMTP_PORT", Integer.toString(shared.smtp.port()));
    for (EmporiumConfig.Service s :
        List.of(
            EmporiumConfig.Service.CATALOG,
            EmporiumConfig.Service.ORDERING,
            EmporiumConfig.Service.PAYMENT,
            EmporiumConfig.Service.REALTIME)) {
      EmporiumConfig.GrpcPeer peer = shared.grpc.get(s);
      env.put(s.name() + "_GRPC_ADDRESS", peer.host() + ":" + peer.peerPort());
      env.put(s.name() + "_GRPC_PORT", Integer.toString(TestPlatform.freePort()));
    }
    env.put("IDENTITY_GRPC_PORT", Integer.toString(TestPlatform.freePort()));
    Emporium edge =
        Emporium.launch(
            new LaunchOptions(EnumSet.of(EmporiumConfig.Service.EDGE), false, null), env);
    try {
      Api redisless = Api.connect(edge.config().appPort, "127.0.0.1");
      for (int i = 0; i < 2; i++) {
        Api.Response page = redisless.get("/api/v1/products/" + id);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.header("X-Cache")).isEqualTo("miss");
        assertThat(page.json().getString("name")).isEqualTo("Linen apron");
      }
      assertThat(redisless.get("/api/v1/products?q=apron").status()).isEqualTo(200);
      assertThat(redisless.get("/api/v1/categories").status()).isEqualTo(200);
    } finally {
      edge.close();
    }
  }
}
