package io.emporium.edge.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** A REST endpoint: a request in, a future reply out; failures become problem documents. */
@FunctionalInterface
public interface Endpoint {
  /**
   * Set on a HEAD request the router answers as its GET, so an endpoint whose GET begins something
   * can refuse a HEAD (a link checker's, a prefetch) instead.
   */
  String HEAD = "emporium.head";

  Future<Reply> handle(RoutingContext ctx);

  /** Whether the request is a HEAD answered as its GET. */
  static boolean isHead(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(HEAD));
  }

  /** Adapts an endpoint to a route handler. */
  static Handler<RoutingContext> of(Endpoint endpoint) {
    return ctx -> {
      Problems.rememberRoute(ctx);
      Future<Reply> reply;
      try {
        reply = endpoint.handle(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      reply.onComplete(
          ar -> {
            if (ar.failed()) {
              ctx.fail(ar.cause());
              return;
            }
            if (ctx.response().ended()) {
              return;
            }
            Reply r = ar.result();
            ctx.response().setStatusCode(r.status());
            if (r.body() == null) {
              ctx.response().end();
            } else {
              ctx.response().putHeader("Content-Type", "application/json").end(r.body().toString());
            }
          });
    };
  }
}
