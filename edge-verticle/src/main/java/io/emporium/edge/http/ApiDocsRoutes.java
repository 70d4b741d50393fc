package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The API described: {@code GET /api/v1/openapi.json} (the hand-kept {@code openapi/openapi.json}), and {@code GET /docs},
 * Swagger UI reading it, served from the Swagger UI webjar on the classpath (no CDN).
 */
public final class ApiDocsRoutes {
  private static final String DOCUMENT = "openapi/openapi.json";
  private static final String PAGE_FILES = "docs/";
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/";
  private static final String SWAGGER_UI_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
  /** The files the page loads, with their types; nothing else under /docs is served. */
  private static final Map<String, String> OWN_FILES = Map.of("emporium-docs.js", "text/javascript; charset=utf-8");
  private static final Map<String, String> UI_FILES = Map.of(
      "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
      "swagger-ui.css", "text/css; charset=utf-8",
      "index.css", "text/css; charset=utf-8",
      "favicon-32x32.png", "image/png",
      "favicon-16x16.png", "image/png");

  private final Vertx vertx;
  private final Buffer document;
  private final Buffer page;
  private final String uiRoot;

  private ApiDocsRoutes(Vertx vertx, Buffer document, Buffer page, String uiRoot) {
    this.vertx = vertx;
    this.document = document;
    this.page = page;
    this.uiRoot = uiRoot;
  }

  /** Reads the document, the page and the webjar's version once, off the event loop. */
  public static Future<ApiDocsRoutes> load(Vertx vertx) {
    return vertx.executeBlocking(() -> new ApiDocsRoutes(vertx, resource(DOCUMENT), resource(PAGE_FILES + "index.html"),
        SWAGGER_UI + version(resource(SWAGGER_UI_POM)) + "/"));
  }

  /** A classpath resource's bytes, read straight from its jar or directory (blocking). */
  private static Buffer resource(String name) {
    try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String version(Buffer pom) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(pom.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  /** {@code /openapi.json} on the API router: rate-limited like the rest of {@code /api/v1}. */
  public void mountDocument(Router api) {
    api.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(document));
  }

  public void mountPage(Router router) {
    router.get("/docs").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page));
    router.get("/docs/:asset").handler(this::asset);
  }

  void asset(RoutingContext ctx) {
    String name = ctx.pathParam("asset");
    String type = OWN_FILES.containsKey(name) ? OWN_FILES.get(name) : UI_FILES.get(name);
    if (type == null) {
      ctx.fail(ApiProblem.notFound("The docs page has no file " + name + "."));
      return;
    }
    String path = (OWN_FILES.containsKey(name) ? PAGE_FILES : uiRoot) + name;
    vertx.executeBlocking(() -> resource(path), false)
        .onFailure(ctx::fail)
        .onSuccess(bytes -> ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "public, max-age=3600").end(bytes));
  }
}
