package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.Service;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rate limits per route group, on two edge processes of their own with low limits that share the
 * platform's Redis: reads 5 a minute per address and 8 per user, auth routes 3, webhook deliveries
 * 4 per address.
 */
@ExtendWith(TestPlatform.class)
class RateLimitIT {
  private static final String READ = "/api/v1/categories";
  private static Emporium first;
  private static Emporium second;

  @BeforeAll
  static void startTwoEdgesWithLowLimits() {
    first = Emporium.launch(new LaunchOptions(EnumSet.of(Service.EDGE), true, null), lowLimits());
    second = Emporium.launch(new LaunchOptions(EnumSet.of(Service.EDGE), true, null), lowLimits());
  }

  @AfterAll
  static void stopThem() {
    for (Emporium edge : new Emporium[] {first, second}) {
      if (edge != null) {
        edge.close();
      }
    }
  }

  /**
   * An edge for this platform that keeps to itself (no cluster: these tests need only HTTP and
   * Redis).
   */
  private static Map<String, String> lowLimits() {
    Map<String, String> env = TestPlatform.extraEdge();
    for (String key :
        List.of("CLUSTER_ENABLED", "CLUSTER_NAME", "CLUSTER_PORT", "CLUSTER_MEMBERS")) {
      env.remove(key);
    }
    env.put("RATE_LIMIT_READ_ANONYMOUS", "5/1m");
    env.put("RATE_LIMIT_READ_USER", "8/1m");
    env.put("RATE_LIMIT_AUTH_ANONYMOUS", "3/1m");
    env.put("RATE_LIMIT_AUTH_USER", "3/1m");
    env.put("RATE_LIMIT_WEBHOOK", "4/1m");
    env.put("RATE_LIMIT_CHECKOUT_ANONYMOUS", "2/1m");
    return env;
  }

  /** The same client address, once on each edge. */
  private record Client(Api onFirst, Api onSecond) {
    static Client fresh() {
      String address = TestPlatform.newClientAddress();
      return new Client(
          Api.connect(first.config().appPort, address),
          Api.connect(second.config().appPort, address));
    }
  }

  private static void assertLimited(Api.Response r, int limit, long remaining) {
    assertThat(r.header("RateLimit-Limit"))
        .as(r + " " + r.headers())
        .isEqualTo(Integer.toString(limit));
    assertThat(r.header("RateLimit-Remaining"))
        .as(r.toString())
        .isEqualTo(Long.toString(remaining));
    assertThat(Long.parseLong(r.header("RateLimit-Reset"))).isBetween(1L, 60L);
    assertThat(r.header("RateLimit-Policy")).isEqualTo(limit + ";w=60");
  }

