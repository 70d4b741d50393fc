package io.emporium.deploy;

import static io.emporium.deploy.Launchers.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.db.Database;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema migrations as a step of their own ({@code migrate}) and services that only check them
 * ({@code MIGRATE_ON_START=false}).
 */
@ExtendWith(TestPlatform.class)
class MigrationsIT {
  private static final List<String> SCHEMAS =
      List.of("identity", "catalog", "ordering", "payment", "realtime");

  /** What a finished process wrote: its exit status, standard output and standard error apart. */
  private record Exit(int status, String out, String err) {}

  private static Exit run(Map<String, String> env, Path dir, String name, String... args)
      throws Exception {
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p = launcher(env, out, args).redirectError(err.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " exited").isTrue();
    return new Exit(
        p.exitValue(),
        Files.readString(out, StandardCharsets.ISO_8859_1),
        Files.readString(err).strip());
  }

  @Test
  void migrateAppliesEverySchemaToTheConfiguredDatabaseOnceAndNeedsNoOtherSetting(@TempDir Path dir)
      throws Exception {
    EmporiumConfig shared = TestPlatform.config();
    String name = "migrate_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    TestPlatform.db().query("CREATE DATABASE " + name).execute().await();
    Map<String, String> env = new HashMap<>();
    env.put("DB_HOST", shared.database.host());
    env.put("DB_PORT", Integer.toString(shared.database.port()));
    env.put("DB_USER", shared.database.user());
    env.put("DB_PASS", shared.database.password());
    env.put("DB_NAME", name);
    Map<String, String> services = TestPlatform.backingServices();
    services.putAll(env);
    services.put("MIGRATE_ON_START", "false");
    EmporiumConfig config = EmporiumConfig.from(services);
    assertThat(config.migrateOnStart).isFalse();
    Vertx vertx = Vertx.vertx();
    io.vertx.core.Future<Void> empty = Database.checkMigrated(vertx, config, "catalog");
    empty.transform(done -> io.vertx.core.Future.succeededFuture()).await(30, TimeUnit.SECONDS);
    assertThat(empty.cause())
        .as("the check on an empty database")
        .isInstanceOf(Database.SchemaNotMigrated.class)
        .hasMessageStartingWith("schema catalog is at version none, this build needs ")
        .hasMessageEndingWith(
            "and MIGRATE_ON_START is false: run 'java -jar emporium.jar migrate' first");
    try {
      Exit first = run(env, dir, "first", "migrate");
      assertThat(first.status()).as(first.err()).isZero();
      for (String schema : SCHEMAS) {
        assertThat(first.out())
            .containsPattern("  " + schema + ": applied \\d+ migrations, now at version \\d+");
      }
      Map<String, Integer> history = history(shared.database, name);
      assertThat(history.keySet()).containsExactlyInAnyOrderElementsOf(SCHEMAS);

      Exit second = run(env, dir, "second", "migrate");
      assertThat(second.status()).as(second.err()).isZero();
      for (String schema : SCHEMAS) {
        assertThat(second.out()).containsPattern("  " + schema + ": up to date at version \\d+");
      }
      assertThat(history(shared.database, name))
          .as("a second migrate changes nothing")
          .isEqualTo(history);

      for (String schema : SCHEMAS) {
        Database.checkMigrated(vertx, config, schema).await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await();
      TestPlatform.db().query("DROP DATABASE " + name + " WITH (FORCE)").execute().await();
    }
  }

  /** Rows of each schema's Flyway history in that database. */
  private static Map<String, Integer> history(EmporiumConfig.Database db, String name)
      throws Exception {
    Map<String, Integer> rows = new HashMap<>();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + name,
                db.user(),
                db.password());
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    """
             SELECT table_schema FROM information_schema.tables WHERE table_name = 'flyway_schema_history'""")) {
      List<String> schemas = new java.util.ArrayList<>();
      while (r.next()) {
        schemas.add(r.getString(1));
      }
      for (String schema : schemas) {
        try (ResultSet count =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE success")) {
          count.next();
          rows.put(schema, count.getInt(1));
        }
      }
    }
    return rows;
  }

  @Test
  void afterMigrateInEmbeddedModeThePlatformStartsWithoutMigrating(@TempDir Path dir)
      throws Exception {
    Map<String, String> env = ports();
    env.put("DATA_DIR", dir.resolve("data").toString());
    Exit migrated = run(env, dir, "migrate", "migrate");
    assertThat(migrated.status()).as(migrated.err()).isZero();
    assertThat(migrated.out())
        .contains("DB_HOST is not set: migrating the embedded PostgreSQL in " + dir.resolve("data"))
        .contains("  identity: applied ")
        .contains("  realtime: applied ");
    Exit again = run(env, dir, "again", "migrate");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out())
        .doesNotContain(": applied ")
        .contains("  ordering: up to date at version ");

    env.put("MIGRATE_ON_START", "false");
    Process platform = startAndAwaitReady(env, dir.resolve("platform.log"));
    try {
      Api api = Api.connect(Integer.parseInt(env.get("APP_PORT")), "127.0.0.1");
      assertThat(api.get("/health/ready").status()).isEqualTo(200);
      assertThat(
              api.await(
                      java.time.Duration.ofSeconds(60),
                      () -> api.get("/api/v1/products?limit=1"),
                      r -> r.status() == 200 && r.json().getLong("total") > 0)
                  .json()
                  .getLong("total"))
          .as("the demo store, seeded into the migrated schemas")
          .isEqualTo(9);
      assertThat(Files.readString(dir.resolve("platform.log"))).doesNotContain("Migrating schema");
      terminate(platform);
    } finally {
      platform.destroyForcibly();
    }
  }

  @Test
  void withoutMigrationsAtStartAnEmptyDatabaseStopsStartUpWithOneLine(@TempDir Path dir)
      throws Exception {
    Map<String, String> env = ports();
    env.put("DATA_DIR", dir.resolve("data").toString());
    env.put("MIGRATE_ON_START", "false");
    Exit refused = run(env, dir, "refused");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err())
        .doesNotContain("\n")
        .matches(
            "emporium: start-up failed: schema (identity|catalog|ordering|payment|realtime)"
                + " is at version none, this build needs \\S+ \\(\\d+ migrations? not applied\\) and MIGRATE_ON_START is false: run 'java -jar"
                + " emporium.jar migrate' first");
  }

  @Test
  void migrateRefusesLaunchOptionsItDoesNotTake(@TempDir Path dir) throws Exception {
    Exit refused =
        run(
            Map.of("DATA_DIR", dir.resolve("data").toString()),
            dir,
            "refused",
            "migrate",
            "--ephemeral");
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).startsWith("emporium: migrate takes only --services");
    assertThat(Files.exists(dir.resolve("data"))).as("nothing started").isFalse();
  }
}
