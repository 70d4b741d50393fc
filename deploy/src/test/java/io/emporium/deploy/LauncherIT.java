package io.emporium.deploy;

import static io.emporium.deploy.Launchers.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as operators use it: a process with environment variables, signals and a data
 * directory.
 */
@ExtendWith(TestPlatform.class)
class LauncherIT {
  /** A setting as the launcher prints it for the backing services: {@code KEY=VALUE}, indented. */
  private static final Pattern SETTING = Pattern.compile("^  ([A-Z_]+)=(.*)$");

  private static String runToExit(Map<String, String> env, Path dir) throws Exception {
    Path log = dir.resolve("launcher.log");
    Process p = launcher(env, log).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    return Files.readString(log).strip();
  }

  @Test
  void aPortAlreadyTakenEndsTheProcessInsteadOfLeavingItHalfStarted(@TempDir Path dir)
      throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Map<String, String> env = ports();
      env.put("CATALOG_GRPC_PORT", Integer.toString(taken.getLocalPort()));
      Path log = dir.resolve("launcher.log");
      Process p = launcher(env, log, "--ephemeral").start();
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the launcher exited").isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(Files.readString(log)).contains("emporium: start-up failed");
    }
  }

  @Test
  void sigtermOfAnEphemeralPlatformStopsItsServersAndDeletesItsDirectory(@TempDir Path dir)
      throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Map<String, String> env = ports();
    env.put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
    Process launcher = startAndAwaitReady(env, dir.resolve("ephemeral.log"), "--ephemeral");
    try {
      List<Path> made;
      try (var listing = Files.list(tmp)) {
        made = listing.filter(p -> p.getFileName().toString().startsWith("emporium-")).toList();
      }
      assertThat(made).as("the ephemeral data directory").hasSize(1);
      ProcessHandle postmaster = postmaster(made.get(0));
      terminate(launcher);
      assertThat(postmaster.onExit().get(10, TimeUnit.SECONDS).isAlive())
          .as("PostgreSQL stopped")
          .isFalse();
      assertThat(Files.exists(made.get(0)))
          .as(made.get(0) + " after the launcher exited")
          .isFalse();
    } finally {
      launcher.destroyForcibly();
    }
  }

  @Test
  void aBadOrMissingSettingStopsStartUpWithOneLineNamingIt(@TempDir Path dir) throws Exception {
    assertThat(runToExit(Map.of("APP_PORT", "eighty"), dir))
        .isEqualTo("emporium: APP_PORT must be a port number 0-65535, got 'eighty'");
    assertThat(runToExit(Map.of("DB_HOST", "db.internal", "DB_USER", "shop"), dir))
        .isEqualTo("emporium: JWT_SECRET is required");
    assertThat(
            runToExit(
                Map.of("DB_HOST", "db.internal", "DB_USER", "shop", "JWT_SECRET", "too-short"),
                dir))
        .isEqualTo("emporium: JWT_SECRET must be at least 32 bytes long");
    assertThat(runToExit(Map.of("JWT_EXPIRY", "soon"), dir))
        .startsWith("emporium: JWT_EXPIRY must be a positive duration");
  }

  @Test
  void embeddedDataSurvivesARestartAndSigtermExitsCleanly(@TempDir Path dir) throws Exception {
    Map<String, String> env = ports();
    env.put("DATA_DIR", dir.resolve("data").toString());
    Api api = Api.connect(Integer.parseInt(env.get("APP_PORT")), "127.0.0.1");

    Process first = startAndAwaitReady(env, dir.resolve("first.log"));
    Api.Response demo =
        api.await(
            Duration.ofSeconds(60),
            () -> api.get("/api/v1/products?limit=100"),
            r -> r.status() == 200 && r.json().getLong("total") > 0);
    assertThat(demo.json().getLong("total"))
        .as("a first embedded start seeds the demo store")
        .isEqualTo(9);
    JsonObject shown = demo.json().getJsonArray("items").getJsonObject(0);
    assertThat(shown.getJsonArray("variants")).isNotEmpty();
    Api.Response picture = api.get(shown.getJsonArray("images").getJsonObject(0).getString("url"));
    assertThat(picture.status()).isEqualTo(200);
    assertThat(picture.header("Content-Type")).isEqualTo("image/png");
    assertThat(api.get("/api/v1/categories").jsonArray()).hasSize(3);
    String email = Accounts.uniqueEmail("durable");
    assertThat(api.post("/api/v1/auth/register", Accounts.registration(email, null)).status())
        .isEqualTo(201);
    Accounts.Account account = Accounts.login(api, email, Accounts.PASSWORD);
    terminate(first);

    Process second = startAndAwaitReady(env, dir.resolve("second.log"));
    try {
      assertThat(api.get("/api/v1/users/me", account.accessToken()).json().getString("email"))
          .as("the account and the generated development JWT secret both persisted")
          .isEqualTo(email);
      Accounts.login(api, email, Accounts.PASSWORD);
      assertThat(api.get("/api/v1/products?limit=1").json().getLong("total"))
          .as("the demo store is seeded once")
          .isEqualTo(9);
    } finally {
      terminate(second);
    }
  }

  @Test
  void aKilledLauncherTakesItsEmbeddedServersWithIt(@TempDir Path dir) throws Exception {
    Map<String, String> env = ports();
    env.put("DATA_DIR", dir.resolve("data").toString());
    Process launcher = startAndAwaitReady(env, dir.resolve("killed.log"));
    List<ProcessHandle> children = startedBy(launcher, dir.resolve("data"));
    try {
      assertThat(children)
          .as("the embedded Redis runs as a child")
          .anyMatch(h -> command(h).contains("redis-server"));
      assertThat(postmaster(dir.resolve("data")).descendants().count())
          .as("PostgreSQL's own processes")
          .isPositive();

      launcher.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(stillRunning(children, Duration.ofSeconds(45)))
          .as("processes left behind by the killed launcher")
          .isEmpty();
    } finally {
      launcher.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void signInAnswers503WhileTheEmbeddedRedisIsDownAndTheRestartedRedisIsUsedAgain(@TempDir Path dir)
      throws Exception {
    Map<String, String> env = ports();
    env.put("DATA_DIR", dir.resolve("data").toString());
    Api api = Api.connect(Integer.parseInt(env.get("APP_PORT")), "127.0.0.1");
    Process launcher = startAndAwaitReady(env, dir.resolve("redis.log"));
    try {
      String email = Accounts.uniqueEmail("redis-down");
      assertThat(api.post("/api/v1/auth/register", Accounts.registration(email, null)).status())
          .isEqualTo(201);
      JsonObject credentials =
          new JsonObject().put("email", email).put("password", Accounts.PASSWORD);
      ProcessHandle redis = redisOf(launcher);

      signal(redis, "STOP"); // Redis hangs: it neither answers nor exits
      Api.Response login = api.post("/api/v1/auth/login", credentials);
      assertThat(login.status()).as(login.toString()).isEqualTo(503);
      assertThat(login.header("Retry-After")).isEqualTo("5");
      assertThat(login.json().getString("detail")).startsWith("Sign-in is briefly unavailable");
      Api.Response browse = api.get("/api/v1/products?limit=1");
      assertThat(browse.status()).as("rate limits let requests through uncounted").isEqualTo(200);
      assertThat(browse.header("RateLimit-Limit")).isNull();

      redis.destroyForcibly(); // now it dies: the launcher starts another on the same port
      Api.Response ready =
          api.await(Duration.ofSeconds(60), () -> api.get("/health/ready"), r -> r.status() == 200);
      assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
      assertThat(redisOf(launcher).pid()).isNotEqualTo(redis.pid());
      Api.Response again =
          api.await(
              Duration.ofSeconds(30),
              () -> api.post("/api/v1/auth/login", credentials),
              r -> r.status() == 200);
      assertThat(again.status()).as(again.toString()).isEqualTo(200);
      assertThat(api.get("/api/v1/products?limit=1").header("RateLimit-Limit"))
          .as("counted again")
          .isNotNull();
      terminate(launcher);
    } finally {
      launcher.destroyForcibly();
    }
  }

  @Test
  void requestsAnswer503WithRetryAfterWhilePostgresqlIsDown(@TempDir Path dir) throws Exception {
    Map<String, String> env = ports();
    env.put("DATA_DIR", dir.resolve("data").toString());
    Api api = Api.connect(Integer.parseInt(env.get("APP_PORT")), "127.0.0.1");
    Process launcher = startAndAwaitReady(env, dir.resolve("postgres.log"));
    try {
      String email = Accounts.uniqueEmail("db-down");
      assertThat(api.post("/api/v1/auth/register", Accounts.registration(email, null)).status())
          .isEqualTo(201);
      Accounts.Account account = Accounts.login(api, email, Accounts.PASSWORD);
      String missing = "/api/v1/products/" + java.util.UUID.randomUUID();
      assertThat(api.get(missing).status()).isEqualTo(404);
      assertThat(api.get("/api/v1/orders", account.accessToken()).status()).isEqualTo(200);

      ProcessHandle postmaster = postmaster(dir.resolve("data"));
      signal(
          postmaster,
          "INT"); // fast shutdown: PostgreSQL closes its connections, stops and stays down
      assertThat(postmaster.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();

      Map<String, Api.Response> answers = new java.util.LinkedHashMap<>();
      answers.put(
          "login (the edge's own identity queries)",
          api.post(
              "/api/v1/auth/login",
              new JsonObject().put("email", email).put("password", Accounts.PASSWORD)));
      answers.put(
          "profile (the edge's own identity queries)",
          api.get("/api/v1/users/me", account.accessToken()));
      answers.put("a product (the catalog service)", api.get(missing));
      answers.put(
          "orders (the ordering service)", api.get("/api/v1/orders", account.accessToken()));
      answers.forEach(
          (what, answer) -> {
            assertThat(answer.status()).as(what + ": " + answer).isEqualTo(503);
            assertThat(answer.header("Retry-After")).as(what).isEqualTo("5");
            assertThat(answer.header("Content-Type"))
                .as(what)
                .isEqualTo("application/problem+json");
            assertThat(answer.json().getString("detail"))
                .as(what)
                .startsWith("A service this request needs is briefly unavailable");
          });
    } finally {
      launcher.destroyForcibly();
      launcher.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theBackingServicesRunAloneAndPrintTheSettingsThatReachThem(@TempDir Path dir)
      throws Exception {
    Map<String, String> env = ports();
    env.put("JWT_SECRET", TestPlatform.JWT_SECRET);
    env.put("STRIPE_WEBHOOK_SECRET", TestPlatform.WEBHOOK_SECRET);
    env.put("STRIPE_EMULATOR_PORT", Integer.toString(TestPlatform.freePort()));
    env.put("PAYPAL_EMULATOR_PORT", Integer.toString(TestPlatform.freePort()));
    Path log = dir.resolve("backing.log");
    Process launcher =
        startAndAwaitReady(
            env, log, "--services=backing,stripe-emulator,paypal-emulator", "--ephemeral");
    try {
      Map<String, String> printed = new HashMap<>();
      for (String line : Files.readAllLines(log)) {
        Matcher setting = SETTING.matcher(line);
        if (setting.matches()) {
          printed.put(setting.group(1), setting.group(2));
        }
      }
      assertThat(printed)
          .containsOnlyKeys(
              "DB_HOST",
              "DB_PORT",
              "DB_USER",
              "DB_PASS",
              "DB_NAME",
              "REDIS_URL",
              "KAFKA_BOOTSTRAP_SERVERS",
              "SMTP_HOST",
              "SMTP_PORT",
              "STRIPE_API_BASE",
              "PAYPAL_API_BASE");
      assertThat(printed.get("STRIPE_API_BASE"))
          .isEqualTo("http://127.0.0.1:" + env.get("STRIPE_EMULATOR_PORT"));
      assertThat(printed.get("PAYPAL_API_BASE"))
          .isEqualTo("http://127.0.0.1:" + env.get("PAYPAL_EMULATOR_PORT"));
      assertThat(Files.readString(log))
          .as("no service runs")
          .doesNotContain("REST     http")
          .doesNotContain("gRPC     ");

      Vertx vertx = Vertx.vertx();
      try {
        Pool db =
            PgBuilder.pool()
                .connectingTo(
                    new PgConnectOptions()
                        .setHost(printed.get("DB_HOST"))
                        .setPort(Integer.parseInt(printed.get("DB_PORT")))
                        .setUser(printed.get("DB_USER"))
                        .setPassword(printed.get("DB_PASS"))
                        .setDatabase(printed.get("DB_NAME")))
                .using(vertx)
                .build();
        assertThat(db.query("SELECT version()").execute().await().iterator().next().getString(0))
            .startsWith("PostgreSQL 17");
      } finally {
        vertx.close().await();
      }
      URI redis = URI.create(printed.get("REDIS_URL"));
      assertThat(lineAfterSending(redis.getHost(), redis.getPort(), "PING\r\n")).isEqualTo("+PONG");
      assertThat(
              lineAfterSending(
                  printed.get("SMTP_HOST"), Integer.parseInt(printed.get("SMTP_PORT")), null))
          .startsWith("220 ");
      try (Admin kafka =
          Admin.create(Map.of("bootstrap.servers", printed.get("KAFKA_BOOTSTRAP_SERVERS")))) {
        assertThat(kafka.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      }
      terminate(launcher);
    } finally {
      launcher.destroyForcibly();
    }
  }

  /**
   * The first line a plain-text server answers on a new connection (after {@code request}, when
   * given).
   */
  private static String lineAfterSending(String host, int port, String request) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(10_000);
      if (request != null) {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      }
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void theEdgeCanRunApartFromTheServices(Api api) throws IOException {
    EmporiumConfig shared = TestPlatform.config();
    Map<String, String> services = ports();
    services.put("JWT_SECRET", TestPlatform.JWT_SECRET);
    services.put("STRIPE_WEBHOOK_SECRET", TestPlatform.WEBHOOK_SECRET);
    backingServices(shared, services);
    Emporium backend =
        Emporium.launch(
            new LaunchOptions(
                EnumSet.of(
                    EmporiumConfig.Service.CATALOG,
                    EmporiumConfig.Service.ORDERING,
                    EmporiumConfig.Service.PAYMENT,
                    EmporiumConfig.Service.REALTIME),
                false,
                null),
            services);
    try {
      Map<String, String> edge = new HashMap<>(services);
      edge.put("APP_PORT", Integer.toString(TestPlatform.freePort()));
      for (String s : List.of("CATALOG", "ORDERING", "PAYMENT", "REALTIME")) {
        edge.put(s + "_GRPC_ADDRESS", "127.0.0.1:" + services.get(s + "_GRPC_PORT"));
        edge.put(s + "_GRPC_PORT", Integer.toString(TestPlatform.freePort()));
      }
      Emporium front =
          Emporium.launch(
              new LaunchOptions(EnumSet.of(EmporiumConfig.Service.EDGE), false, null), edge);
      try {
        Api remote = Api.connect(front.config().appPort, "127.0.0.1");
        Api.Response ready = remote.get("/health/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        Api.Response product = remote.get("/api/v1/products/" + java.util.UUID.randomUUID());
        assertThat(product.status())
            .as("answered by the catalog in the other launcher")
            .isEqualTo(404);
        assertThat(product.json().getString("detail")).startsWith("No product");
        assertThat(remote.get("/dev/mailbox?to=x@example.com").status())
            .as("no dev routes with a real SMTP server")
            .isEqualTo(404);

        ScrapedMetrics apart =
            ScrapedMetrics.of(
                Api.connect(Integer.parseInt(services.get("METRICS_PORT")), "127.0.0.1"));
        assertThat(apart.names())
            .as("the services' own meters, on METRICS_PORT of their process")
            .contains(
                "emporium_orders",
                "emporium_order_status_changes_total",
                "emporium_checkout_duration_seconds_bucket",
                "emporium_stock_reservations_total",
                "emporium_stock_reserved_units",
                "emporium_webhook_events_total",
                "emporium_emails_total");
        assertThat(apart.series("emporium_orders")).hasSize(7);
        ScrapedMetrics edgeOnly = ScrapedMetrics.of(remote);
        assertThat(edgeOnly.names())
            .as("the edge's /metrics shows its own process only")
            .doesNotContain("emporium_orders");
      } finally {
        front.close();
      }
    } finally {
      backend.close();
    }
  }

  private static void backingServices(EmporiumConfig c, Map<String, String> env) {
    env.put("DB_HOST", c.database.host());
    env.put("DB_PORT", Integer.toString(c.database.port()));
    env.put("DB_USER", c.database.user());
    env.put("DB_NAME", c.database.name());
    env.put("REDIS_URL", c.redisUrl);
    env.put("KAFKA_BOOTSTRAP_SERVERS", c.kafkaBootstrapServers);
    env.put("SMTP_HOST", c.smtp.host());
    env.put("SMTP_PORT", Integer.toString(c.smtp.port()));
  }
}
