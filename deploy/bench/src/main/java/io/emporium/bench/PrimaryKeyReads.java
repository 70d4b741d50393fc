package io.emporium.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The catalog benchmark's ceiling for a database read: a bare Vert.x HTTP server whose every {@code
 * GET} reads one row of {@code catalog.products} by a random primary key (a prepared statement) and
 * answers it as JSON. Not shipped behaviour: only {@code deploy/bench/catalog.sh} runs it, next to
 * the platform, on the platform's PostgreSQL. It also writes every active product's id to a file,
 * one a line, for the benchmark's product reads.
 *
 * <p>Usage: {@code PrimaryKeyReads <http port> <postgres host:port> <ids file>} (user postgres,
 * database emporium, no password: the launcher's embedded PostgreSQL).
 */
public final class PrimaryKeyReads extends VerticleBase {
  private static final String ROW =
      """
      SELECT id, seller_id, name, description, category_id, price, currency, status, created_at, updated_at
      FROM catalog.products WHERE id = $1""";
  private static final int INSTANCES = 2;
  private static final int CONNECTIONS = 16;

  private final int port;
  private final PgConnectOptions database;
  private final UUID[] ids;
  private Pool pool;

  private PrimaryKeyReads(int port, PgConnectOptions database, UUID[] ids) {
    this.port = port;
    this.database = database;
    this.ids = ids;
  }

  @Override
  public Future<?> start() {
    pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(CONNECTIONS))
            .connectingTo(database)
            .using(vertx)
            .build();
    return vertx
        .createHttpServer()
        .requestHandler(
            request -> {
              UUID id = ids[ThreadLocalRandom.current().nextInt(ids.length)];
              pool.preparedQuery(ROW)
                  .execute(Tuple.of(id))
                  .onComplete(
                      ar -> {
                        if (ar.failed() || ar.result().size() == 0) {
                          request.response().setStatusCode(500).end();
                          return;
                        }
                        Row r = ar.result().iterator().next();
                        request
                            .response()
                            .putHeader("Content-Type", "application/json")
                            .end(
                                new JsonObject()
                                    .put("id", r.getUUID("id").toString())
                                    .put("sellerId", r.getUUID("seller_id").toString())
                                    .put("name", r.getString("name"))
                                    .put("description", r.getString("description"))
                                    .put(
                                        "categoryId",
                                        r.getUUID("category_id") == null
                                            ? null
                                            : r.getUUID("category_id").toString())
                                    .put("price", r.getLong("price"))
                                    .put("currency", r.getString("currency"))
                                    .put("status", r.getString("status"))
                                    .put("createdAt", r.getOffsetDateTime("created_at").toString())
                                    .put("updatedAt", r.getOffsetDateTime("updated_at").toString())
                                    .encode());
                      });
            })
        .listen(port);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: PrimaryKeyReads <http port> <postgres host:port> <ids file>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String postgres = args[1];
    PgConnectOptions database =
        new PgConnectOptions()
            .setHost(postgres.substring(0, postgres.lastIndexOf(':')))
            .setPort(Integer.parseInt(postgres.substring(postgres.lastIndexOf(':') + 1)))
            .setUser("postgres")
            .setPassword("")
            .setDatabase("emporium")
            .setCachePreparedStatements(true);
    Vertx vertx = Vertx.vertx();
    Pool once = PgBuilder.pool().connectingTo(database).using(vertx).build();
    List<UUID> found = new ArrayList<>();
    once.query(
            "SELECT id FROM catalog.products WHERE status = 'active' AND deleted_at IS NULL ORDER BY id")
        .execute()
        .await()
        .forEach(r -> found.add(r.getUUID("id")));
    once.close().await();
    if (found.isEmpty()) {
      System.err.println("no active products in catalog.products");
      System.exit(1);
    }
    StringBuilder lines = new StringBuilder(found.size() * 37);
    found.forEach(id -> lines.append(id).append('\n'));
    Files.writeString(Path.of(args[2]), lines, StandardCharsets.US_ASCII);
    UUID[] ids = found.toArray(UUID[]::new);
    vertx
        .deployVerticle(
            () -> new PrimaryKeyReads(port, database, ids),
            new DeploymentOptions().setInstances(INSTANCES))
        .await();
    System.out.println("primary-key reads of " + ids.length + " products on port " + port);
  }
}
