package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.edge.EdgeVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document the edge serves: it describes exactly the routes of the edge's real router,
 * passes Redocly's linter, and {@code /docs} shows it with nothing loaded from elsewhere.
 */
@ExtendWith(TestPlatform.class)
class OpenApiIT {
  private static final Path LINTER_DIR = Path.of("src/test/openapi").toAbsolutePath();
  private static final Path LINTER_SETUP = Path.of("target/openapi-lint-setup").toAbsolutePath();
  private static final Path DOCUMENT =
      Path.of("../edge-verticle/src/main/resources/openapi/openapi.json")
          .toAbsolutePath()
          .normalize();

  /**
   * The SockJS bridge's own router serves its protocol's paths; the document lists only the entry
   * points clients use.
   */
  private static final String BRIDGE_MOUNT = "/eventbus";

  private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");
  private static final Pattern PAGE_REFERENCE = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

  private static Vertx vertx;
  private static EdgeVerticle edge;

  /** An edge of this test's own, like the platform's, so that its router can be read. */
  @BeforeAll
  static void startAnEdge() throws Exception {
    Map<String, String> env = TestPlatform.extraEdge();
    env.keySet().removeIf(name -> name.startsWith("CLUSTER_"));
    env.put("DEV_MAILBOX", Boolean.toString(TestPlatform.config().devMailbox));
    vertx = Vertx.vertx();
    edge =
        new EdgeVerticle(
            EmporiumConfig.from(env), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    vertx.deployVerticle(edge).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopIt() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theDocumentDescribesEveryRouteTheEdgeServesAndNoOther(Api api) {
    Api.Response served = api.get("/api/v1/openapi.json");
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header("Content-Type")).isEqualTo("application/json");
    JsonObject document = served.json();
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");

    Set<String> described = new TreeSet<>();
    document
        .getJsonObject("paths")
        .forEach(
            path ->
                ((JsonObject) path.getValue())
                    .fieldNames()
                    .forEach(method -> described.add(method.toUpperCase() + " " + path.getKey())));
    Set<String> routes = new TreeSet<>();
    Set<String> bridgeRoutes = new TreeSet<>();
    collect(edge.router(), "", routes, bridgeRoutes);

    Set<String> describedRoutes =
        described.stream()
            .filter(r -> !r.contains(" " + BRIDGE_MOUNT + "/"))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> describedBridge =
        described.stream()
            .filter(r -> r.contains(" " + BRIDGE_MOUNT + "/"))
            .collect(Collectors.toCollection(TreeSet::new));
    SoftAssertions.assertSoftly(
        softly -> {
          softly
              .assertThat(difference(routes, describedRoutes))
              .as("routes the edge serves that the document does not describe")
              .isEmpty();
          softly
              .assertThat(difference(describedRoutes, routes))
              .as("routes the document describes that the edge does not serve")
              .isEmpty();
          softly
              .assertThat(describedBridge)
              .as("the bridge's entry points, described")
              .isNotEmpty();
          softly
              .assertThat(difference(describedBridge, bridgeRoutes))
              .as("bridge paths the document describes that the bridge does not serve")
              .isEmpty();
        });
  }

  /**
   * Every method and path of a router, its sub-routers' under their mount points, with {@code :id}
   * written {@code {id}}.
   */
  private static void collect(
      Router router, String mount, Set<String> routes, Set<String> bridgeRoutes) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null) {
        // a regex route cannot be compared with the document: it fails the test unless it is the
        // bridge's own
        if (route.isRegexPath()) {
          routes.add("REGEX " + mount + " " + route.getName());
        }
        // a pathless route for some methods only would serve paths nobody described; HEAD is
        // rerouted as GET
        if (route.methods() != null
            && !route.methods().isEmpty()
            && !route.methods().equals(java.util.Set.of(HttpMethod.HEAD))) {
          routes.add("PATHLESS " + mount + " " + route.methods());
        }
        // the rest handle every request: request ids, CORS, bodies, auth, rate limits, failures
        continue;
      }
      String full =
          mount
              + (path.endsWith("/") && path.length() > 1
                  ? path.substring(0, path.length() - 1)
                  : path);
      if (route.getSubRouter() != null) {
        collect(
            route.getSubRouter(),
            full,
            full.equals(BRIDGE_MOUNT) ? bridgeRoutes : routes,
            bridgeRoutes);
        continue;
      }
      String templated = PATH_PARAM.matcher(full).replaceAll("{$1}");
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        routes.add("ANY " + templated);
      } else {
        methods.forEach(m -> routes.add(m.name() + " " + templated));
      }
    }
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.removeAll(b);
    return out;
  }

  @Test
  void theDocumentPassesRedoclysRecommendedRules(Api api) throws Exception {
    Path unavailable = LINTER_SETUP.resolve("unavailable");
    if (Files.exists(unavailable)) {
      throw new AssertionError(
          "the OpenAPI linter cannot run: " + Files.readString(unavailable).strip());
    }
    Path redocly = LINTER_DIR.resolve("node_modules/.bin/redocly");
    if (!Files.isExecutable(redocly)) {
      throw new AssertionError(
          redocly
              + " is missing: src/test/openapi/setup.sh did not install it (see "
              + LINTER_SETUP.resolve("setup.log")
              + ")");
    }
    assertThat(
            Arrays.equals(
                api.get("/api/v1/openapi.json").body().getBytes(), Files.readAllBytes(DOCUMENT)))
        .as("the edge serves " + DOCUMENT + " as it is")
        .isTrue();
    Path errors = LINTER_SETUP.resolve("lint.stderr");
    Path out = LINTER_SETUP.resolve("lint.json");
    ProcessBuilder lint =
        new ProcessBuilder(
                redocly.toString(),
                "lint",
                DOCUMENT.toString(),
                "--config",
                LINTER_DIR.resolve("redocly.yaml").toString(),
                "--format=json")
            .directory(LINTER_DIR.toFile())
            .redirectError(errors.toFile())
            .redirectOutput(out.toFile());
    lint.environment().put("REDOCLY_TELEMETRY", "off");
    lint.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    Process process = lint.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the linter did not finish within 120 s: " + Files.readString(errors));
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    JsonObject report;
    try {
      report = new JsonObject(output);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "the linter (exit "
              + process.exitValue()
              + ") said: "
              + output
              + Files.readString(errors));
    }
    List<String> problems = new ArrayList<>();
    report
        .getJsonArray("problems", new JsonArray())
        .forEach(
            p -> {
              JsonObject problem = (JsonObject) p;
              JsonArray at = problem.getJsonArray("location", new JsonArray());
              problems.add(
                  problem.getString("severity")
                      + " "
                      + problem.getString("ruleId")
                      + " at "
                      + (at.isEmpty() ? "?" : at.getJsonObject(0).getString("pointer"))
                      + ": "
                      + problem.getString("message"));
            });
    assertThat(problems).as("Redocly's errors and warnings").isEmpty();
    JsonObject totals = report.getJsonObject("totals");
    assertThat(totals).as("the linter's totals, in " + output).isNotNull();
    assertThat(totals.getInteger("errors")).as("errors").isZero();
    assertThat(totals.getInteger("warnings")).as("warnings").isZero();
    assertThat(process.exitValue())
        .as("the linter's exit status; it said " + Files.readString(errors))
        .isZero();
  }

  @Test
  void theDocsPageLoadsOnlyWhatThisEdgeServes(Api api) {
    Api.Response page = api.get("/docs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    List<String> references = new ArrayList<>();
    Matcher m = PAGE_REFERENCE.matcher(page.body().toString());
    while (m.find()) {
      references.add(m.group(1));
    }
    assertThat(references)
        .as("the page's scripts and styles")
        .isNotEmpty()
        .allSatisfy(
            ref ->
                assertThat(ref)
                    .as("served here, not by another host")
                    .startsWith("/")
                    .doesNotStartWith("//"));
    for (String ref : references) {
      Api.Response asset = api.get(ref);
      assertThat(asset.status()).as(ref).isEqualTo(200);
      assertThat(asset.body().length()).as(ref).isPositive();
    }
    String script = api.get("/docs/emporium-docs.js").body().toString();
    assertThat(script).contains("\"/api/v1/openapi.json\"").doesNotContain("http://", "https://");
    assertThat(references)
        .contains("/docs/emporium-docs.js", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css");
  }

  @Test
  void onlyThePagesOwnFilesAreServedUnderDocs(Api api) {
    Api.Response other = api.get("/docs/swagger-initializer.js");
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(api.get("/docs/..%2Fopenapi%2Fopenapi.json").status()).isEqualTo(404);
  }
}
