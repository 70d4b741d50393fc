package io.emporium.deploy;

import io.emporium.common.config.ConfigException;
import io.emporium.common.config.ConfigSources;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.Service;
import io.emporium.common.problem.ErrorReports;
import io.emporium.deploy.embedded.EmbeddedPayPal;
import io.emporium.deploy.embedded.EmbeddedServices;
import io.emporium.deploy.embedded.EmbeddedSmtpSink;
import io.emporium.deploy.embedded.EmbeddedStripe;
import io.emporium.edge.identity.domain.RedirectAllowlist;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The launcher: reads the configuration, starts an embedded server for each backing service left
 * unconfigured (and the Stripe and PayPal emulators when payments have no Stripe key or PayPal
 * client), deploys the chosen verticles and stops all of it in order on SIGTERM or SIGINT.
 */
public final class Emporium implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Emporium.class);

  private final EmporiumConfig config;

  /** Null when only the emulators run here. */
  private final EmbeddedServices embedded;

  /** Null when only the emulators or the backing services run here. */
  private final Platform platform;

  /** Null when the emulator does not run in this process. */
  private final EmbeddedStripe stripe;

  /** Null when the PayPal emulator does not run in this process. */
  private final EmbeddedPayPal paypal;

  private final Path ephemeralDir;

  private Emporium(
      EmporiumConfig config,
      EmbeddedServices embedded,
      Platform platform,
      EmbeddedStripe stripe,
      EmbeddedPayPal paypal,
      Path ephemeralDir) {
    this.config = config;
    this.embedded = embedded;
    this.platform = platform;
    this.stripe = stripe;
    this.paypal = paypal;
    this.ephemeralDir = ephemeralDir;
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("migrate")) {
      migrate(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    long started = System.nanoTime();
    Shutdown shutdown = new Shutdown();
    Signal.handle(new Signal("TERM"), shutdown);
    Signal.handle(new Signal("INT"), shutdown);
    Emporium running;
    try {
      running = launch(LaunchOptions.parse(args), System.getenv());
    } catch (ConfigException e) {
      System.err.println("emporium: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      // also what Vert.x rethrows undeclared from await(), such as a BindException: the embedded
      // servers are closed by now
      LOG.error("start-up failed", e);
      ErrorReports.startFailed("launcher", e);
      ErrorReports.stop();
      System.err.println("emporium: start-up failed: " + rootMessage(e));
      System.exit(1);
      return;
    }
    System.out.println(
        running.describe(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    shutdown.arm(running);
  }

  /**
   * The {@code migrate} command: exit 0 once every schema is migrated; else one line and 2
   * (settings) or 1.
   */
  private static void migrate(String[] args) {
    try {
      Migrate.run(args, System.getenv(), System.out);
    } catch (ConfigException e) {
      System.err.println("emporium: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      LOG.error("migrate failed", e);
      System.err.println("emporium: migrate failed: " + rootMessage(e));
      System.exit(1);
    }
    System.exit(0);
  }

  /**
   * SIGTERM and SIGINT: stop in order and exit 0; a signal during start-up stops right after it.
   */
  private static final class Shutdown implements sun.misc.SignalHandler {
    private Emporium running;
    private boolean requested;

    @Override
    public synchronized void handle(Signal signal) {
      requested = true;
      if (running != null) {
        stopAndExit(running);
      }
    }

    synchronized void arm(Emporium started) {
      running = started;
      if (requested) {
        stopAndExit(started);
      }
    }

    private boolean stopping;

    private void stopAndExit(Emporium running) {
      if (stopping) {
        return;
      }
      stopping = true;
      Thread stopper =
          new Thread(
              () -> {
                LOG.info(
                    "stopping: draining requests, closing clients, stopping embedded services");
                running.close();
                System.exit(0);
              },
              "emporium-shutdown");
      // the signal's thread is a daemon, and so would this one be: the JVM would end as soon as the
      // platform's own
      // threads are gone, before the embedded servers stopped and the ephemeral directory was
      // deleted
      stopper.setDaemon(false);
      stopper.start();
    }
  }

  /** Starts everything the options ask for; the caller owns the result and must close it. */
  public static Emporium launch(LaunchOptions options, Map<String, String> environment) {
    Map<String, String> settings =
        new HashMap<>(ConfigSources.merge(options.configFile(), environment));
    Path ephemeralDir = null;
    if (options.ephemeral()) {
      try {
        ephemeralDir = Files.createTempDirectory("emporium-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      settings.put("DATA_DIR", ephemeralDir.toString());
    }
    Path dataDir =
        Path.of(settings.getOrDefault("DATA_DIR", "./.emporium")).toAbsolutePath().normalize();
    settings.put("DATA_DIR", dataDir.toString());
    boolean embeddedDatabase = settings.getOrDefault("DB_HOST", "").isBlank();
    if (embeddedDatabase) {
      for (String name : Secrets.fillDevelopmentSecrets(settings, dataDir)) {
        LOG.warn(
            "{} is not set: using a generated development value kept in {} (embedded mode only)",
            name,
            dataDir);
      }
    }
    EmporiumConfig probed = validateBeforeStarting(settings);
    if (ErrorReports.start(probed.errorTracking)) {
      LOG.info(
          "reporting unhandled failures to Sentry ({}, release {})",
          probed.errorTracking.environment(),
          probed.errorTracking.release());
    }
    boolean noStripe = blank(settings, "STRIPE_SECRET_KEY") && blank(settings, "STRIPE_API_BASE");
    EmbeddedStripe stripe = null;
    if (options.stripeEmulator() || (options.services().contains(Service.PAYMENT) && noStripe)) {
      stripe = EmbeddedStripe.start(probed);
      if (noStripe) {
        settings.put("STRIPE_API_BASE", stripe.baseUrl());
      }
    }
    boolean noPaypal = blank(settings, "PAYPAL_CLIENT_ID") && blank(settings, "PAYPAL_API_BASE");
    EmbeddedPayPal paypal = null;
    if (options.paypalEmulator() || (options.services().contains(Service.PAYMENT) && noPaypal)) {
      if (blank(settings, "PAYPAL_WEBHOOK_ID") && options.services().contains(Service.PAYMENT)) {
        // the payment service in this process learns it from the settings, as it learns the API
        // base
        settings.put("PAYPAL_WEBHOOK_ID", Secrets.webhookId());
      }
      try {
        paypal = EmbeddedPayPal.start(probed, settings.get("PAYPAL_WEBHOOK_ID"));
      } catch (RuntimeException e) {
        closeQuietly(stripe);
        throw e;
      }
      if (noPaypal) {
        settings.put("PAYPAL_API_BASE", paypal.baseUrl());
      }
    }
    if (options.services().isEmpty() && !options.backingServices()) {
      return new Emporium(probed, null, null, stripe, paypal, ephemeralDir);
    }
    EmbeddedServices embedded;
    try {
      embedded = EmbeddedServices.startMissing(settings, dataDir);
    } catch (RuntimeException e) {
      closeQuietly(stripe);
      closeQuietly(paypal);
      throw e;
    }
    if (options.services().isEmpty()) {
      return new Emporium(probed, embedded, null, stripe, paypal, ephemeralDir);
    }
    Emporium running = null;
    try {
      if (embeddedDatabase) {
        // development: the social login's redirect may go to any local client
        if (blank(settings, "OAUTH_REDIRECT_ALLOWLIST")) {
          settings.put("OAUTH_REDIRECT_ALLOWLIST", String.join(",", RedirectAllowlist.LOOPBACK));
        }
        if (options.services().contains(Service.EDGE) && !anyOidcProvider(settings)) {
          embedded.startOidcProvider();
        }
      }
      settings.putAll(embedded.settings());
      EmporiumConfig config = EmporiumConfig.from(settings);
      Platform platform =
          Platform.start(config, options.services(), embedded.smtpSink())
              .await(120, TimeUnit.SECONDS);
      running = new Emporium(config, embedded, platform, stripe, paypal, ephemeralDir);
      if (embeddedDatabase
          && !options.ephemeral()
          && options.services().containsAll(EnumSet.allOf(Service.class))) {
        DemoStore.seedOnce(platform.vertx(), config);
      }
      if (options.syntheticProducts() > 0) {
        SyntheticCatalog.generate(config, options.syntheticProducts());
      }
      return running;
    } catch (Exception e) {
      if (running != null) {
        running.close();
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
      embedded.close();
      closeQuietly(stripe);
      closeQuietly(paypal);
      deleteRecursively(ephemeralDir);
      if (e instanceof RuntimeException re && rootCause(re) instanceof ConfigException ce) {
        throw ce;
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  /** True when some {@code OIDC_<ID>_ISSUER} is set. */
  private static boolean anyOidcProvider(Map<String, String> settings) {
    return settings.entrySet().stream()
        .anyMatch(
            e ->
                e.getKey().startsWith("OIDC_")
                    && e.getKey().endsWith("_ISSUER")
                    && e.getValue() != null
                    && !e.getValue().isBlank());
  }

  private static boolean blank(Map<String, String> settings, String name) {
    return settings.getOrDefault(name, "").isBlank();
  }

  private static void closeQuietly(EmbeddedStripe stripe) {
    if (stripe == null) {
      return;
    }
    try {
      stripe.close();
    } catch (Exception e) {
      LOG.warn("stopping the Stripe emulator: {}", e.toString());
    }
  }

  private static void closeQuietly(EmbeddedPayPal paypal) {
    if (paypal == null) {
      return;
    }
    try {
      paypal.close();
    } catch (Exception e) {
      LOG.warn("stopping the PayPal emulator: {}", e.toString());
    }
  }

  /**
   * Fails fast on bad settings before any embedded server starts (their own values are stand-ins
   * here).
   */
  private static EmporiumConfig validateBeforeStarting(Map<String, String> settings) {
    Map<String, String> probe = new HashMap<>(settings);
    probe.putIfAbsent("DB_HOST", "localhost");
    probe.putIfAbsent("DB_USER", "postgres");
    probe.putIfAbsent("REDIS_URL", "redis://localhost:6379");
    probe.putIfAbsent("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    probe.putIfAbsent("SMTP_HOST", "localhost");
    return EmporiumConfig.from(probe);
  }

  public EmporiumConfig config() {
    return config;
  }

  /** The platform's Vert.x (tests publish on its event bus). */
  Vertx vertx() {
    return platform.vertx();
  }

  /** The Stripe emulator's base URL when payments go to it in this process; else null. */
  String stripeEmulatorUrl() {
    return stripe == null ? null : stripe.baseUrl();
  }

  /** The PayPal emulator's base URL when it runs in this process; else null. */
  String paypalEmulatorUrl() {
    return paypal == null ? null : paypal.baseUrl();
  }

  /**
   * The port of /metrics apart from the edge when this process runs none; else -1 (the edge serves
   * it).
   */
  int metricsPort() {
    return platform == null ? -1 : platform.metricsPort();
  }

  /** The embedded SMTP sink when mail goes to it in this process; else null. */
  EmbeddedSmtpSink smtpSink() {
    return embedded == null ? null : embedded.smtpSink();
  }

  String describe(long startMillis) {
    StringBuilder out = new StringBuilder("Emporium ready in " + startMillis + " ms\n");
    if (platform == null) {
      if (embedded == null) {
        if (stripe != null) {
          out.append("  stripe   emulator at ")
              .append(stripeEmulatorUrl())
              .append(" (test mode); webhooks to ")
              .append(config.stripeWebhookUrl)
              .append('\n');
        }
        if (paypal != null) {
          out.append("  paypal   emulator at ")
              .append(paypalEmulatorUrl())
              .append(" (sandbox); webhooks to ")
              .append(config.paypalWebhookUrl)
              .append('\n');
        }
        return out.toString().stripTrailing();
      }
      describeBackingServices(out);
      if (stripe != null) {
        out.append("  stripe   emulator (test mode); webhooks to ")
            .append(config.stripeWebhookUrl)
            .append('\n');
      }
      if (paypal != null) {
        out.append("  paypal   emulator (sandbox); webhooks to ")
            .append(config.paypalWebhookUrl)
            .append('\n');
      }
      return out.append("  data     ").append(config.dataDir).toString();
    }
    out.append("  REST     http://localhost:").append(config.appPort).append("/api/v1\n");
    out.append("  health   http://localhost:").append(config.appPort).append("/health/ready\n");
    out.append("  metrics  http://localhost:")
        .append(metricsPort() < 0 ? config.appPort : metricsPort())
        .append("/metrics\n");
    for (Service s :
        List.of(Service.CATALOG, Service.ORDERING, Service.PAYMENT, Service.REALTIME)) {
      out.append("  gRPC     ")
          .append(s.name().toLowerCase(Locale.ROOT))
          .append(" on port ")
          .append(config.grpc.get(s).port())
          .append('\n');
    }
    out.append("  gRPC     identity on port ")
        .append(config.grpc.get(Service.EDGE).port())
        .append('\n');
    if (stripeEmulatorUrl() != null) {
      out.append("  stripe   emulator at ")
          .append(stripeEmulatorUrl())
          .append(" (STRIPE_SECRET_KEY unset; test cards only)\n");
    }
    if (embedded != null && embedded.oidcProvider() != null) {
      out.append("  login    development OpenID provider at ")
          .append(embedded.oidcProvider().issuer())
          .append(" (provider dev; any username signs in)\n");
    }
    if (paypalEmulatorUrl() != null) {
      out.append("  paypal   emulator at ")
          .append(paypalEmulatorUrl())
          .append(" (PAYPAL_CLIENT_ID unset; sandbox payers only)\n");
    }
    if (config.devMailbox) {
      out.append("  mailbox  http://localhost:")
          .append(config.appPort)
          .append("/dev/mailbox?to=<email>\n");
    }
    out.append("  images   ")
        .append(
            config.imageBucket == null
                ? config.dataDir.resolve("images").toString()
                : "S3 bucket "
                    + config.imageBucket.bucket()
                    + " at "
                    + config.imageBucket.endpoint())
        .append('\n');
    if (config.cluster.enabled()) {
      out.append("  cluster  ")
          .append(config.cluster.name())
          .append(", member ")
          .append(config.cluster.host())
          .append(':')
          .append(config.cluster.port())
          .append(
              config.cluster.members().isEmpty()
                  ? ""
                  : ", joining " + String.join(",", config.cluster.members()))
          .append('\n');
    }
    out.append("  data     ").append(config.dataDir);
    return out.toString();
  }

  /**
   * The settings that point services in other processes at the embedded servers started here, one
   * {@code KEY=VALUE} a line (the in-process mailbox stays here: their mail is only in this
   * process's SMTP sink).
   */
  private void describeBackingServices(StringBuilder out) {
    Map<String, String> settings = new TreeMap<>(embedded.settings());
    settings.remove("DEV_MAILBOX");
    if (stripe != null) {
      settings.put("STRIPE_API_BASE", stripe.baseUrl());
    }
    if (paypal != null) {
      settings.put("PAYPAL_API_BASE", paypal.baseUrl());
    }
    out.append(
        "  backing services only; services in other processes reach them with these settings:\n");
    settings.forEach(
        (name, value) -> out.append("  ").append(name).append('=').append(value).append('\n'));
  }

  @Override
  public void close() {
    try {
      if (platform != null) {
        platform.stop(Duration.ofSeconds(20));
      }
    } catch (Exception e) {
      LOG.warn("stopping the platform: {}", e.toString());
    }
    closeQuietly(stripe);
    closeQuietly(paypal);
    if (embedded != null) {
      embedded.close();
    }
    deleteRecursively(ephemeralDir);
    ErrorReports.stop();
  }

  /**
   * Deletes the ephemeral directory. A stopped server may still be removing files of its own while
   * this walks, so a file that vanished is no error, and the walk is tried again a few times.
   */
  private static void deleteRecursively(Path dir) {
    for (int attempt = 0; dir != null && Files.exists(dir) && attempt < 5; attempt++) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        LOG.debug("deleting {} (attempt {}): {}", dir, attempt + 1, e.toString());
      }
      if (Files.exists(dir)) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (dir != null && Files.exists(dir)) {
      LOG.warn("could not delete {}", dir);
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static String rootMessage(Throwable t) {
    return String.valueOf(rootCause(t).getMessage());
  }
}
