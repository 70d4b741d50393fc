package io.emporium.deploy.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, in parallel, an embedded server for each backing service the settings leave unconfigured
 * (no {@code DB_HOST}, {@code REDIS_URL}, {@code KAFKA_BOOTSTRAP_SERVERS} or {@code SMTP_HOST}) and
 * returns the settings that point the platform at them.
 */
public final class EmbeddedServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private final List<AutoCloseable> running = new ArrayList<>();
  private final Map<String, String> settings = new HashMap<>();
  private EmbeddedSmtpSink smtpSink;
  private EmbeddedOidcProvider oidcProvider;

  public static boolean anyMissing(Map<String, String> settings) {
    return missing(settings, "DB_HOST")
        || missing(settings, "REDIS_URL")
        || missing(settings, "KAFKA_BOOTSTRAP_SERVERS")
        || missing(settings, "SMTP_HOST");
  }

  static boolean missing(Map<String, String> settings, String name) {
    String v = settings.get(name);
    return v == null || v.isBlank();
  }

  public static EmbeddedServices startMissing(Map<String, String> configured, Path dataDir) {
    EmbeddedServices embedded = new EmbeddedServices();
    ExecutorService starter = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      if (missing(configured, "DB_HOST")) {
        starts.add(CompletableFuture.runAsync(() -> embedded.startPostgres(dataDir), starter));
      }
      if (missing(configured, "REDIS_URL")) {
        starts.add(CompletableFuture.runAsync(embedded::startRedis, starter));
      }
      if (missing(configured, "KAFKA_BOOTSTRAP_SERVERS")) {
        starts.add(CompletableFuture.runAsync(() -> embedded.startKafka(dataDir), starter));
      }
      if (missing(configured, "SMTP_HOST")) {
        starts.add(CompletableFuture.runAsync(embedded::startSmtp, starter));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
      return embedded;
    } catch (CompletionException e) {
      embedded.close();
      throw new IllegalStateException(
          "an embedded service failed to start: " + e.getCause().getMessage(), e.getCause());
    } finally {
      starter.shutdown();
    }
  }

  /**
   * Only the embedded PostgreSQL on {@code dataDir}, for the {@code migrate} command in embedded
   * mode.
   */
  public static EmbeddedServices startDatabase(Path dataDir) {
    EmbeddedServices embedded = new EmbeddedServices();
    embedded.startPostgres(dataDir);
    return embedded;
  }

  private void startPostgres(Path dataDir) {
    try {
      EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir, freePort());
      register(
          postgres,
          Map.of(
              "DB_HOST",
              "127.0.0.1",
              "DB_PORT",
              Integer.toString(postgres.port()),
              "DB_USER",
              EmbeddedPostgresServer.USER,
              "DB_PASS",
              "",
              "DB_NAME",
              EmbeddedPostgresServer.DATABASE));
      LOG.info(
          "embedded PostgreSQL 17 on 127.0.0.1:{}, data in {}",
          postgres.port(),
          dataDir.resolve("postgres"));
    } catch (Exception e) {
      throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** Three tries: the port found free can be taken by another process before Redis binds it. */
  private void startRedis() {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        EmbeddedRedisServer redis = EmbeddedRedisServer.start(freePort());
        register(redis, Map.of("REDIS_URL", redis.url()));
        LOG.info("embedded Redis at {}", redis.url());
        return;
      } catch (IOException e) {
        LOG.warn("embedded Redis did not start (attempt {} of 3): {}", attempt + 1, e.getMessage());
        last = e;
      }
    }
    throw new IllegalStateException("Redis: " + last.getMessage(), last);
  }

  private void startKafka(Path dataDir) {
    try {
      EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), freePort());
      register(kafka, Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
      LOG.info(
          "embedded Kafka (KRaft) at {}, logs in {}",
          kafka.bootstrapServers(),
          dataDir.resolve("kafka"));
    } catch (Exception e) {
      throw new IllegalStateException("Kafka: " + e.getMessage(), e);
    }
  }

  private void startSmtp() {
    EmbeddedSmtpSink sink = EmbeddedSmtpSink.start(freePort());
    synchronized (this) {
      smtpSink = sink;
    }
    register(
        sink,
        Map.of(
            "SMTP_HOST",
            "127.0.0.1",
            "SMTP_PORT",
            Integer.toString(sink.port()),
            "DEV_MAILBOX",
            "true"));
    LOG.info("embedded SMTP sink on 127.0.0.1:{}; read it at GET /dev/mailbox?to=", sink.port());
  }

  /**
   * Starts the development OpenID provider and points the settings at it as provider {@code dev};
   * stopped with the other embedded servers.
   */
  public void startOidcProvider() {
    EmbeddedOidcProvider provider = EmbeddedOidcProvider.start(0);
    synchronized (this) {
      oidcProvider = provider;
    }
    register(provider, provider.settings());
    LOG.info("development OpenID provider at {}; any username signs in", provider.issuer());
  }

  /** The development OpenID provider, or null when it does not run here. */
  public synchronized EmbeddedOidcProvider oidcProvider() {
    return oidcProvider;
  }

  private synchronized void register(AutoCloseable server, Map<String, String> values) {
    running.add(server);
    settings.putAll(values);
  }

  /** Settings that point at the embedded servers. */
  public synchronized Map<String, String> settings() {
    return Map.copyOf(settings);
  }

  /** The SMTP sink, or null when a real SMTP server is configured. */
  public synchronized EmbeddedSmtpSink smtpSink() {
    return smtpSink;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", running.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    running.clear();
  }
}
