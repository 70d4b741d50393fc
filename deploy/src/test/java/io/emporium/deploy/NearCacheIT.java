package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.Service;
import io.emporium.common.grpc.CallContext;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ReserveStockRequest;
import io.emporium.proto.catalog.v1.ReservedItem;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The edge's in-process near cache in front of Redis: the writer reads its own change at once, and
 * a second clustered edge process serves a change (of fields, or of stock) within a second. The
 * near cache keeps entries for {@code NEAR_CACHE_TTL} (10 s by default), so only its retirements
 * can make these pass within a second.
 */
@ExtendWith(TestPlatform.class)
class NearCacheIT {
  private static final Duration CONVERGENCE = Duration.ofSeconds(1);

  /** The embedded Kafka's partitions a topic: {@code num.partitions}. */
  private static final int CATALOG_PARTITIONS = 3;

  private static Emporium secondEdge;
  private static Redis redis;

  @BeforeAll
  static void startASecondEdge() {
    secondEdge =
        Emporium.launch(
            new LaunchOptions(EnumSet.of(Service.EDGE), true, null), TestPlatform.extraEdge());
    redis =
        Redis.createClient(
            Vertx.vertx(), new RedisOptions().setConnectionString(TestPlatform.config().redisUrl));
    awaitSteadyEvents();
  }

  /**
   * The second edge looks up the partitions of catalog.events once it has started: one sale is seen
   * through to both edges before any test measures, so the one-second bound is a running feed's,
   * not its start's.
   */
  private static void awaitSteadyEvents() {
    Api api = TestPlatform.newClient();
    Api onSecond = Api.connect(secondEdge.config().appPort, TestPlatform.newClientAddress());
    String sku = sku();
    String path =
        "/api/v1/products/"
            + product(api, Accounts.signedIn(api, "seller").accessToken(), sku, 9).getString("id");
    cached(api, path);
    cached(onSecond, path);
    reserve(sku, 1);
    for (Api edge : List.of(api, onSecond)) {
      assertThat(
              available(
                  edge.await(Duration.ofSeconds(10), () -> edge.get(path), r -> available(r) == 8)))
          .isEqualTo(8);
    }
  }

  /** What checkout does: the catalog holds the units, and says so on catalog.events. */
  private static void reserve(String sku, int quantity) {
    TestPlatform.grpc(EmporiumConfig.Service.CATALOG)
        .call(
            CatalogGrpcClient.ReserveStock,
            ReserveStockRequest.newBuilder()
                .setOrderId(UUID.randomUUID().toString())
                .setTtlSeconds(600)
                .addItems(ReservedItem.newBuilder().setSku(sku).setQuantity(quantity))
                .build(),
            CallContext.service("near-cache-it", "ordering"))
        .await();
  }

  @AfterAll
  static void stopIt() {
    if (secondEdge != null) {
      secondEdge.close();
    }
  }

