package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.ErrorReports;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every failure as an RFC 9457 problem document; a 5xx never carries internals. */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String TYPE_BASE = "https://emporium.dev/problems/";

  /** The routing context's key for the template of the route that handled the request. */
  private static final String ROUTE = "emporium.route";

  private Problems() {}

  /** The router's failure handler. */
  public static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiProblem problem;
    if (failure instanceof ApiProblem p) {
      problem = p;
    } else if (failure instanceof HttpException http) {
      problem = fromStatus(http.getStatusCode(), http.getPayload());
    } else if (failure == null || (ctx.statusCode() >= 400 && ctx.statusCode() < 500)) {
      problem = fromStatus(ctx.statusCode() <= 0 ? 500 : ctx.statusCode(), null);
    } else if ((problem = ApiProblem.ifUnavailable(failure)) != null) {
      LOG.atWarn()
          .addKeyValue("requestId", RequestIds.of(ctx))
          .log(
              "503 on {} {}: a dependency is unavailable: {}",
              ctx.request().method(),
              ctx.request().path(),
              failure.toString());
    } else {
      LOG.atError()
          .addKeyValue("requestId", RequestIds.of(ctx))
          .setCause(failure)
          .log("unhandled failure on {} {}", ctx.request().method(), ctx.request().path());
      problem =
          ApiProblem.of(
              500, "Something went wrong on our side; the request id identifies it in our logs.");
    }
    send(ctx, problem);
  }

  /** For the router's 404 and 405 error handlers, and other bare statuses. */
  public static ApiProblem fromStatus(int status, String detail) {
    String d =
        detail != null && !detail.isBlank()
            ? detail
            : switch (status) {
              case 400 -> "The request could not be read.";
              case 404 -> "There is nothing at this path.";
              case 405 -> "This path does not support that method.";
              case 403 -> "This origin or caller may not do that.";
              case 413 -> "The request body is larger than this server accepts.";
              case 415 -> "Send the body as application/json.";
              default ->
                  status >= 500
                      ? "Something went wrong on our side; the request id identifies it in our logs."
                      : ApiProblem.titleFor(status);
            };
    return ApiProblem.of(status, d);
  }

  /**
   * A request Vert.x could not decode (its line or headers too long, or malformed): a problem, then
   * the connection closes.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status =
        cause instanceof TooLongHttpLineException
            ? 414
            : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String detail =
        switch (status) {
          case 414 -> "The request line is longer than this server accepts.";
          case 431 -> "The request headers are larger than this server accepts.";
          default -> "The request could not be read.";
        };
    JsonObject body =
        new JsonObject()
            .put("type", TYPE_BASE + ApiProblem.of(status, detail).typeSlug())
            .put("title", ApiProblem.titleFor(status))
            .put("status", status)
            .put("detail", detail);
    request
        .response()
        .setStatusCode(status)
        .putHeader("Connection", "close")
        .putHeader("Content-Type", "application/problem+json")
        .end(body.encode());
  }

  /** Keeps the template of the route now handling the request, which a 5xx report names. */
  static void rememberRoute(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    if (route != null && route.getName() != null) {
      ctx.put(ROUTE, route.getName());
    }
  }

  public static void send(RoutingContext ctx, ApiProblem problem) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    if (problem.status() >= 500) {
      String route = ctx.get(ROUTE);
      ErrorReports.serverError(
          "edge",
          RequestIds.of(ctx),
          ctx.request().method().name(),
          route == null ? "(no route)" : route,
          problem.status(),
          ctx.failure());
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("type", TYPE_BASE + problem.typeSlug())
            .put("title", problem.title())
            .put("status", problem.status())
            .put("detail", problem.detail())
            .put("instance", ctx.request().path())
            .put("requestId", RequestIds.of(ctx));
    if (!problem.errors().isEmpty()) {
      JsonArray errors = new JsonArray();
      problem
          .errors()
          .forEach(
              e ->
                  errors.add(new JsonObject().put("field", e.field()).put("message", e.message())));
      body.put("errors", errors);
    }
    if (problem.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", problem.retryAfterSeconds().toString());
    }
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"emporium\"");
    }
    response
        .setStatusCode(problem.status())
        .putHeader("Content-Type", "application/problem+json")
        .end(body.encode());
  }
}
