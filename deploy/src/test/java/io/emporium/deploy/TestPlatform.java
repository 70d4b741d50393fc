package io.emporium.deploy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.db.Database;
import io.emporium.common.grpc.CallerSignature;
import io.emporium.common.grpc.GrpcCalls;
import io.vertx.core.Vertx;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.LoggerFactory;

/**
 * The one test harness: starts the whole platform once per test run (all five verticles on embedded
 * PostgreSQL, Redis, Kafka and SMTP, with ephemeral data), hands tests an {@link Api} client, and
 * fails any test class during which Vert.x reported a blocked event loop.
 */
public final class TestPlatform implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  public static final String JWT_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
  public static final String WEBHOOK_SECRET = "whsec_test_0123456789abcdef";
  public static final String ADMIN_EMAIL = "admin@emporium.test";
  public static final String ADMIN_PASSWORD = "Root-Keeper-Tests-2026!";

  /** Where mail links point; not the default, so a test sees the setting used. */
  public static final String STOREFRONT_URL = "https://storefront.emporium.test";

  public static final String CORS_ORIGIN = "https://shop.example";

  /**
   * Port of the page server that {@link HeadlessBrowser} starts; the edge allows its origin too.
   */
  static final int PAGE_PORT = freePort();

  static final String PAGE_ORIGIN = "http://127.0.0.1:" + PAGE_PORT;

  /** Blocked-thread warnings from Vert.x, for the whole run. */
  public static final List<String> BLOCKED = new CopyOnWriteArrayList<>();

  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static Emporium platform;
  private static Pool db;
  private static GrpcClient grpcClient;

  /** Settings of the test platform: every port free, small limits where tests probe them. */
  static Map<String, String> settings() {
    Map<String, String> env = new HashMap<>();
    env.put("APP_PORT", Integer.toString(freePort()));
    for (String service : List.of("CATALOG", "ORDERING", "PAYMENT", "REALTIME", "IDENTITY")) {
      env.put(service + "_GRPC_PORT", Integer.toString(freePort()));
    }
    env.put("JWT_SECRET", JWT_SECRET);
    env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
    env.put("STOREFRONT_URL", STOREFRONT_URL);
    env.put("ADMIN_EMAIL", ADMIN_EMAIL);
    env.put("ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("CORS_ALLOWED_ORIGINS", CORS_ORIGIN + "," + PAGE_ORIGIN);
    env.put("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", "25");
    // on, but out of the way: the admin and the webhook deliveries act for many tests at once;
    // RateLimitIT probes
    // low limits on edges of its own
    for (String group : List.of("READ", "WRITE", "AUTH", "CHECKOUT")) {
      env.put("RATE_LIMIT_" + group + "_ANONYMOUS", "1000000/1m");
      env.put("RATE_LIMIT_" + group + "_USER", "1000000/1m");
    }
    env.put("RATE_LIMIT_WEBHOOK", "1000000/1m");
    env.put("MAX_BODY_BYTES", "65536");
    env.put("IMAGE_MAX_BYTES", "262144");
    env.put("EDGE_INSTANCES", "2");
    env.put("CHECKOUT_TAX_RATES", "DE:19,*:0");
    // business gauges recounted every second, so BusinessMetricsIT sees them move within its
    // patience
    env.put("METRICS_REFRESH", "1");
    // relays must wake on commit: a poll this slow would make every event test wait (OutboxRelayIT
    // relies on it)
    env.put("OUTBOX_POLL_INTERVAL", "30s");
    // a poison event is parked after three quick tries, so ParkedEventsIT does not wait on the
    // production backoff
    env.put("EVENT_RETRY_ATTEMPTS", "3");
    env.put("EVENT_RETRY_BACKOFF", "50ms");
    // clustered, so that a test can add edges that share its event bus; a name of its own keeps
    // other runs out
    env.put("CLUSTER_ENABLED", "true");
    env.put("CLUSTER_NAME", "emporium-test-" + ProcessHandle.current().pid());
    env.put("CLUSTER_PORT", Integer.toString(freePort()));
    return env;
  }

  /**
   * Settings for one more edge process, on a port of its own: it calls this platform's services
   * over gRPC, shares its backing services and joins its event bus.
   */
  static Map<String, String> extraEdge() {
    EmporiumConfig c = config();
    Map<String, String> env = backingServices();
    env.put("APP_PORT", Integer.toString(freePort()));
    // it serves identity over gRPC too, on a port of its own
    env.put("IDENTITY_GRPC_PORT", Integer.toString(freePort()));
    env.put("EDGE_INSTANCES", "1");
    env.put("CORS_ALLOWED_ORIGINS", String.join(",", c.corsAllowedOrigins));
    for (EmporiumConfig.Service s :
        List.of(
            EmporiumConfig.Service.CATALOG,
            EmporiumConfig.Service.ORDERING,
            EmporiumConfig.Service.PAYMENT,
            EmporiumConfig.Service.REALTIME)) {
      EmporiumConfig.GrpcPeer peer = c.grpc.get(s);
      env.put(s.name() + "_GRPC_ADDRESS", peer.host() + ":" + peer.peerPort());
    }
    env.put("CLUSTER_ENABLED", "true");
    env.put("CLUSTER_NAME", c.cluster.name());
    env.put("CLUSTER_PORT", Integer.toString(freePort()));
    env.put("CLUSTER_MEMBERS", c.cluster.host() + ":" + c.cluster.port());
    return env;
  }

  /**
   * Settings for an extra launcher that shares this platform's PostgreSQL, Redis, Kafka and SMTP
   * and its secrets; the caller adds ports and whatever it tests.
   */
  static Map<String, String> backingServices() {
    EmporiumConfig c = config();
    Map<String, String> env = new HashMap<>();
    env.put("JWT_SECRET", JWT_SECRET);
    env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
    env.put("DB_HOST", c.database.host());
    env.put("DB_PORT", Integer.toString(c.database.port()));
    env.put("DB_USER", c.database.user());
    env.put("DB_PASS", c.database.password());
    env.put("DB_NAME", c.database.name());
    env.put("REDIS_URL", c.redisUrl);
    env.put("KAFKA_BOOTSTRAP_SERVERS", c.kafkaBootstrapServers);
    env.put("SMTP_HOST", c.smtp.host());
    env.put("SMTP_PORT", Integer.toString(c.smtp.port()));
    return env;
  }

  /** SQL access to the platform's database, for tests that seed rows or check what was stored. */
  public static synchronized Pool db() {
    if (db == null) {
      db = Database.pool(Vertx.vertx(), config(), "tests", 4);
    }
    return db;
  }

  /**
   * Unary calls to one of the platform's services over its gRPC contract, as another service makes
   * them; one client for the whole test run, like {@link Api}'s.
   */
  static synchronized GrpcCalls grpc(EmporiumConfig.Service service) {
    if (grpcClient == null) {
      grpcClient =
          GrpcClient.client(
              Vertx.vertx(), new GrpcClientOptions().setScheduleDeadlineAutomatically(true));
    }
    EmporiumConfig.GrpcPeer peer = config().grpc.get(service);
    return new GrpcCalls(
        grpcClient,
        SocketAddress.inetSocketAddress(peer.peerPort(), peer.host()),
        service.name().toLowerCase(),
        Duration.ofSeconds(30),
        new CallerSignature(JWT_SECRET));
  }

  static synchronized Emporium platform() {
    if (platform == null) {
      watchBlockedThreads();
      platform = Emporium.launch(LaunchOptions.all().ephemeral(true), settings());
      Runtime.getRuntime().addShutdownHook(new Thread(platform::close));
    }
    return platform;
  }

  public static EmporiumConfig config() {
    return platform().config();
  }

  private static void watchBlockedThreads() {
    Logger logger = (Logger) LoggerFactory.getLogger(BlockedThreadChecker.LOGGER_NAME);
    AppenderBase<ILoggingEvent> appender =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            BLOCKED.add(event.getFormattedMessage());
          }
        };
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    platform();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!BLOCKED.isEmpty()) {
      throw new AssertionError("Vert.x reported a blocked event loop: " + BLOCKED);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == Api.class;
  }

  /**
   * Each test gets a client on its own loopback address, so per-address limits never couple tests.
   */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return newClient();
  }

  /** A client on a loopback address of its own (for tests that act as many people at once). */
  static Api newClient() {
    return Api.connect(platform().config().appPort, newClientAddress());
  }

  /** A loopback address no other client of this run uses, for {@link Api#connect}. */
  static String newClientAddress() {
    int n = CLIENTS.incrementAndGet();
    return "127.0." + (1 + n / 250) + "." + (2 + n % 250);
  }

  /**
   * A port free now, below Linux's ephemeral range (32768 and up): a port the OS hands out for
   * outgoing connections could be taken by one while a launcher under test restarts on it.
   */
  static int freePort() {
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      try (ServerSocket socket = new ServerSocket(port)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }
}
