package io.emporium.catalog;

import io.emporium.catalog.events.CatalogEvents;
import io.emporium.catalog.grpc.CategoryRpcs;
import io.emporium.catalog.grpc.InventoryRpcs;
import io.emporium.catalog.grpc.FollowRpcs;
import io.emporium.catalog.grpc.ImageRpcs;
import io.emporium.catalog.grpc.ProductRpcs;
import io.emporium.catalog.grpc.ReservationRpcs;
import io.emporium.catalog.grpc.SettingsRpcs;
import io.emporium.catalog.grpc.WishlistRpcs;
import io.emporium.catalog.store.CategoryStore;
import io.emporium.catalog.store.FollowStore;
import io.emporium.catalog.store.ImageStore;
import io.emporium.catalog.store.InventoryStore;
import io.emporium.catalog.store.ProductStore;
import io.emporium.catalog.store.ReservationStore;
import io.emporium.catalog.store.SettingsStore;
import io.emporium.catalog.store.WishlistStore;
import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.OutboxRelay;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.grpc.GrpcServers;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The catalog service: owns the {@code catalog} schema and serves {@code emporium.catalog.v1} over gRPC. */
public final class CatalogVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogVerticle.class);
  private static final long SWEEP_MILLIS = 1_000;
  private OutboxRelay relay;
  private ReservationStore reservations;
  private ImageStore images;
  private long sweeper = -1;

  public CatalogVerticle(EmporiumConfig config) {
    super(config, "catalog", EmporiumConfig.Service.CATALOG, CatalogGrpcService.SERVICE_NAME);
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new ProductRpcs(new ProductStore(pool), new SettingsStore(pool)).bind(endpoints);
    new CategoryRpcs(new CategoryStore(pool)).bind(endpoints);
    new FollowRpcs(new FollowStore(pool)).bind(endpoints);
    new WishlistRpcs(new WishlistStore(pool)).bind(endpoints);
    new SettingsRpcs(new SettingsStore(pool)).bind(endpoints);
    new InventoryRpcs(new InventoryStore(pool, new CatalogEvents())).bind(endpoints);
    new ReservationRpcs(reservations).bind(endpoints);
    new ImageRpcs(vertx, new ProductStore(pool), images, config.imageMaxBytes).bind(endpoints);
  }

  /** Uploaded images arrive in one message. */
  @Override
  protected long maxMessageBytes() {
    return GrpcServers.maxMessageBytes(config.imageMaxBytes);
  }

  @Override
  protected Future<?> startBackground() {
    relay = new OutboxRelay(vertx, pool, "catalog", config.kafkaBootstrapServers).start(200);
    reservations = new ReservationStore(pool);
    sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> reservations.releaseExpired()
        .onFailure(e -> LOG.warn("releasing expired reservations failed: {}", e.toString())));
    images = new ImageStore(pool, vertx.fileSystem(), config.dataDir.resolve("images"));
    return images.prepare();
  }

  @Override
  protected Future<?> stopBackground() {
    vertx.cancelTimer(sweeper);
    return relay == null ? Future.succeededFuture() : relay.stop();
  }
}
