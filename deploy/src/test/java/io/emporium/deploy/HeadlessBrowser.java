package io.emporium.deploy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, showing {@code src/test/browser/bridge.html}: a page that opens the
 * edge's event-bus bridge with the official Vert.x client from npm and POSTs what happens back to
 * the small server here, which also serves the page. The page's origin is {@link
 * TestPlatform#PAGE_ORIGIN}, another origin than the edge's, so its calls to the edge are
 * cross-origin as a storefront's are. One at a time (the page server's port is fixed); close it to
 * kill Chromium and delete its profile.
 */
final class HeadlessBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path PAGE_DIR = Path.of("src/test/browser").toAbsolutePath();

  /**
   * Where src/test/browser/setup.sh, run by Maven before the tests, says what it could not install.
   */
  private static final Path SETUP_DIR = Path.of("target/browser-setup").toAbsolutePath();

  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          // the page's console in Chromium's output, for failure messages
          "--enable-logging=stderr",
          "--log-level=0");

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> reports = new ArrayList<>();
  private final HttpServer server;
  private final Path profile;
  private final Path log;
  private final Process chromium;

  private HeadlessBrowser(String pageQuery) throws Exception {
    Router router = Router.router(vertx);
    router
        .post("/report")
        .handler(BodyHandler.create())
        .handler(
            rc -> {
              report(rc.body().asJsonObject());
              rc.response().setStatusCode(204).end();
            });
    router
        .route()
        .handler(
            StaticHandler.create(FileSystemAccess.ROOT, PAGE_DIR.toString())
                .setCachingEnabled(false));
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(TestPlatform.PAGE_PORT, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    profile = Files.createTempDirectory("emporium-chromium-");
    Files.createDirectories(SETUP_DIR);
    log = Files.createTempFile(SETUP_DIR, "chromium-", ".log");
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString()));
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + profile);
    command.add(
        TestPlatform.PAGE_ORIGIN
            + "/bridge.html?"
            + pageQuery
            + "&report="
            + encode(TestPlatform.PAGE_ORIGIN + "/report"));
    chromium =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Opens the bridge page for {@code userId} against the edge at {@code edgeUrl}: it registers for
   * {@code user.{userId}.orders} with the access token and reports each message. Fails, never
   * skips, when the build could not install Chromium or the page's packages.
   */
  static HeadlessBrowser openBridgePage(String edgeUrl, String accessToken, String userId)
      throws Exception {
    requireInstalled();
    return new HeadlessBrowser(
        "edge=" + encode(edgeUrl) + "&token=" + encode(accessToken) + "&user=" + encode(userId));
  }

  private static void requireInstalled() throws IOException {
    Path unavailable = SETUP_DIR.resolve("unavailable");
    if (Files.exists(unavailable)) {
      throw new AssertionError(
          "the browser test cannot run: " + Files.readString(unavailable).strip());
    }
    if (!Files.isExecutable(CHROMIUM)) {
      throw new AssertionError(
          "the browser test cannot run: "
              + CHROMIUM
              + " is missing; Maven runs "
              + PAGE_DIR.resolve("setup.sh")
              + " before the tests to install Debian's chromium (as root)");
    }
    if (!Files.exists(
        PAGE_DIR.resolve("node_modules/@vertx/eventbus-bridge-client.js/vertx-eventbus.js"))) {
      throw new AssertionError(
          "the browser test cannot run: the page's npm packages are missing; run 'npm ci' in "
              + PAGE_DIR);
    }
  }

  private synchronized void report(JsonObject event) {
    reports.add(event);
    notifyAll();
  }

  /**
   * The first report that matches, waiting up to {@code timeout}; fails with every report and
   * Chromium's output.
   */
  synchronized JsonObject awaitReport(Predicate<JsonObject> matching, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (JsonObject report : reports) {
        if (matching.test(report)) {
          return report;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !chromium.isAlive()) {
        throw new AssertionError(
            (chromium.isAlive()
                    ? "no such report in " + timeout.toSeconds() + " s"
                    : "Chromium exited")
                + "; the page reported "
                + reports
                + "; Chromium's output:\n"
                + chromiumOutput());
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
    }
  }

  /**
   * Waits until the page receives messages on {@code address}: probes (messages without a sequence
   * number) are published on the platform's event bus until the page reports one, so its
   * registration is known to be in place.
   */
  void awaitListening(String address, Duration timeout) throws InterruptedException {
    String probe = UUID.randomUUID().toString();
    Vertx platform = TestPlatform.platform().vertx();
    long timer =
        vertx.setPeriodic(
            0,
            200,
            id ->
                platform
                    .eventBus()
                    .publish(address, new JsonObject().put("type", "probe").put("probe", probe)));
    try {
      awaitReport(
          r ->
              "message".equals(r.getString("event"))
                  && r.getValue("body") instanceof JsonObject body
                  && probe.equals(body.getString("probe")),
          timeout);
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  synchronized List<JsonObject> reports() {
    return List.copyOf(reports);
  }

  private String chromiumOutput() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    try {
      chromium.descendants().forEach(ProcessHandle::destroyForcibly);
      chromium.destroyForcibly();
      chromium.waitFor(20, TimeUnit.SECONDS);
    } finally {
      try {
        server.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      } finally {
        try (Stream<Path> files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(log);
      }
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
