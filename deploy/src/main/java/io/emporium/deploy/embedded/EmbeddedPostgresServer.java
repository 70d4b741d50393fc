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
  private final ChildWatchdog watchdog;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, ChildWatchdog watchdog) {
    this.postgres = postgres;
    this.watchdog = watchdog;
  }

  public static EmbeddedPostgresServer start(Path dataDir, int port)
      throws IOException, SQLException {
    Path data = dataDir.resolve("postgres");
    Files.createDirectories(data.getParent());
    stopOrphan(data);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(dataDir.resolve("postgres-bin").toFile())
            .setPort(port)
            .setPGStartupWait(Duration.ofSeconds(30))
            .setRegisterShutdownHook(false)
            .setServerConfig("max_connections", "200")
            .setServerConfig("synchronous_commit", "on")
            .start();
    ChildWatchdog watchdog;
    try {
      // pg_ctl detaches the postmaster from this JVM; fast shutdown (SIGINT) if the JVM dies,
      // SIGKILL 30 s later
      watchdog = ChildWatchdog.watch(postmasterPid(data), "INT", 30);
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e;
    }
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      ResultSet exists =
          s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
      if (!exists.next()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    }
    return new EmbeddedPostgresServer(postgres, watchdog);
  }

  /** The running postmaster's pid, the first line of its pid file. */
  public static long postmasterPid(Path data) throws IOException {
    try {
      return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
    } catch (RuntimeException e) {
      throw new IOException("no readable postmaster.pid in " + data, e);
    }
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
    Optional<ProcessHandle> orphan =
        ProcessHandle.of(pid)
            .filter(
                p ->
                    p.info().commandLine().map(cmd -> cmd.contains(data.toString())).orElse(false));
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
    try {
      postgres.close();
    } finally {
      watchdog.close();
    }
  }
}
