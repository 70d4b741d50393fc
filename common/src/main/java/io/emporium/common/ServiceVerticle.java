package io.emporium.common;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.db.Database;
import io.emporium.common.events.ParkedMessages;
import io.emporium.common.events.ParkingAdmin;
import io.emporium.common.grpc.CallerSignature;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.grpc.GrpcServers;
import io.emporium.common.grpc.ParkingRpcs;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.common.ServiceName;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/**
 * What every service verticle does the same way: migrate its own schema, open its pool, start its
 * background parts, then serve its gRPC contract (with health) on its own port. Stop is the
 * reverse.
 */
public abstract class ServiceVerticle extends VerticleBase {
  private static final long DRAIN_SECONDS = 10;
  protected final EmporiumConfig config;

  /** The process's registry: what is recorded here is scraped at {@code /metrics}. */
  protected final MeterRegistry meters;

  private final String schema;
  private final EmporiumConfig.Service service;
  private final ServiceName serviceName;
  protected Pool pool;

  /** This service's parked messages, for its consumers; set once the pool is open. */
  protected ParkedMessages parked;

  private long parkedRecount = -1;
  private HttpServer server;

  protected ServiceVerticle(
      EmporiumConfig config,
      MeterRegistry meters,
      String schema,
      EmporiumConfig.Service service,
      ServiceName serviceName) {
    this.config = config;
    this.meters = meters;
    this.schema = schema;
    this.service = service;
    this.serviceName = serviceName;
  }

  /** Binds this service's RPCs; the pool is open. */
  protected abstract void bind(GrpcEndpoints endpoints);

  /** Starts consumers, relays and timers; the pool is open, the gRPC port not yet. */
  protected Future<?> startBackground() {
    return Future.succeededFuture();
  }

  protected Future<?> stopBackground() {
    return Future.succeededFuture();
  }

  /** Connections in this service's pool. */
  protected int poolSize() {
    return 8;
  }

  /** Largest gRPC message this service accepts. */
  protected long maxMessageBytes() {
    return GrpcServers.DEFAULT_MAX_MESSAGE_BYTES;
  }

  @Override
  public final Future<?> start() {
    return Database.prepareSchema(vertx, config, schema)
        .compose(
            v -> {
              pool = Database.pool(vertx, config, schema, poolSize());
              parked =
                  new ParkedMessages(
                      pool, schema, service.name().toLowerCase(java.util.Locale.ROOT), meters);
              parkedRecount =
                  vertx.setPeriodic(1, config.metricsRefresh.toMillis(), id -> parked.recount());
              return startBackground();
            })
        .compose(
            v ->
                GrpcServers.serve(
                    vertx,
                    config,
                    config.grpc.get(service).port(),
                    serviceName,
                    () -> pool.query("SELECT 1").execute().map(true),
                    new CallerSignature(config.jwtSecret),
                    maxMessageBytes(),
                    endpoints -> {
                      bind(endpoints);
                      new ParkingRpcs(new ParkingAdmin(pool, schema, parked)).bind(endpoints);
                    }))
        .onSuccess(s -> server = s)
        // Vert.x does not call stop() after a failed start: stop the consumers and timers already
        // started here
        .recover(
            failure -> {
              vertx.cancelTimer(parkedRecount);
              return stopBackground().transform(ignored -> Future.failedFuture(failure));
            });
  }

  @Override
  public final Future<?> stop() {
    Future<?> closing =
        server == null
            ? Future.succeededFuture()
            : server.shutdown(DRAIN_SECONDS, TimeUnit.SECONDS);
    return closing
        .eventually(
            () -> {
              vertx.cancelTimer(parkedRecount);
              return stopBackground();
            })
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