  private static JsonObject product(Api api, String token, String sku, int stock) {
    Api.Response r =
        api.post(
            "/api/v1/products",
            token,
            new JsonObject()
                .put("name", "Walnut board")
                .put("price", 3_200)
                .put("currency", "usd")
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", stock))));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private static String sku() {
    return "N-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Reads until the page is a cache hit (the product's own "created" event may retire it once, just
   * after the first read).
   */
  private static Api.Response cached(Api api, String path) {
    Api.Response hit =
        api.await(
            Duration.ofSeconds(10),
            () -> {
              api.get(path);
              return api.get(path);
            },
            r -> "hit".equals(r.header("X-Cache")));
    assertThat(hit.header("X-Cache")).as(hit.toString()).isEqualTo("hit");
    return hit;
  }

  /**
   * Polls every 20 ms for at most {@code within}; the answer that satisfied the condition, or the
   * last one.
   */
  private static Api.Response seenWithin(
      Api api, String path, Duration within, Predicate<Api.Response> done) {
    long deadline = System.nanoTime() + within.toNanos();
    Api.Response last = api.get(path);
    while (!done.test(last) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = api.get(path);
    }
    return last;
  }

  @Test
  void aPageStaysInTheEdgesMemoryAndTheWriterReadsItsChangeAtOnce(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String id = product(api, token, sku(), 5).getString("id");
    String path = "/api/v1/products/" + id;
    cached(api, path);
    // gone from Redis, still served: from the edge's own memory
    redis.send(Request.cmd(Command.DEL).arg("catalog:product:" + id)).await();
    Api.Response near = api.get(path);
    assertThat(near.header("X-Cache")).isEqualTo("hit");
    assertThat(near.json().getLong("price")).isEqualTo(3_200L);

    Api.Response patched = api.patch(path, token, new JsonObject().put("price", 2_900));
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    Api.Response after = api.get(path);
    assertThat(after.json().getLong("price")).as("the writer's next read").isEqualTo(2_900L);
  }

  @Test
  void aChangeThroughOneEdgeIsServedByTheOtherWithinASecond(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String id = product(api, token, sku(), 5).getString("id");
    String path = "/api/v1/products/" + id;
    Api onSecond = Api.connect(secondEdge.config().appPort, TestPlatform.newClientAddress());
    assertThat(cached(onSecond, path).json().getLong("price")).isEqualTo(3_200L);

    Api.Response patched = api.patch(path, token, new JsonObject().put("price", 2_700));
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    Api.Response seen =
        seenWithin(onSecond, path, CONVERGENCE, r -> r.json().getLong("price") == 2_700L);
    assertThat(seen.json().getLong("price"))
        .as("the second edge within a second")
        .isEqualTo(2_700L);
  }

  @Test
  void aSaleReachesTheAvailabilityEveryEdgeShowsWithinASecond(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String sku = sku();
    String id = product(api, token, sku, 9).getString("id");
    String path = "/api/v1/products/" + id;
    Api onSecond = Api.connect(secondEdge.config().appPort, TestPlatform.newClientAddress());
    cached(api, path);
    cached(onSecond, path);

    long sale = System.nanoTime();
    reserve(sku, 4);
    Predicate<Api.Response> sold = r -> available(r) == 5;
    Api.Response second = seenWithin(onSecond, path, CONVERGENCE, sold);
    assertThat(available(second))
        .as("on the second edge, %d ms after the sale", (System.nanoTime() - sale) / 1_000_000)
        .isEqualTo(5);
    assertThat(available(seenWithin(api, path, Duration.ofMillis(200), sold)))
        .as("on the first edge")
        .isEqualTo(5);
  }

  @Test
  void anEdgeStartingOrStoppingHoldsNoOtherEdgesChangesBack(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    Api onSecond = Api.connect(secondEdge.config().appPort, TestPlatform.newClientAddress());
    // one product on each partition of catalog.events (keyed by product id), so whichever partition
    // moves, one is on it
    Map<Integer, String[]> byPartition = new TreeMap<>();
    for (int i = 0; i < 40 && byPartition.size() < CATALOG_PARTITIONS; i++) {
      String sku = sku();
      String id = product(api, token, sku, 9).getString("id");
      byPartition.putIfAbsent(
          Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % CATALOG_PARTITIONS,
          new String[] {sku, "/api/v1/products/" + id});
    }
    assertThat(byPartition).hasSize(CATALOG_PARTITIONS);
    byPartition.values().forEach(p -> cached(onSecond, p[1]));
    // a consumer group of edges would stop handing out changes while it moved partitions to the
    // newcomer and back
    try (Emporium third =
        Emporium.launch(
            new LaunchOptions(EnumSet.of(Service.EDGE), true, null), TestPlatform.extraEdge())) {
      soldEverywhereWithinASecond(onSecond, byPartition.values(), 7, "as a third edge started");
    }
    soldEverywhereWithinASecond(onSecond, byPartition.values(), 5, "as the third edge stopped");
  }

  /**
   * Sells two of each product at once, and reads each on {@code edge} until it shows {@code left},
   * all within a second of the sale.
   */
  private static void soldEverywhereWithinASecond(
      Api edge, Collection<String[]> products, int left, String when) {
    long sale = System.nanoTime();
    products.forEach(p -> reserve(p[0], 2));
    for (String[] p : products) {
      Duration rest = CONVERGENCE.minusNanos(System.nanoTime() - sale);
      Api.Response seen =
          seenWithin(
              edge, p[1], rest.isNegative() ? Duration.ZERO : rest, r -> available(r) == left);
      assertThat(available(seen))
          .as(
              "%s on the second edge, %d ms after a sale made %s",
              p[1], (System.nanoTime() - sale) / 1_000_000, when)
          .isEqualTo(left);
    }
  }

  private static int available(Api.Response page) {
    return page.json().getJsonArray("variants").getJsonObject(0).getInteger("available");
  }

  @Test
  void aMissAnswersTheContractsProductPageToTheByte(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Api.Response created =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Oak \"stool\" é")
                .put("description", "Three legs")
                .put("price", 8_000)
                .put("currency", "eur")
                .put("lowStockThreshold", 2)
                .put(
                    "images",
                    new JsonArray()
                        .add("https://img.example/a.png")
                        .add("https://img.example/b.png"))
                .put(
                    "variants",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("sku", "OAK-S-" + tag)
                                .put(
                                    "attributes",
                                    new JsonObject().put("size", "S").put("color", "oak"))
                                .put("stock", 4))
                        .add(
                            new JsonObject()
                                .put("sku", "OAK-L-" + tag)
                                .put("attributes", new JsonObject().put("size", "L"))
                                .put("price", 9_500)
                                .put("stock", 2))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    UUID uuid = UUID.fromString(id);
    // a rating and held units, so every part of the page has something to show
    TestPlatform.db()
        .preparedQuery("UPDATE catalog.products SET rating_sum = 9, rating_count = 2 WHERE id = $1")
        .execute(Tuple.of(uuid))
        .await();
    TestPlatform.db()
        .preparedQuery("UPDATE catalog.variants SET reserved = 1 WHERE sku = $1")
        .execute(Tuple.of("OAK-S-" + tag))
        .await();
    Row times =
        TestPlatform.db()
            .preparedQuery(
                "SELECT slug, created_at, updated_at FROM catalog.products WHERE id = $1")
            .execute(Tuple.of(uuid))
            .await()
            .iterator()
            .next();
    List<String> images = new ArrayList<>();
    TestPlatform.db()
        .preparedQuery(
            "SELECT id FROM catalog.product_images WHERE product_id = $1 ORDER BY position")
        .execute(Tuple.of(uuid))
        .await()
        .forEach(r -> images.add(r.getUUID("id").toString()));
    DateTimeFormatter rfc3339 = DateTimeFormatter.ISO_INSTANT;
    String expected =
        "{\"id\":\""
            + id
            + "\",\"sellerId\":\""
            + seller.id()
            + "\",\"slug\":\""
            + times.getString("slug")
            + "\",\"name\":\"Oak \\\"stool\\\" é\","
            + "\"description\":\"Three legs\",\"categoryId\":null,\"price\":8000,\"currency\":\"eur\",\"status\":\"active\","
            + "\"lowStockThreshold\":2,\"reviewNote\":null,\"rating\":{\"average\":4.5,\"count\":2},"
            + "\"variants\":[{\"sku\":\"OAK-S-"
            + tag
            + "\",\"attributes\":{\"color\":\"oak\",\"size\":\"S\"},\"price\":8000,\"stock\":4,\"available\":3},"
            + "{\"sku\":\"OAK-L-"
            + tag
            + "\",\"attributes\":{\"size\":\"L\"},\"price\":9500,\"stock\":2,\"available\":2}],"
            + "\"images\":[{\"id\":\""
            + images.get(0)
            + "\",\"url\":\"https://img.example/a.png\"},"
            + "{\"id\":\""
            + images.get(1)
            + "\",\"url\":\"https://img.example/b.png\"}],"
            + "\"createdAt\":\""
            + rfc3339.format(
                times.getOffsetDateTime("created_at").withOffsetSameInstant(ZoneOffset.UTC))
            + "\","
            + "\"updatedAt\":\""
            + rfc3339.format(
                times.getOffsetDateTime("updated_at").withOffsetSameInstant(ZoneOffset.UTC))
            + "\"}";

    Api.Response miss = api.get("/api/v1/products/" + id);
    assertThat(miss.header("X-Cache")).isEqualTo("miss");
    assertThat(miss.header("Content-Type")).isEqualTo("application/json");
    assertThat(miss.body().toString()).isEqualTo(expected);
    assertThat(cached(api, "/api/v1/products/" + id).body().toString())
        .as("and the cached page")
        .isEqualTo(expected);
  }
}
