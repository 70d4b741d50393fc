package io.emporium.deploy.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real PostgreSQL 17 started from the JVM, its data kept under the data directory. */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  public static final String USER = "postgres";
  public static final String DATABASE = "emporium";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException, SQLException {
    Path data = dataDir.resolve("postgres");
    Files.createDirectories(data.getParent());
    stopOrphan(data);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setOverrideWorkingDirectory(dataDir.resolve("postgres-bin").toFile())
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(30))
        .setRegisterShutdownHook(false)
        .setServerConfig("max_connections", "200")
        .setServerConfig("synchronous_commit", "on")
        .start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      ResultSet exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
      if (!exists.next()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    }
    return new EmbeddedPostgresServer(postgres);
  }

  /** A server left running on this data directory by a launcher that was killed: stop it first. */
  private static void stopOrphan(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    } catch (RuntimeException e) {
      return;
    }
    Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
        .filter(p -> p.info().commandLine().map(cmd -> cmd.contains(data.toString())).orElse(false));
    if (orphan.isPresent()) {
      LOG.warn("stopping PostgreSQL {} left running on {} by an earlier run", pid, data);
      orphan.get().destroy();
      try {
        orphan.get().onExit().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("PostgreSQL " + pid + " still holds " + data, e);
      }
    }
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
