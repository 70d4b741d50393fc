package io.emporium.edge.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request: assigns the request id (echoing a sane client one), sets the
 * security headers, and writes one structured access-log line when the response ends.
 */
public final class RequestIds {
  private static final Logger ACCESS = LoggerFactory.getLogger("emporium.access");
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final String KEY = "requestId";

  private RequestIds() {}

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "unknown" : id;
  }

  public static void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String offered = request.getHeader("X-Request-Id");
    String id =
        offered != null && CLIENT_ID.matcher(offered).matches()
            ? offered
            : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    long start = System.nanoTime();
    ctx.response()
        .putHeader("X-Request-Id", id)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "frame-ancestors 'none'")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store");
    ctx.addBodyEndHandler(
        v ->
            ACCESS
                .atInfo()
                .addKeyValue("requestId", id)
                .addKeyValue("method", request.method().name())
                .addKeyValue("path", request.path())
                .addKeyValue("status", ctx.response().getStatusCode())
                .addKeyValue("durationMs", (System.nanoTime() - start) / 1_000_000)
                .log("request"));
    ctx.next();
  }
}