  private static void assertTooMany(Api.Response r, int limit) {
    assertThat(r.status()).as(r.toString()).isEqualTo(429);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().getInteger("status")).isEqualTo(429);
    assertThat(r.json().getString("type")).isNotBlank();
    assertThat(r.json().getString("requestId")).isEqualTo(r.header("X-Request-Id"));
    long retryAfter = Long.parseLong(r.header("Retry-After"));
    assertThat(retryAfter).isBetween(1L, 60L);
    assertLimited(r, limit, 0);
    assertThat(r.header("RateLimit-Reset")).isEqualTo(r.header("Retry-After"));
  }

  @Test
  void anonymousReadsPastTheLimitAre429WithRetryAfterAndAProblem() {
    Api api = Client.fresh().onFirst();
    for (int i = 1; i <= 5; i++) {
      Api.Response r = api.get(READ);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertLimited(r, 5, 5 - i);
    }
    assertTooMany(api.get(READ), 5);
    assertTooMany(api.get("/api/v1/products"), 5);
  }

  @Test
  void theCountIsSharedByTwoEdgeProcesses() {
    Client client = Client.fresh();
    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Api.Response r = (i % 2 == 0 ? client.onFirst() : client.onSecond()).get(READ);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      remaining.add(r.header("RateLimit-Remaining"));
    }
    assertThat(remaining).containsExactly("4", "3", "2", "1", "0");
    assertTooMany(client.onSecond().get(READ), 5);
    assertTooMany(client.onFirst().get(READ), 5);
  }

  @Test
  void aSignedInUserHasABudgetOfTheirOwnWhateverTheAddress(Api api) {
    Accounts.Account user = Accounts.signedIn(api, null);
    Client client = Client.fresh();
    for (int i = 0; i < 5; i++) {
      assertThat(client.onFirst().get(READ).status()).isEqualTo(200);
    }
    assertTooMany(client.onFirst().get(READ), 5);

    // the same address, signed in: the user's budget, untouched by the address's
    for (int i = 1; i <= 4; i++) {
      Api.Response r = client.onSecond().get(READ, user.accessToken());
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertLimited(r, 8, 8 - i);
    }
    // another address spends the same user's budget
    Api elsewhere = Client.fresh().onFirst();
    for (int i = 5; i <= 8; i++) {
      Api.Response r = elsewhere.get("/api/v1/users/me", user.accessToken());
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertLimited(r, 8, 8 - i);
    }
    assertTooMany(elsewhere.get(READ, user.accessToken()), 8);
    assertThat(elsewhere.get(READ).status()).as("the address's own budget is apart").isEqualTo(200);
  }

  @Test
  void theAuthRoutesAreStricterThanReadsAndCountedApart() {
    Client client = Client.fresh();
    for (int i = 1; i <= 3; i++) {
      Api.Response r =
          (i % 2 == 0 ? client.onSecond() : client.onFirst())
              .post(
                  "/api/v1/auth/login",
                  new JsonObject()
                      .put("email", Accounts.uniqueEmail("nobody"))
                      .put("password", "Not-The-Password-1"));
      assertThat(r.status()).as(r.toString()).isEqualTo(401);
      assertLimited(r, 3, 3 - i);
    }
    assertTooMany(
        client
            .onFirst()
            .post(
                "/api/v1/auth/login",
                new JsonObject()
                    .put("email", Accounts.uniqueEmail("nobody"))
                    .put("password", "Not-The-Password-1")),
        3);
    assertTooMany(
        client
            .onSecond()
            .post(
                "/api/v1/auth/forgot-password",
                new JsonObject().put("email", Accounts.uniqueEmail("nobody"))),
        3);

    Api.Response read = client.onFirst().get(READ);
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertLimited(read, 5, 4);
  }

  @Test
  void guestCheckoutsAreCountedPerClientAddress() {
    Client client = Client.fresh();
    Map<String, String> guest =
        Map.of("X-Cart-Token", "a-guest-cart", "Idempotency-Key", UUID.randomUUID().toString());
    JsonObject body =
        Checkouts.checkoutBody("GB").put("email", Accounts.uniqueEmail("guest-limited"));
    for (int i = 1; i <= 2; i++) {
      Api.Response r =
          (i % 2 == 0 ? client.onSecond() : client.onFirst())
              .send(HttpMethod.POST, "/api/v1/checkout", null, body, guest);
      assertThat(r.status()).as(r.toString()).isNotEqualTo(429);
      assertLimited(r, 2, 2 - i);
    }
    assertTooMany(client.onFirst().send(HttpMethod.POST, "/api/v1/checkout", null, body, guest), 2);
    Api.Response elsewhere =
        Client.fresh().onFirst().send(HttpMethod.POST, "/api/v1/checkout", null, body, guest);
    assertThat(elsewhere.status()).as("another address").isNotEqualTo(429);
  }

  @Test
  void webhookDeliveriesHaveALimitOfTheirOwnPerAddress() {
    Client client = Client.fresh();
    for (int i = 1; i <= 4; i++) {
      Api.Response r =
          client
              .onFirst()
              .send(
                  HttpMethod.POST,
                  "/api/v1/payments/webhook",
                  null,
                  new JsonObject().put("id", "evt_unsigned"),
                  Map.of());
      assertThat(r.status()).as("unsigned: refused, but counted").isEqualTo(400);
      assertLimited(r, 4, 4 - i);
    }
    assertTooMany(
        client
            .onSecond()
            .send(
                HttpMethod.POST,
                "/api/v1/payments/webhook",
                null,
                new JsonObject().put("id", "evt_unsigned"),
                Map.of("Stripe-Signature", "t=1,v1=00")),
        4);
    assertThat(client.onFirst().get(READ).status()).as("reads are counted apart").isEqualTo(200);
  }

  @Test
  void browsersMayReadTheRateLimitHeaders() {
    Api api = Client.fresh().onFirst();
    Api.Response r =
        api.send(HttpMethod.GET, READ, null, null, Map.of("Origin", TestPlatform.CORS_ORIGIN));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Access-Control-Expose-Headers"))
        .contains(
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "RateLimit-Policy",
            "Retry-After");
  }

  @Test
  void thePlatformsOwnEdgeCountsToo(Api api) {
    Api.Response r = api.get(READ);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("RateLimit-Policy")).isEqualTo("1000000;w=60");
    assertThat(r.header("RateLimit-Remaining")).isEqualTo("999999");
  }

  /**
   * Far from its limit, a caller is counted on the edge's event loop and settled with Redis in
   * batches: many reads cost far fewer Redis round trips than reads, and every one of them still
   * reaches the shared count. The reads share one connection, so one event loop counts them all and
   * its {@code RateLimit-Remaining} is exact once it has settled; a caller spread over several
   * event loops sees each loop's estimate, which lags the others' unsettled hits.
   */
  @Test
  void readsFarFromTheLimitAreCountedInBatchesAndNoneIsLost() {
    String address = TestPlatform.newClientAddress();
    Api api = Api.oneConnection(TestPlatform.config().appPort, address);
    Vertx vertx = Vertx.vertx();
    try {
      readsAreCountedInBatches(
          api,
          address,
          Redis.createClient(
              vertx, new RedisOptions().setConnectionString(TestPlatform.config().redisUrl)));
    } finally {
      vertx.close().await();
    }
  }

  private static void readsAreCountedInBatches(Api api, String address, Redis redis) {
    int reads = 300;
    long scriptsBefore = scriptCalls(redis);
    for (int i = 0; i < reads; i++) {
      Api.Response r = api.get(READ);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.header("RateLimit-Limit")).isEqualTo("1000000");
    }
    long scripts = scriptCalls(redis) - scriptsBefore;
    String key = "emporium:rate:read:60:address:" + address;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    long counted = 0;
    while (System.nanoTime() < deadline && counted < reads) {
      Response value = redis.send(Request.cmd(Command.GET).arg(key)).await();
      counted = value == null ? 0 : value.toLong();
    }
    assertThat(counted).as("every read reaches the shared count").isEqualTo(reads);
    assertThat(scripts).as("Redis round trips for %d reads", reads).isLessThan(reads / 3);
    assertThat(api.get(READ).header("RateLimit-Remaining"))
        .isEqualTo(Long.toString(1_000_000 - reads - 1));
  }

  /** Counting scripts Redis has run since it started (all callers). */
  private static long scriptCalls(Redis redis) {
    String stats = redis.send(Request.cmd(Command.INFO).arg("commandstats")).await().toString();
    long calls = 0;
    for (String line : stats.split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        String field = line.substring(line.indexOf("calls=") + 6);
        calls += Long.parseLong(field.substring(0, field.indexOf(',')));
      }
    }
    return calls;
  }
}
