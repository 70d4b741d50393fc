package io.emporium.common.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one typed configuration of the platform, read from environment-style settings (environment
 * variables over an optional {@code .env}-style file). Every field has a documented default in
 * docs/configuration.md; a bad or missing value fails with one line naming the variable.
 */
public final class EmporiumConfig {

  /** Shortest JWT secret accepted, in bytes (HS256 wants at least 256 bits). */
  public static final int MIN_JWT_SECRET_BYTES = 32;

  /**
   * The platform's services, each with the PostgreSQL schema it owns (the edge owns identity's).
   */
  public enum Service {
    EDGE("identity"),
    CATALOG("catalog"),
    ORDERING("ordering"),
    PAYMENT("payment"),
    REALTIME("realtime");

    private final String schema;

    Service(String schema) {
      this.schema = schema;
    }

    public String schema() {
      return schema;
    }
  }

  public record Database(String host, int port, String user, String password, String name) {
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }
  }

  public record Smtp(String host, int port, String user, String password, String from) {}

  public record GrpcPeer(int port, String host, int peerPort) {}

  public record LoginLimits(
      int failuresPerAccount,
      Duration accountWindow,
      int attemptsPerAddress,
      Duration addressWindow) {}

  /**
   * At most {@code requests} in each fixed {@code window} (whole seconds, 1 s to 1 day); written
   * {@code 120/1m}.
   */
  public record RateLimit(int requests, Duration window) {}

  /**
   * One route group's limits: per client address for anonymous callers, per user id for signed-in
   * ones.
   */
  public record GroupLimits(RateLimit anonymous, RateLimit user) {}

  /**
   * Request rate limits of {@code /api/v1} by route group, counted in Redis so they hold across
   * edge processes. {@code webhook} is per client address only: Stripe signs in with no token.
   */
  public record RateLimits(
      boolean enabled,
      GroupLimits read,
      GroupLimits write,
      GroupLimits auth,
      GroupLimits checkout,
      RateLimit webhook) {}

  /** An S3-compatible bucket for product images; {@code endpoint} is a base URL without a path. */
  public record ImageBucket(
      String bucket,
      String endpoint,
      String region,
      String accessKeyId,
      String secretAccessKey,
      boolean pathStyle) {
    @Override
    public String toString() {
      return "ImageBucket["
          + bucket
          + " at "
          + endpoint
          + ", "
          + region
          + ", key "
          + accessKeyId
          + "]";
    }
  }

  public final Database database;

  /**
   * True: each service applies its schema's migrations as it starts; false: it only checks they
   * were applied ({@code migrate}).
   */
  public final boolean migrateOnStart;

  public final String jwtSecret;
  public final Duration jwtExpiry;
  public final Duration refreshTokenTtl;
  public final String redisUrl;
  public final String kafkaBootstrapServers;
  public final Smtp smtp;

  /** Stripe itself, the default {@link #stripeApiBase}. */
  public static final String STRIPE_API = "https://api.stripe.com";

  /**
   * Stripe's secret key; unset, stripe-java talks to a Stripe emulator at {@link #stripeApiBase}
   * with a test key.
   */
  public final String stripeSecretKey;

  public final String stripeWebhookSecret;

  /**
   * Where stripe-java sends requests; left at Stripe without a key, the launcher starts a Stripe
   * emulator and sets it.
   */
  public final String stripeApiBase;

  /** Port of the Stripe emulator when the launcher runs it (0: any free port). */
  public final int stripeEmulatorPort;

  /**
   * Where the Stripe emulator keeps its sessions, intents, refunds, events and deliveries ({@code
   * DATA_DIR/stripe-emulator}).
   */
  public final Path stripeEmulatorDataDir;

  /** Where the Stripe emulator delivers its webhooks. */
  public final String stripeWebhookUrl;

  /** PayPal itself (live), the default {@link #paypalApiBase}. */
  public static final String PAYPAL_API = "https://api-m.paypal.com";

  /**
   * Where PayPal's REST API is reached ({@code PAYPAL_API_BASE}); without {@code PAYPAL_CLIENT_ID}
   * and left at PayPal, the launcher starts a PayPal emulator and sets it.
   */
  public final String paypalApiBase;

  /** The REST app's client id; unset, payments go to a PayPal emulator (any credentials work). */
  public final String paypalClientId;

  /** The REST app's secret; required with {@link #paypalClientId}. */
  public final String paypalClientSecret;

  /**
   * The id of the webhook PayPal signs its deliveries for ({@code PAYPAL_WEBHOOK_ID}); part of what
   * each signature covers. Generated in embedded mode; the launcher makes one for an emulator it
   * starts when it is still unset.
   */
  public final String paypalWebhookId;

  /** Where the PayPal emulator delivers its webhooks. */
  public final String paypalWebhookUrl;

  /** Port of the PayPal emulator when the launcher runs it (0: any free port). */
  public final int paypalEmulatorPort;

  /**
   * Where the PayPal emulator keeps its orders, captures, refunds, events, deliveries and signing
   * key ({@code DATA_DIR/paypal-emulator}).
   */
  public final Path paypalEmulatorDataDir;

  public final int appPort;

  /**
   * Where the storefront lives ({@code STOREFRONT_URL}, default {@code http://localhost:3000});
   * every link in a mail points there.
   */
  public final String storefrontUrl;

  public final String adminEmail;
  public final String adminPassword;
  public final Path dataDir;

  /**
   * Each service's gRPC port and where others reach it; the edge's is identity's ({@code
   * IDENTITY_GRPC_PORT}).
   */
  public final Map<Service, GrpcPeer> grpc;

  /**
   * Interface the gRPC servers bind to; they trust the caller identity in metadata, so loopback by
   * default.
   */
  public final String grpcBindHost;

  public final Duration grpcDeadline;
  public final long maxBodyBytes;

  /**
   * Largest product image upload; it travels edge to catalog over gRPC, so it also sizes those
   * messages.
   */
  public final int imageMaxBytes;

  /** Where uploaded images go when set; {@code DATA_DIR/images} when null. */
  public final ImageBucket imageBucket;

  public final Set<String> corsAllowedOrigins;
  public final int passwordHashCost;
  public final LoginLimits loginLimits;

  /** Per route group request limits of the REST API. */
  public final RateLimits rateLimits;

  public final int edgeInstances;

  /** The edge's in-process copy of hot public catalog reads, in front of Redis. */
  public final NearCache nearCache;

  /** True when mail goes to the embedded SMTP sink; only then do {@code /dev/*} routes exist. */
  public final boolean devMailbox;

  /** How checkout charges shipping and tax, and how long a customer has to pay. */
  public final Checkout checkout;

  /**
   * How long pushed real-time messages are kept for clients that reconnect and ask what they
   * missed.
   */
  public final Duration pushRetention;

  /** The clustered event bus; off, the event bus stays inside this process. */
  public final Cluster cluster;

  /**
   * Port of the {@code /metrics} endpoint a process without the edge opens; the edge serves it on
   * {@link #appPort}.
   */
  public final int metricsPort;

  /**
   * How often services recount what their business gauges show (orders by status, units held), off
   * the request path.
   */
  public final Duration metricsRefresh;

  /**
   * How often an outbox relay looks for rows on its own; it wakes on each commit, so this only
   * covers a lost notification.
   */
  public final Duration outboxPollInterval;

  /** How often a Kafka consumer tries one failing message before it parks it and moves on. */
  public final EventRetry eventRetry;

  /**
   * A failing message is tried {@code attempts} times, waiting {@code backoff} after the first
   * failure and twice as long after each next one (at most 30 s), then parked in the service's
   * {@code parked_messages} table.
   */
  public record EventRetry(int attempts, Duration backoff) {}

  /**
   * Each edge process keeps up to {@code maxBytes} of public product pages, the category tree and
   * listings in memory (0 turns it off). Change announcements retire entries at once; {@code ttl}
   * bounds how long one is kept when no announcement reaches the process (edge processes that are
   * not clustered, or a lost message).
   */
  public record NearCache(long maxBytes, Duration ttl) {
    public boolean enabled() {
      return maxBytes > 0;
    }
  }

  /**
   * Where unhandled failures are reported (a Sentry DSN; null: nowhere), with the environment and
   * release they are tagged with.
   */
  public final ErrorTracking errorTracking;

  public record ErrorTracking(String dsn, String environment, String release) {}

  /**
   * The OpenID Connect providers of social login, by id ({@code OIDC_<ID>_*}), in id order; empty:
   * no social login.
   */
  public final List<OidcProvider> oidcProviders;

  /**
   * Where a social login may send the browser back to ({@code OAUTH_REDIRECT_ALLOWLIST}): each
   * entry an origin with an optional path prefix, {@code *} as the port for any port.
   */
  public final List<String> oauthRedirectAllowlist;

  /**
   * The public base URL of the edge ({@code OAUTH_CALLBACK_BASE}) that providers send the browser
   * back to: {@code <base>/api/v1/auth/oauth/<id>/callback}.
   */
  public final String oauthCallbackBase;

  /**
   * One OpenID Connect provider: its id (lower case, in the route), the name shown to users, the
   * issuer whose {@code /.well-known/openid-configuration} describes it, and this platform's client
   * there (a null secret: a public client, PKCE only), and how the provider sends the browser back
   * ({@code _RESPONSE_MODE}): {@link #QUERY} (a GET with a query string) or {@link #FORM_POST} (an
   * HTML form POST, which Sign in with Apple requires; its default for Apple's issuer).
   */
  public record OidcProvider(
      String id,
      String name,
      String issuer,
      String clientId,
      String clientSecret,
      String responseMode) {
    public static final String QUERY = "query";
    public static final String FORM_POST = "form_post";

    /** Apple's issuer, whose providers default to {@link #FORM_POST}. */
    public static final String APPLE_ISSUER = "https://appleid.apple.com";

    /** Whether the provider sends the browser back with a form POST. */
    public boolean formPost() {
      return FORM_POST.equals(responseMode);
    }

    @Override
    public String toString() {
      return "OidcProvider["
          + id
          + " at "
          + issuer
          + ", client "
          + clientId
          + ", "
          + responseMode
          + "]";
    }
  }

  /** HTTPS of the edge on {@link #appPort}; null: plain HTTP. */
  public final Tls tls;

  /**
   * The edge's certificate chain and key (PEM files), the oldest TLS version it accepts ({@code
   * TLSv1.3}, or {@code TLSv1.2}), and the port of a plain HTTP listener that only redirects to
   * HTTPS (0: none).
   */
  public record Tls(String certFile, String keyFile, String minVersion, int redirectPort) {
    /** The protocol versions the edge enables. */
    public Set<String> versions() {
      return minVersion.equals("TLSv1.2") ? Set.of("TLSv1.2", "TLSv1.3") : Set.of("TLSv1.3");
    }
  }

  /** Mutual TLS between services; null: plain gRPC (loopback or a trusted network only). */
  public final GrpcTls grpcTls;

  /**
   * This process's certificate chain and key (PEM), presented both as a gRPC server and as a
   * client, and the CA (PEM) every peer's certificate must be signed by.
   */
  public record GrpcTls(String certFile, String keyFile, String caFile) {}

  /**
   * Checkout rules: a flat shipping rate (minor units) waived from a subtotal after discount; tax
   * rates in percent by destination country ({@code "DE:19,GB:20,*:0"}, {@code *} for the rest);
   * how long a customer has to pay ({@code sessionLifetime}; a Stripe session lives at least 31
   * minutes, and one the order no longer waits for is expired by the sweeper); how much longer the
   * stock stays held ({@code holdMargin}); and the sweeper's timings: it runs every {@code
   * sweepInterval}, cancels an order whose checkout stopped before its session was opened after
   * {@code abandonedAfter}, and settles an order {@code overdueAfter} past its time to pay.
   */
  public record Checkout(
      long shippingFlat,
      long freeShippingFrom,
      String taxRates,
      Duration sessionLifetime,
      Duration holdMargin,
      Duration sweepInterval,
      Duration abandonedAfter,
      Duration overdueAfter) {}

  /**
   * Scale-out: processes with the same {@code name} that find each other form one Hazelcast cluster
   * and share one event bus, so a message published in any process reaches consumers (browsers on
   * the bridge) in all of them. {@code host} is bound and advertised for both Hazelcast ({@code
   * port}) and the event bus's own TCP server ({@code eventBusPort}, 0 for any free port); {@code
   * members} are {@code host:port} Hazelcast members to join over TCP (no multicast), empty for
   * only this host.
   */
  public record Cluster(
      boolean enabled,
      String name,
      String host,
      int port,
      List<String> members,
      String eventBusHost,
      int eventBusPort) {}

  private EmporiumConfig(Settings s) {
    this.database = database(s);
    this.migrateOnStart = s.bool("MIGRATE_ON_START", true);
    this.jwtSecret = s.required("JWT_SECRET");
    if (jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
      throw new ConfigException(
          "JWT_SECRET must be at least " + MIN_JWT_SECRET_BYTES + " bytes long");
    }
    this.jwtExpiry = s.duration("JWT_EXPIRY", Duration.ofMinutes(15));
    this.refreshTokenTtl = s.duration("REFRESH_TOKEN_TTL", Duration.ofDays(30));
    this.redisUrl = s.url("REDIS_URL", "redis", null);
    this.kafkaBootstrapServers = s.required("KAFKA_BOOTSTRAP_SERVERS");
    String smtpHost = s.required("SMTP_HOST");
    this.smtp =
        new Smtp(
            smtpHost,
            s.port("SMTP_PORT", 587),
            s.optional("SMTP_USER", null),
            s.optional("SMTP_PASS", null),
            s.optional("MAIL_FROM", "Emporium <no-reply@emporium.local>"));
    this.stripeSecretKey = s.optional("STRIPE_SECRET_KEY", null);
    if (stripeSecretKey != null
        && !stripeSecretKey.startsWith("sk_")
        && !stripeSecretKey.startsWith("rk_")) {
      throw new ConfigException(
          "STRIPE_SECRET_KEY must be a secret or restricted key (sk_... or rk_...)");
    }
    this.stripeWebhookSecret = s.optional("STRIPE_WEBHOOK_SECRET", null);
    this.stripeApiBase = s.url("STRIPE_API_BASE", "http", STRIPE_API);
    this.appPort = s.port("APP_PORT", 8080);
    this.stripeEmulatorPort = s.port("STRIPE_EMULATOR_PORT", 0);
    this.stripeWebhookUrl =
        s.url(
            "STRIPE_WEBHOOK_URL",
            "http",
            "http://127.0.0.1:" + appPort + "/api/v1/payments/webhook");
    this.paypalApiBase = s.url("PAYPAL_API_BASE", "http", PAYPAL_API);
    this.paypalClientId = s.optional("PAYPAL_CLIENT_ID", null);
    this.paypalClientSecret = s.optional("PAYPAL_CLIENT_SECRET", null);
    if (paypalClientId != null && paypalClientSecret == null) {
      throw new ConfigException("PAYPAL_CLIENT_SECRET is required when PAYPAL_CLIENT_ID is set");
    }
    this.paypalWebhookId = s.optional("PAYPAL_WEBHOOK_ID", null);
    this.paypalEmulatorPort = s.port("PAYPAL_EMULATOR_PORT", 0);
    this.paypalWebhookUrl =
        s.url(
            "PAYPAL_WEBHOOK_URL",
            "http",
            "http://127.0.0.1:" + appPort + "/api/v1/payments/paypal/webhook");
    this.storefrontUrl = s.url("STOREFRONT_URL", "http", "http://localhost:3000");
    this.adminEmail = s.optional("ADMIN_EMAIL", null);
    this.adminPassword = s.optional("ADMIN_PASSWORD", null);
    if ((adminEmail == null) != (adminPassword == null)) {
      throw new ConfigException(
          (adminEmail == null ? "ADMIN_EMAIL" : "ADMIN_PASSWORD")
              + " is required when "
              + (adminEmail == null ? "ADMIN_PASSWORD" : "ADMIN_EMAIL")
              + " is set");
    }
    this.dataDir = Path.of(s.optional("DATA_DIR", "./.emporium"));
    this.stripeEmulatorDataDir =
        Path.of(
            s.optional("STRIPE_EMULATOR_DATA_DIR", dataDir.resolve("stripe-emulator").toString()));
    this.paypalEmulatorDataDir =
        Path.of(
            s.optional("PAYPAL_EMULATOR_DATA_DIR", dataDir.resolve("paypal-emulator").toString()));
    this.grpc =
        Map.of(
            Service.CATALOG, peer(s, "CATALOG", 9101),
            Service.ORDERING, peer(s, "ORDERING", 9102),
            Service.PAYMENT, peer(s, "PAYMENT", 9103),
            Service.REALTIME, peer(s, "REALTIME", 9104),
            // identity lives at the edge, and serves the other services on this port
            Service.EDGE, peer(s, "IDENTITY", 9105));
    this.grpcBindHost = s.optional("GRPC_BIND_HOST", "127.0.0.1");
    this.grpcDeadline = s.duration("GRPC_DEADLINE", Duration.ofSeconds(5));
    this.maxBodyBytes = s.integer("MAX_BODY_BYTES", 1024 * 1024, 1024, Integer.MAX_VALUE);
    this.imageMaxBytes = s.integer("IMAGE_MAX_BYTES", 5 * 1024 * 1024, 1024, 64 * 1024 * 1024);
    this.imageBucket = imageBucket(s);
    this.corsAllowedOrigins = s.list("CORS_ALLOWED_ORIGINS");
    this.passwordHashCost = s.integer("PASSWORD_HASH_COST", 10, 10, 16);
    this.loginLimits =
        new LoginLimits(
            s.integer("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, 1, 10_000),
            s.duration("LOGIN_ACCOUNT_WINDOW", Duration.ofMinutes(15)),
            s.integer("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 30, 1, 1_000_000),
            s.duration("LOGIN_ADDRESS_WINDOW", Duration.ofMinutes(1)));
    this.rateLimits =
        new RateLimits(
            s.bool("RATE_LIMITS_ENABLED", true),
            groupLimits(s, "READ", "300/1m", "600/1m"),
            groupLimits(s, "WRITE", "60/1m", "120/1m"),
            groupLimits(s, "AUTH", "20/1m", "20/1m"),
            groupLimits(s, "CHECKOUT", "10/1m", "20/1m"),
            s.rateLimit("RATE_LIMIT_WEBHOOK", "60000/1m"));
    this.edgeInstances =
        s.integer("EDGE_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 64);
    this.nearCache =
        new NearCache(
            s.integer("NEAR_CACHE_MAX_BYTES", 64 * 1024 * 1024, 0, Integer.MAX_VALUE),
            s.duration("NEAR_CACHE_TTL", Duration.ofSeconds(10)));
    if (nearCache.ttl().compareTo(Duration.ofMillis(100)) < 0
        || nearCache.ttl().compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigException("NEAR_CACHE_TTL must be from 100ms to 1h");
    }
    this.devMailbox = Boolean.parseBoolean(s.optional("DEV_MAILBOX", "false"));
    this.checkout =
        new Checkout(
            s.integer("CHECKOUT_SHIPPING_FLAT", 499, 0, 1_000_000),
            s.integer("CHECKOUT_FREE_SHIPPING_FROM", 5_000, 0, Integer.MAX_VALUE),
            s.optional("CHECKOUT_TAX_RATES", "*:0"),
            s.duration("CHECKOUT_SESSION_LIFETIME", Duration.ofMinutes(31)),
            s.duration("CHECKOUT_HOLD_MARGIN", Duration.ofMinutes(10)),
            s.duration("CHECKOUT_SWEEP_INTERVAL", Duration.ofSeconds(5)),
            s.duration("CHECKOUT_ABANDONED_AFTER", Duration.ofMinutes(2)),
            s.duration("CHECKOUT_OVERDUE_AFTER", Duration.ofMinutes(1)));
    checkoutTimings(checkout, grpcDeadline);
    this.pushRetention = s.duration("PUSH_RETENTION", Duration.ofHours(24));
    if (pushRetention.compareTo(Duration.ofMinutes(1)) < 0
        || pushRetention.compareTo(Duration.ofDays(30)) > 0) {
      throw new ConfigException("PUSH_RETENTION must be from 1 minute to 30 days");
    }
    this.cluster = cluster(s);
    this.metricsPort = s.port("METRICS_PORT", 9190);
    this.metricsRefresh = s.duration("METRICS_REFRESH", Duration.ofSeconds(15));
    this.outboxPollInterval = s.duration("OUTBOX_POLL_INTERVAL", Duration.ofSeconds(5));
    if (outboxPollInterval.compareTo(Duration.ofMillis(100)) < 0
        || outboxPollInterval.compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigException("OUTBOX_POLL_INTERVAL must be from 100ms to 1h");
    }
    this.eventRetry =
        new EventRetry(
            s.integer("EVENT_RETRY_ATTEMPTS", 5, 1, 10),
            s.duration("EVENT_RETRY_BACKOFF", Duration.ofMillis(500)));
    this.tls = tls(s);
    this.grpcTls = grpcTls(s);
    this.oidcProviders = oidcProviders(s);
    this.oauthRedirectAllowlist = redirectAllowlist(s);
    this.oauthCallbackBase =
        stripSlash(
            s.url(
                "OAUTH_CALLBACK_BASE",
                "http",
                (tls == null ? "http" : "https") + "://localhost:" + appPort));
    String sentryDsn =
        s.optional("SENTRY_DSN", null) == null ? null : s.url("SENTRY_DSN", "http", null);
    if (sentryDsn != null && URI.create(sentryDsn).getUserInfo() == null) {
      throw new ConfigException(
          "SENTRY_DSN must carry its public key (https://<key>@<host>/<project>), got '"
              + sentryDsn
              + "'");
    }
    String version = EmporiumConfig.class.getPackage().getImplementationVersion();
    this.errorTracking =
        new ErrorTracking(
            sentryDsn,
            s.optional("SENTRY_ENVIRONMENT", "production"),
            s.optional("SENTRY_RELEASE", "emporium@" + (version == null ? "dev" : version)));
    // the consumer does not poll while it waits, and Kafka drops a member that has not polled for
    // five minutes
    if (eventRetry.backoff().compareTo(Duration.ofSeconds(10)) > 0) {
      throw new ConfigException("EVENT_RETRY_BACKOFF must be at most 10s");
    }
  }

  private static Database database(Settings s) {
    return new Database(
        s.required("DB_HOST"),
        s.port("DB_PORT", 5432),
        s.required("DB_USER"),
        s.optional("DB_PASS", ""),
        s.optional("DB_NAME", "emporium"));
  }

  /**
   * Only the {@code DB_*} settings, for steps that need nothing else (the {@code migrate} command).
   */
  public static Database databaseFrom(Map<String, String> settings) {
    return database(new Settings(settings));
  }

  /** True when payments go to a Stripe emulator (no {@code STRIPE_SECRET_KEY}). */
  public boolean stripeEmulated() {
    return stripeSecretKey == null;
  }

  /**
   * True when payments go to a PayPal emulator (no {@code PAYPAL_CLIENT_ID}): at {@link
   * #paypalApiBase}, which takes any non-empty client id and secret.
   */
  public boolean paypalEmulated() {
    return paypalClientId == null;
  }

  private static GrpcPeer peer(Settings s, String name, int defaultPort) {
    int port = s.port(name + "_GRPC_PORT", defaultPort);
    String address = s.optional(name + "_GRPC_ADDRESS", "localhost:" + port);
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new ConfigException(name + "_GRPC_ADDRESS must be host:port, got '" + address + "'");
    }
    int peerPort = Settings.parsePort(name + "_GRPC_ADDRESS", address.substring(colon + 1));
    return new GrpcPeer(port, address.substring(0, colon), peerPort);
  }

  private static GroupLimits groupLimits(Settings s, String group, String anonymous, String user) {
    return new GroupLimits(
        s.rateLimit("RATE_LIMIT_" + group + "_ANONYMOUS", anonymous),
        s.rateLimit("RATE_LIMIT_" + group + "_USER", user));
  }

  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static Cluster cluster(Settings s) {
    boolean enabled = s.bool("CLUSTER_ENABLED", false);
    String name = s.optional("CLUSTER_NAME", "emporium");
    if (!CLUSTER_NAME.matcher(name).matches()) {
      throw new ConfigException(
          "CLUSTER_NAME must be 1-64 letters, digits, dots, hyphens or underscores, got '"
              + name
              + "'");
    }
    String host = s.optional("CLUSTER_HOST", "127.0.0.1");
    if (host.contains(":")
        || host.contains(",")
        || host.contains(" ")
        || host.contains("/")
        || host.equals("0.0.0.0")) {
      throw new ConfigException(
          "CLUSTER_HOST must be one host name or IPv4 address of this machine that the others can reach, got '"
              + host
              + "'");
    }
    int port = s.port("CLUSTER_PORT", 5701);
    if (port == 0) {
      throw new ConfigException(
          "CLUSTER_PORT must be a port number 1-65535 (the other members dial it), got '0'");
    }
    List<String> members = new java.util.ArrayList<>();
    for (String member : s.optional("CLUSTER_MEMBERS", "").split(",")) {
      String m = member.strip();
      if (m.isEmpty()) {
        continue;
      }
      int colon = m.lastIndexOf(':');
      if (colon <= 0 || colon == m.length() - 1) {
        throw new ConfigException(
            "CLUSTER_MEMBERS must be comma-separated host:port, got '" + m + "'");
      }
      int memberPort = Settings.parsePort("CLUSTER_MEMBERS", m.substring(colon + 1));
      if (memberPort == 0) {
        throw new ConfigException("CLUSTER_MEMBERS must name ports 1-65535, got '" + m + "'");
      }
      members.add(m);
    }
    String eventBusHost = s.optional("CLUSTER_EVENT_BUS_HOST", host);
    int eventBusPort = s.port("CLUSTER_EVENT_BUS_PORT", 0);
    if (!enabled) {
      for (String other :
          List.of("CLUSTER_MEMBERS", "CLUSTER_EVENT_BUS_HOST", "CLUSTER_EVENT_BUS_PORT")) {
        if (s.optional(other, null) != null) {
          throw new ConfigException("CLUSTER_ENABLED=true is required when " + other + " is set");
        }
      }
    }
    return new Cluster(enabled, name, host, port, List.copyOf(members), eventBusHost, eventBusPort);
  }

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

  /** The S3 settings: none without {@code S3_BUCKET}, which then needs a key pair. */
  private static ImageBucket imageBucket(Settings s) {
    String bucket = s.optional("S3_BUCKET", null);
    if (bucket == null) {
      for (String other :
          List.of(
              "S3_ENDPOINT",
              "S3_REGION",
              "S3_ACCESS_KEY_ID",
              "S3_SECRET_ACCESS_KEY",
              "S3_PATH_STYLE")) {
        if (s.optional(other, null) != null) {
          throw new ConfigException("S3_BUCKET is required when " + other + " is set");
        }
      }
      return null;
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new ConfigException(
          "S3_BUCKET must be a bucket name (3-63 lowercase letters, digits, dots, hyphens), got '"
              + bucket
              + "'");
    }
    String region = s.optional("S3_REGION", "us-east-1");
    if (!REGION.matcher(region).matches()) {
      throw new ConfigException(
          "S3_REGION must be a region name like eu-west-1, got '" + region + "'");
    }
    String endpoint = s.url("S3_ENDPOINT", "http", "https://s3." + region + ".amazonaws.com");
    String path = URI.create(endpoint).getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || URI.create(endpoint).getRawQuery() != null) {
      throw new ConfigException(
          "S3_ENDPOINT must be a base URL without a path, like http://127.0.0.1:9000, got '"
              + endpoint
              + "'");
    }
    String accessKeyId = s.optional("S3_ACCESS_KEY_ID", null);
    String secretAccessKey = s.optional("S3_SECRET_ACCESS_KEY", null);
    if (accessKeyId == null || secretAccessKey == null) {
      throw new ConfigException(
          (accessKeyId == null ? "S3_ACCESS_KEY_ID" : "S3_SECRET_ACCESS_KEY")
              + " is required when S3_BUCKET is set");
    }
    return new ImageBucket(
        bucket,
        endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint,
        region,
        accessKeyId,
        secretAccessKey,
        s.bool("S3_PATH_STYLE", true));
  }

  /** Reads and validates settings; throws {@link ConfigException} naming the first bad variable. */
  private static Tls tls(Settings s) {
    String cert = s.optional("TLS_CERT_FILE", null);
    String key = s.optional("TLS_KEY_FILE", null);
    if (cert == null && key == null) {
      for (String dependent : List.of("TLS_MIN_VERSION", "HTTP_REDIRECT_PORT")) {
        if (s.optional(dependent, null) != null) {
          throw new ConfigException(dependent + " needs TLS_CERT_FILE and TLS_KEY_FILE");
        }
      }
      return null;
    }
    String version = s.optional("TLS_MIN_VERSION", "TLSv1.3");
    if (!version.equals("TLSv1.3") && !version.equals("TLSv1.2")) {
      throw new ConfigException(
          "TLS_MIN_VERSION must be TLSv1.3 or TLSv1.2, got '" + version + "'");
    }
    int redirectPort = s.port("HTTP_REDIRECT_PORT", 0);
    if (redirectPort != 0 && redirectPort == s.port("APP_PORT", 8080)) {
      throw new ConfigException("HTTP_REDIRECT_PORT must differ from APP_PORT, which serves HTTPS");
    }
    return new Tls(
        readable(s, "TLS_CERT_FILE"), readable(s, "TLS_KEY_FILE"), version, redirectPort);
  }

  private static GrpcTls grpcTls(Settings s) {
    List<String> names = List.of("GRPC_TLS_CERT_FILE", "GRPC_TLS_KEY_FILE", "GRPC_TLS_CA_FILE");
    long set = names.stream().filter(n -> s.optional(n, null) != null).count();
    if (set == 0) {
      return null;
    }
    if (set < names.size()) {
      throw new ConfigException(
          "GRPC_TLS_CERT_FILE, GRPC_TLS_KEY_FILE and GRPC_TLS_CA_FILE are set together or not at all");
    }
    return new GrpcTls(
        readable(s, names.get(0)), readable(s, names.get(1)), readable(s, names.get(2)));
  }

  private static final Pattern OIDC_SETTING =
      Pattern.compile("OIDC_(.*)_(ISSUER|CLIENT_ID|CLIENT_SECRET|NAME|RESPONSE_MODE)");
  private static final Pattern OIDC_ID = Pattern.compile("[A-Z0-9]{1,32}");

  /**
   * Every {@code OIDC_<ID>_ISSUER} with its {@code _CLIENT_ID}, optional {@code _CLIENT_SECRET},
   * {@code _NAME} and {@code _RESPONSE_MODE} ({@code query}, or {@code form_post}: the default for
   * Apple's issuer); an issuer is https (http only on loopback, for development providers).
   */
  private static List<OidcProvider> oidcProviders(Settings s) {
    java.util.TreeSet<String> ids = new java.util.TreeSet<>();
    for (String name : s.names()) {
      if (!name.startsWith("OIDC_") || s.optional(name, null) == null) {
        continue;
      }
      java.util.regex.Matcher m = OIDC_SETTING.matcher(name);
      if (!m.matches() || !OIDC_ID.matcher(m.group(1)).matches()) {
        throw new ConfigException(
            name
                + " is not a provider setting: use OIDC_<ID>_ISSUER, _CLIENT_ID, _CLIENT_SECRET,"
                + " _NAME or _RESPONSE_MODE with an ID of letters and digits");
      }
      ids.add(m.group(1));
    }
    List<OidcProvider> providers = new java.util.ArrayList<>();
    for (String id : ids) {
      String prefix = "OIDC_" + id + "_";
      if (s.optional(prefix + "ISSUER", null) == null) {
        throw new ConfigException(prefix + "ISSUER is required when other " + prefix + "* are set");
      }
      String issuer = s.url(prefix + "ISSUER", "http", null);
      URI uri = URI.create(issuer);
      boolean loopback = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
      if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
        throw new ConfigException(
            prefix
                + "ISSUER must be an https:// URL (http only on localhost), got '"
                + issuer
                + "'");
      }
      if (uri.getQuery() != null || uri.getFragment() != null) {
        throw new ConfigException(prefix + "ISSUER has no query or fragment, got '" + issuer + "'");
      }
      String mode =
          s.optional(
              prefix + "RESPONSE_MODE",
              OidcProvider.APPLE_ISSUER.equals(issuer.replaceAll("/+$", ""))
                  ? OidcProvider.FORM_POST
                  : OidcProvider.QUERY);
      if (!OidcProvider.QUERY.equals(mode) && !OidcProvider.FORM_POST.equals(mode)) {
        throw new ConfigException(
            prefix + "RESPONSE_MODE must be query or form_post, got '" + mode + "'");
      }
      String lower = id.toLowerCase(java.util.Locale.ROOT);
      providers.add(
          new OidcProvider(
              lower,
              s.optional(prefix + "NAME", id.charAt(0) + lower.substring(1)),
              issuer,
              s.required(prefix + "CLIENT_ID"),
              s.optional(prefix + "CLIENT_SECRET", null),
              mode));
    }
    return List.copyOf(providers);
  }

  /** Each entry {@code scheme://host[:port|:*][/path]}, without query, fragment or user info. */
  private static List<String> redirectAllowlist(Settings s) {
    List<String> entries = new java.util.ArrayList<>();
    for (String entry : s.list("OAUTH_REDIRECT_ALLOWLIST")) {
      String probe = entry.replace(":*", "");
      URI uri;
      try {
        uri = URI.create(probe);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || entry.indexOf(":*") != entry.lastIndexOf(":*")) {
        throw new ConfigException(
            "OAUTH_REDIRECT_ALLOWLIST entries must be http(s)://host[:port or :*][/path], got '"
                + entry
                + "'");
      }
      entries.add(entry);
    }
    return entries.stream().sorted().toList();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** A setting naming a file this process can read. */
  private static String readable(Settings s, String name) {
    String file = s.required(name);
    if (!java.nio.file.Files.isReadable(Path.of(file))) {
      throw new ConfigException(name + " names a file that cannot be read: '" + file + "'");
    }
    return file;
  }

  public static EmporiumConfig from(Map<String, String> settings) {
    return new EmporiumConfig(new Settings(settings));
  }

  /** The safe minimums: each timing leaves room for what must happen within it. */
  private static void checkoutTimings(Checkout c, Duration grpcDeadline) {
    within(
        "CHECKOUT_SESSION_LIFETIME",
        c.sessionLifetime(),
        Duration.ofMinutes(1),
        Duration.ofHours(23));
    within(
        "CHECKOUT_SWEEP_INTERVAL",
        c.sweepInterval(),
        Duration.ofSeconds(1),
        Duration.ofMinutes(10));
    // a checkout makes three calls with deadlines; an order younger than that may still be getting
    // its session
    within(
        "CHECKOUT_ABANDONED_AFTER",
        c.abandonedAfter(),
        max(Duration.ofSeconds(10), grpcDeadline.multipliedBy(3)),
        Duration.ofHours(1));
    // a webhook of the session's last moment may still be on its way
    within("CHECKOUT_OVERDUE_AFTER", c.overdueAfter(), Duration.ofSeconds(5), Duration.ofHours(1));
    // a payment made in the last moment still finds its stock when the sweeper settles it
    within(
        "CHECKOUT_HOLD_MARGIN",
        c.holdMargin(),
        c.overdueAfter().plus(c.sweepInterval().multipliedBy(2)),
        Duration.ofHours(1));
  }

  private static void within(String name, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new ConfigException(
          name + " must be from " + Settings.describe(min) + " to " + Settings.describe(max));
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
