package io.emporium.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code GET /metrics} for a process that runs no edge (the edge serves it on its own port), so
 * Prometheus can scrape its services.
 */
final class MetricsEndpoint {
  private MetricsEndpoint() {}

  static Future<HttpServer> listen(Vertx vertx, int port, PrometheusMeterRegistry registry) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    return vertx.createHttpServer().requestHandler(router).listen(port);
  }
}
