package io.emporium.deploy;

import static io.emporium.deploy.Launchers.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code SENTRY_DSN} set, the launcher reports a 5xx answer and a failed start through the
 * Sentry SDK to that DSN (here a local listener): the route template, request id, service and
 * release, and no personal data.
 */
class ErrorTrackingIT {
  private final List<String> received = new CopyOnWriteArrayList<>();
  private HttpServer sentry;

  @BeforeEach
  void listen() throws IOException {
    sentry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sentry.createContext(
        "/",
        exchange -> {
          received.add(
              body(
                  exchange.getRequestBody(),
                  "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    sentry.start();
  }

  @AfterEach
  void stop() {
    sentry.stop(0);
  }

  private String dsn() {
    return "http://publickey@127.0.0.1:" + sentry.getAddress().getPort() + "/7";
  }

  @Test
  void a5xxOfTheEdgeIsReportedWithItsRouteTemplateAndWithoutPersonalData(@TempDir Path dir)
      throws Exception {
    Map<String, String> env = ports();
    env.put("SENTRY_DSN", dsn());
    env.put("SENTRY_ENVIRONMENT", "error-tracking-test");
    env.put("DATA_DIR", dir.resolve("data").toString());
    // the edge alone: the catalog it calls is not there, so a product read is a 503
    Process edge = startAndAwaitReady(env, dir.resolve("edge.log"), "--services=edge");
    try {
      Api api = Api.connect(Integer.parseInt(env.get("APP_PORT")), "127.0.0.1");
      Api.Response search = api.get("/api/v1/products?q=jane.doe%40example.com");
      assertThat(search.status()).as(search.toString()).isEqualTo(503);
      String requestId = search.json().getString("requestId");
      String report = await(r -> r.contains(requestId));
      assertThat(report)
          .contains(
              "\"service\":\"edge\"",
              "\"route\":\"/api/v1/products\"",
              "\"status\":\"503\"",
              "\"environment\":\"error-tracking-test\"",
              "\"release\":\"emporium@");
      assertThat(String.join("\n", received)).doesNotContain("jane.doe", "example.com");
      terminate(edge);
    } finally {
      edge.destroyForcibly();
    }
  }

  @Test
  void aFailedStartIsReportedBeforeTheLauncherExits(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Map<String, String> env = ports();
      env.put("SENTRY_DSN", dsn());
      env.put("CATALOG_GRPC_PORT", Integer.toString(taken.getLocalPort()));
      Process p = launcher(env, dir.resolve("failed.log"), "--ephemeral").start();
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the launcher exited").isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      String report = await(r -> r.contains("start-up failed"));
      assertThat(report).contains("\"level\":\"fatal\"", "\"service\":\"launcher\"");
    }
  }

  private String await(java.util.function.Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (String r : received) {
        if (wanted.test(r)) {
          return r;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no such report among " + received.size() + ": " + received);
  }

  private static String body(InputStream in, boolean gzip) throws IOException {
    try (InputStream body = gzip ? new GZIPInputStream(in) : in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      body.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
