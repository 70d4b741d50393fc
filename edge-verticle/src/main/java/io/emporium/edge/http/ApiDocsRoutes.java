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
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The API described: {@code GET /api/v1/openapi.json} (the hand-kept {@code openapi/openapi.json}),
 * and {@code GET /docs}, Swagger UI reading it, served from the Swagger UI webjar on the classpath
 * (no CDN).
 */
public final class ApiDocsRoutes {
  private static final String DOCUMENT = "openapi/openapi.json";
  private static final String PAGE_FILES = "docs/";
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/";
  private static final String SWAGGER_UI_POM =
      "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  /** The files the page loads, with their types; nothing else under /docs is served. */
  private static final Map<String, String> OWN_FILES =
      Map.of("emporium-docs.js", "text/javascript; charset=utf-8");

  private static final Map<String, String> UI_FILES =
      Map.of(
          "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
          "swagger-ui.css", "text/css; charset=utf-8",
          "index.css", "text/css; charset=utf-8",
          "favicon-32x32.png", "image/png",
          "favicon-16x16.png", "image/png");

  /**
   * One file of the page, in memory: the bundle is 1.6 MB, too much to read from the jar on every
   * request.
   */
  private record Asset(String type, Buffer bytes) {}

  private final Buffer document;
  private final DescribedRoutes described;
  private final Buffer page;
  private final Map<String, Asset> assets;

  private ApiDocsRoutes(Buffer document, Buffer page, Map<String, Asset> assets) {
    this.document = document;
    this.described = new DescribedRoutes(document.toJsonObject());
    this.page = page;
    this.assets = assets;
  }

  /** The routes the document describes. */
  public DescribedRoutes described() {
    return described;
  }

  /** Reads the document, the page and its files once, off the event loop. */
  public static Future<ApiDocsRoutes> load(Vertx vertx) {
    return vertx.executeBlocking(
        () -> {
          String uiRoot = SWAGGER_UI + version(resource(SWAGGER_UI_POM)) + "/";
          Map<String, Asset> assets = new HashMap<>();
          OWN_FILES.forEach(
              (name, type) -> assets.put(name, new Asset(type, resource(PAGE_FILES + name))));
          UI_FILES.forEach(
              (name, type) -> assets.put(name, new Asset(type, resource(uiRoot + name))));
          return new ApiDocsRoutes(
              resource(DOCUMENT), resource(PAGE_FILES + "index.html"), Map.copyOf(assets));
        });
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
    String version = properties.getProperty("version");
    if (version == null) {
      throw new IllegalStateException(SWAGGER_UI_POM + " names no version");
    }
    return version;
  }

  /** {@code /openapi.json} on the API router: rate-limited like the rest of {@code /api/v1}. */
  public void mountDocument(Router api) {
    api.get("/openapi.json")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(document));
  }

  public void mountPage(Router router) {
    router
        .get("/docs")
        .handler(
            ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page));
    router.get("/docs/:asset").handler(this::asset);
  }

  void asset(RoutingContext ctx) {
    Asset asset = assets.get(ctx.pathParam("asset"));
    if (asset == null) {
      ctx.fail(ApiProblem.notFound("The docs page has no file " + ctx.pathParam("asset") + "."));
      return;
    }
    ctx.response()
        .putHeader("Content-Type", asset.type())
        .putHeader("Cache-Control", "public, max-age=3600")
        .end(asset.bytes());
  }
}
