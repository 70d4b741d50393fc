package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.deploy.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged launcher run as operators run it: a child JVM with environment variables, a log file
 * and signals.
 */
final class Launchers {
  private static final Duration READY_PATIENCE = Duration.ofSeconds(90);

  private Launchers() {}

  /**
   * The launcher with these settings and arguments, its output in {@code log}; the test JVM's own
   * settings do not leak in.
   */
  static ProcessBuilder launcher(Map<String, String> env, Path log, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                Emporium.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(false)
            .redirectOutput(log.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("DB_")
                    || k.startsWith("SMTP_")
                    || k.startsWith("STRIPE_")
                    || k.startsWith("PAYPAL_")
                    || k.equals("REDIS_URL")
                    || k.equals("KAFKA_BOOTSTRAP_SERVERS")
                    || k.equals("JWT_SECRET")
                    || k.equals("DATA_DIR"));
    pb.environment().putAll(env);
    return pb;
  }

  /** Starts the launcher and waits for its ready message. */
  static Process startAndAwaitReady(Map<String, String> env, Path log, String... args)
      throws Exception {
    Process p = launcher(env, log, args).start();
    long deadline = System.nanoTime() + READY_PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)
          && Files.readString(log, StandardCharsets.ISO_8859_1).contains("Emporium ready in")) {
        return p;
      }
      assertThat(p.isAlive())
          .as("launcher died: " + (Files.exists(log) ? Files.readString(log) : ""))
          .isTrue();
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new AssertionError("not ready in " + READY_PATIENCE.toSeconds() + " s");
  }

  /** SIGTERM, and the clean exit it promises. */
  static void terminate(Process p) throws Exception {
    p.destroy();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops within 60 s of SIGTERM").isTrue();
    assertThat(p.exitValue()).as("exit status after SIGTERM").isZero();
  }

  /** Free ports for the edge, the metrics endpoint and every service's gRPC server. */
  static Map<String, String> ports() {
    Map<String, String> env = new HashMap<>();
    env.put("APP_PORT", Integer.toString(TestPlatform.freePort()));
    env.put("METRICS_PORT", Integer.toString(TestPlatform.freePort()));
    for (String s : List.of("CATALOG", "ORDERING", "PAYMENT", "REALTIME", "IDENTITY")) {
      env.put(s + "_GRPC_PORT", Integer.toString(TestPlatform.freePort()));
    }
    return env;
  }

  /**
   * The embedded PostgreSQL's postmaster on this data directory (pg_ctl detaches it from the
   * launcher).
   */
  static ProcessHandle postmaster(Path dataDir) throws IOException {
    return ProcessHandle.of(EmbeddedPostgresServer.postmasterPid(dataDir.resolve("postgres")))
        .orElseThrow();
  }

  /** The embedded PostgreSQL's port, from its pid file (a free port is chosen at each start). */
  static int postgresPort(Path dataDir) throws IOException {
    return Integer.parseInt(
        Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).strip());
  }

  /**
   * Every process the launcher started: its own children (Redis, the watchdogs) and PostgreSQL with
   * its workers.
   */
  static List<ProcessHandle> startedBy(Process launcher, Path dataDir) throws IOException {
    List<ProcessHandle> all = new ArrayList<>(launcher.descendants().toList());
    ProcessHandle postmaster = postmaster(dataDir);
    all.add(postmaster);
    all.addAll(postmaster.descendants().toList());
    return all;
  }

  /**
   * The command lines of those processes still running once {@code patience} has passed (or all
   * have ended).
   */
  static List<String> stillRunning(List<ProcessHandle> processes, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    return processes.stream().filter(ProcessHandle::isAlive).map(Launchers::command).toList();
  }

  static ProcessHandle redisOf(Process launcher) {
    return launcher
        .descendants()
        .filter(h -> h.isAlive() && command(h).contains("redis-server"))
        .findFirst()
        .orElseThrow();
  }

  static void signal(ProcessHandle process, String signal) throws Exception {
    assertThat(
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .start()
                .waitFor())
        .isZero();
  }

  static String command(ProcessHandle h) {
    return h.info().commandLine().orElse(h.info().command().orElse("pid " + h.pid()));
  }
}
