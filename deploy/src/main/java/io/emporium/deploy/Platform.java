package io.emporium.deploy;

import io.emporium.catalog.CatalogVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.Service;
import io.emporium.edge.EdgeVerticle;
import io.emporium.ordering.OrderVerticle;
import io.emporium.payment.PaymentVerticle;
import io.emporium.realtime.RealtimeVerticle;
import io.emporium.realtime.mail.DevMailbox;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Vert.x instance running the chosen verticles; services first, the edge last, stopped in
 * reverse.
 */
public final class Platform {
  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  /**
   * A dozen fixed buckets for the edge's response times, so dashboards show p50/p95 per route at a
   * small series cost.
   */
  private static final MeterFilter HTTP_LATENCY_BUCKETS =
      new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(
            Meter.Id id, DistributionStatisticConfig config) {
          if (!id.getName().equals("vertx.http.server.response.time")) {
            return config;
          }
          double[] bounds =
              Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
                  .mapToDouble(millis -> Duration.ofMillis(millis).toNanos())
                  .toArray();
          return DistributionStatisticConfig.builder()
              .serviceLevelObjectives(bounds)
              .build()
              .merge(config);
        }
      };

  /**
   * A request passes several routes (a sub-router's mount point, the endpoint, the mount point
   * again on failure) and Vert.x labels it with all their names joined by {@code >}: the longest,
   * the endpoint's template, is the route.
   */
  private static final MeterFilter ROUTE_TEMPLATES =
      new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
          String route = id.getTag(Label.HTTP_ROUTE.toString());
          if (route == null
              || !route.contains(">")
              || !id.getName().startsWith("vertx.http.server.")) {
            return id;
          }
          String template =
              Stream.of(route.split(">"))
                  .max(Comparator.comparingInt(String::length))
                  .orElse(route);
          return id.replaceTags(Tags.of(id.getTags()).and(Label.HTTP_ROUTE.toString(), template));
        }
      };

  /**
   * Netty's allocator metrics tell allocators apart by their identity hash, a new number every
   * start: one of each type runs.
   */
  private static final MeterFilter NO_ALLOCATOR_IDS =
      new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
          if (!id.getName().startsWith("netty.allocator.") || id.getTag("id") == null) {
            return id;
          }
          return id.replaceTags(
              Tags.of(id.getTags().stream().filter(t -> !t.getKey().equals("id")).toList()));
        }
      };

  private final Vertx vertx;
  private final List<String> serviceDeployments = new ArrayList<>();
  private String edgeDeployment;

  /** Serves /metrics when this process runs no edge; closed with Vert.x. */
  private HttpServer metricsServer;

  private Platform(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The platform's Vert.x, for launcher steps after start (the demo store). */
  Vertx vertx() {
    return vertx;
  }

  /**
   * Deploys the services, then the edge, on a Vert.x of their own, which joins the cluster first
   * when {@code CLUSTER_ENABLED}; fails (and closes Vert.x) when any start fails.
   */
  public static Future<Platform> start(
      EmporiumConfig config, Set<Service> services, DevMailbox devMailbox) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .meterFilter(ROUTE_TEMPLATES)
        .meterFilter(NO_ALLOCATOR_IDS)
        .meterFilter(HTTP_LATENCY_BUCKETS);
    VertxOptions options =
        new VertxOptions()
            .setMetricsOptions(
                new MicrometerMetricsOptions()
                    .setEnabled(true)
                    .setJvmMetricsEnabled(true)
                    .setNettyMetricsEnabled(true)
                    .setLabels(
                        EnumSet.of(
                            Label.HTTP_METHOD,
                            Label.HTTP_CODE,
                            Label.HTTP_ROUTE,
                            Label.POOL_TYPE,
                            Label.POOL_NAME))
                    .setClientRequestTagsProvider(Platform::rpcTag));
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    if (!config.cluster.enabled()) {
      return deploy(builder.with(options).build(), config, services, devMailbox, registry);
    }
    long joining = System.nanoTime();
    return builder
        .with(options.setEventBusOptions(ClusteredEventBus.eventBusOptions(config.cluster)))
        .withClusterManager(ClusteredEventBus.clusterManager(config.cluster))
        .buildClustered()
        .onSuccess(
            vertx ->
                LOG.info(
                    "joined the event-bus cluster {} as {}:{} in {} ms",
                    config.cluster.name(),
                    config.cluster.host(),
                    config.cluster.port(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joining)))
        .compose(vertx -> deploy(vertx, config, services, devMailbox, registry));
  }

  private static Future<Platform> deploy(
      Vertx vertx,
      EmporiumConfig config,
      Set<Service> services,
      DevMailbox devMailbox,
      PrometheusMeterRegistry registry) {
    Platform platform = new Platform(vertx);
    List<Future<String>> deployments = new ArrayList<>();
    if (services.contains(Service.CATALOG)) {
      deployments.add(vertx.deployVerticle(new CatalogVerticle(config, registry)));
    }
    if (services.contains(Service.ORDERING)) {
      deployments.add(vertx.deployVerticle(new OrderVerticle(config, registry)));
    }
    if (services.contains(Service.PAYMENT)) {
      deployments.add(vertx.deployVerticle(new PaymentVerticle(config, registry)));
    }
    if (services.contains(Service.REALTIME)) {
      deployments.add(vertx.deployVerticle(new RealtimeVerticle(config, registry, devMailbox)));
    }
    // join, not all: a failed start waits for the other services' starts to end before Vert.x
    // closes under them
    return Future.join(deployments)
        .onSuccess(all -> deployments.forEach(d -> platform.serviceDeployments.add(d.result())))
        .compose(
            v ->
                services.contains(Service.EDGE)
                    ? vertx
                        .deployVerticle(
                            () -> new EdgeVerticle(config, registry),
                            new DeploymentOptions().setInstances(config.edgeInstances))
                        .onSuccess(id -> platform.edgeDeployment = id)
                        .<Void>mapEmpty()
                    : MetricsEndpoint.listen(vertx, config.metricsPort, registry)
                        .onSuccess(server -> platform.metricsServer = server)
                        .<Void>mapEmpty())
        .map(platform)
        .recover(failure -> vertx.close().transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * The port this process serves /metrics on apart from the edge (the edge serves it on its own);
   * -1 when the edge runs here.
   */
  int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  /**
   * gRPC calls are HTTP/2 requests: tag them with the RPC's path (a fixed set), anything else as
   * other.
   */
  private static Iterable<Tag> rpcTag(HttpRequest request) {
    String uri = request.uri();
    return Tags.of(
        "rpc", uri.startsWith("/emporium.") || uri.startsWith("/grpc.health.") ? uri : "other");
  }

  /**
   * Stops accepting requests and drains in-flight work at the edge, stops the services, then closes
   * Vert.x. Blocks; call it from a thread that is not Vert.x's own.
   */
  public void stop(Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    TimeoutException late = null;
    try {
      if (edgeDeployment != null) {
        vertx.undeploy(edgeDeployment).await(remaining(deadline), TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      late = e;
    } finally {
      try {
        Future.join(serviceDeployments.stream().map(vertx::undeploy).toList())
            .await(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        late = e;
      } finally {
        vertx
            .close()
            .await(
                Math.max(remaining(deadline), TimeUnit.SECONDS.toNanos(2)), TimeUnit.NANOSECONDS);
      }
    }
    if (late != null) {
      throw late;
    }
  }

  private static long remaining(long deadline) {
    return Math.max(1, deadline - System.nanoTime());
  }
}
