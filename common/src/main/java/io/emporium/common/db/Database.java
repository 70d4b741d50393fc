package io.emporium.common.db;

import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;

/** A service's PostgreSQL pool and its Flyway migrations, one schema per service. */
public final class Database {
  private Database() {}

  /** A pool whose connections look names up in {@code schema}, then {@code public} (where shared extensions may live). */
  public static Pool pool(Vertx vertx, EmporiumConfig config, String schema, int maxSize) {
    // a request that waits this long for a connection fails (503, retry) before the edge's 5 s gRPC deadline
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setName(schema).setShared(true)
        .setConnectionTimeout(4).setConnectionTimeoutUnit(TimeUnit.SECONDS);
    return PgBuilder.pool().with(pool).connectingTo(connectOptions(config, schema)).using(vertx).build();
  }

  /** How a connection to the service's schema is made; for pools and for the relay's own listening connection. */
  public static PgConnectOptions connectOptions(EmporiumConfig config, String schema) {
    EmporiumConfig.Database db = config.database;
    return new PgConnectOptions()
        .setHost(db.host()).setPort(db.port()).setUser(db.user()).setPassword(db.password())
        .setDatabase(db.name()).setCachePreparedStatements(true).setPipeliningLimit(16)
        .setProperties(Map.of("search_path", schema + ", public"));
  }

  /** Applies the shared {@code db/common} and the service's {@code db/<schema>} migrations to that schema, on a worker thread (Flyway is JDBC). */
  public static Future<Void> migrate(Vertx vertx, EmporiumConfig config, String schema) {
    EmporiumConfig.Database db = config.database;
    return vertx.executeBlocking(() -> {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(db.jdbcUrl(), db.user(), db.password())
          .schemas(schema)
          .createSchemas(true)
          // a common migration added later (V0_2) still applies to schemas that already have their own V1..
          .outOfOrder(true)
          .locations("classpath:db/common", "classpath:db/" + schema)
          .load()
          .migrate();
      return null;
    }, false);
  }
}
