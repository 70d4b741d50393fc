package io.emporium.common.db;

import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/** A service's PostgreSQL pool and its Flyway migrations, one schema per service. */
public final class Database {
  private Database() {}

  /**
   * A pool whose connections look names up in {@code schema}, then {@code public} (where shared
   * extensions may live).
   */
  public static Pool pool(Vertx vertx, EmporiumConfig config, String schema, int maxSize) {
    // a request that waits this long for a connection fails (503, retry) before the edge's 5 s gRPC
    // deadline
    PoolOptions pool =
        new PoolOptions()
            .setMaxSize(maxSize)
            .setName(schema)
            .setShared(true)
            .setConnectionTimeout(4)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS);
    return PgBuilder.pool()
        .with(pool)
        .connectingTo(connectOptions(config, schema))
        .using(vertx)
        .build();
  }

  /**
   * How a connection to the service's schema is made; for pools and for the relay's own listening
   * connection.
   */
  public static PgConnectOptions connectOptions(EmporiumConfig config, String schema) {
    EmporiumConfig.Database db = config.database;
    return new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setUser(db.user())
        .setPassword(db.password())
        .setDatabase(db.name())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(16)
        .setProperties(Map.of("search_path", schema + ", public"));
  }

  /**
   * A LISTEN connection to the service's schema, named {@code application} in {@code
   * pg_stat_activity}, that reconnects {@code reconnectMillis} after it is lost (its channels'
   * subscribe handlers run again then).
   */
  public static PgSubscriber subscriber(
      Vertx vertx, EmporiumConfig config, String schema, String application, long reconnectMillis) {
    PgConnectOptions listening = connectOptions(config, schema);
    Map<String, String> properties = new HashMap<>(listening.getProperties());
    properties.put("application_name", application);
    return PgSubscriber.subscriber(vertx, listening.setProperties(properties))
        .reconnectPolicy(attempt -> reconnectMillis);
  }

  /**
   * What a service does with its schema as it starts: applies its migrations ({@code
   * MIGRATE_ON_START=true}), or only checks that the {@code migrate} step applied them all and
   * fails the start if not.
   */
  public static Future<Void> prepareSchema(Vertx vertx, EmporiumConfig config, String schema) {
    return config.migrateOnStart
        ? migrate(vertx, config, schema)
        : checkMigrated(vertx, config, schema);
  }

  /**
   * Applies the shared {@code db/common} and the service's {@code db/<schema>} migrations to that
   * schema, on a worker thread (Flyway is JDBC).
   */
  public static Future<Void> migrate(Vertx vertx, EmporiumConfig config, String schema) {
    return vertx.executeBlocking(
        () -> {
          migrate(config.database, schema);
          return null;
        },
        false);
  }

  /**
   * Applies the schema's pending migrations; blocks. Returns how many were applied (0 when it was
   * up to date).
   */
  public static int migrate(EmporiumConfig.Database db, String schema) {
    return flyway(db, schema).migrate().migrationsExecuted;
  }

  /** The newest migration applied to the schema, or "none"; blocks. */
  public static String appliedVersion(EmporiumConfig.Database db, String schema) {
    MigrationInfo current = flyway(db, schema).info().current();
    return current == null ? "none" : current.getVersion().toString();
  }

  /**
   * Fails with {@link SchemaNotMigrated} when a migration of the schema this code knows has not
   * been applied.
   */
  public static Future<Void> checkMigrated(Vertx vertx, EmporiumConfig config, String schema) {
    return vertx.executeBlocking(
        () -> {
          MigrationInfoService info = flyway(config.database, schema).info();
          MigrationInfo[] pending = info.pending();
          if (pending.length > 0) {
            MigrationInfo current = info.current();
            throw new SchemaNotMigrated(
                "schema "
                    + schema
                    + " is at version "
                    + (current == null ? "none" : current.getVersion())
                    + ", this build needs "
                    + pending[pending.length - 1].getVersion()
                    + " ("
                    + pending.length
                    + (pending.length == 1 ? " migration" : " migrations")
                    + " not applied) and MIGRATE_ON_START is false: run"
                    + " 'java -jar emporium.jar migrate' first");
          }
          return null;
        },
        false);
  }

  /** A schema that lacks migrations this build needs, with MIGRATE_ON_START off. */
  public static final class SchemaNotMigrated extends IllegalStateException {
    public SchemaNotMigrated(String message) {
      super(message);
    }
  }

  private static Flyway flyway(EmporiumConfig.Database db, String schema) {
    return Flyway.configure(Database.class.getClassLoader())
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .schemas(schema)
        .createSchemas(true)
        // a common migration added later (V0_2) still applies to schemas that already have their
        // own V1..
        .outOfOrder(true)
        .locations("classpath:db/common", "classpath:db/" + schema)
        .load();
  }
}
