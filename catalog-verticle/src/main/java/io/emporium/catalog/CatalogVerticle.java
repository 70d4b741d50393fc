package io.emporium.catalog;

import io.emporium.catalog.consume.OrderEventsConsumer;
import io.emporium.catalog.files.BucketImageFiles;
import io.emporium.catalog.files.DirectoryImageFiles;
import io.emporium.catalog.files.ImageFiles;
import io.emporium.catalog.files.ProductImages;
import io.emporium.catalog.grpc.CategoryRpcs;
import io.emporium.catalog.grpc.FollowRpcs;
import io.emporium.catalog.grpc.ImageRpcs;
import io.emporium.catalog.grpc.InventoryRpcs;
import io.emporium.catalog.grpc.ProductRpcs;
import io.emporium.catalog.grpc.ReservationRpcs;
import io.emporium.catalog.grpc.ReviewRpcs;
import io.emporium.catalog.grpc.SettingsRpcs;
import io.emporium.catalog.grpc.WishlistRpcs;
import io.emporium.catalog.publish.CatalogEvents;
import io.emporium.catalog.store.CategoryStore;
import io.emporium.catalog.store.FollowStore;
import io.emporium.catalog.store.ImageStore;
import io.emporium.catalog.store.InventoryStore;
import io.emporium.catalog.store.OfferStore;
import io.emporium.catalog.store.ProductSearchStore;
import io.emporium.catalog.store.ProductStore;
import io.emporium.catalog.store.PurchaseStore;
import io.emporium.catalog.store.ReservationMetrics;
import io.emporium.catalog.store.ReservationStore;
import io.emporium.catalog.store.ReviewStore;
import io.emporium.catalog.store.SettingsStore;
import io.emporium.catalog.store.WishlistStore;
import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.OutboxRelay;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.grpc.GrpcServers;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog service: owns the {@code catalog} schema and serves {@code emporium.catalog.v1} over
 * gRPC.
 */
public final class CatalogVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogVerticle.class);
  private static final long SWEEP_MILLIS = 1_000;
  private OutboxRelay relay;
  private EventConsumer orderEvents;
  private ReservationStore reservations;
  private final CatalogEvents events = new CatalogEvents();
  private ProductStore products;
  private ProductSearchStore search;
  private PurchaseStore purchases;
  private ProductImages images;
  private long sweeper = -1;
  private long recount = -1;

  public CatalogVerticle(EmporiumConfig config, MeterRegistry meters) {
    super(
        config, meters, "catalog", EmporiumConfig.Service.CATALOG, CatalogGrpcService.SERVICE_NAME);
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new ProductRpcs(products, search, new SettingsStore(pool), new OfferStore(pool))
        .bind(endpoints);
    new ReviewRpcs(products, new ReviewStore(pool, events), purchases).bind(endpoints);
    new CategoryRpcs(new CategoryStore(pool, events)).bind(endpoints);
    new FollowRpcs(new FollowStore(pool)).bind(endpoints);
    new WishlistRpcs(new WishlistStore(pool)).bind(endpoints);
    new SettingsRpcs(new SettingsStore(pool)).bind(endpoints);
    new InventoryRpcs(new InventoryStore(pool, events)).bind(endpoints);
    new ReservationRpcs(reservations).bind(endpoints);
    new ImageRpcs(vertx, products, images, config.imageMaxBytes).bind(endpoints);
  }

  /** Uploaded images arrive in one message. */
  @Override
  protected long maxMessageBytes() {
    return GrpcServers.maxMessageBytes(config.imageMaxBytes);
  }

  @Override
  protected Future<?> startBackground() {
    relay = new OutboxRelay(vertx, pool, config, "catalog").start();
    ReservationMetrics metrics = new ReservationMetrics(meters);
    reservations = new ReservationStore(pool, events, metrics);
    products = new ProductStore(pool, events);
    search = new ProductSearchStore(vertx, pool, config, products).start();
    purchases = new PurchaseStore(pool, products);
    orderEvents =
        new EventConsumer(
            vertx,
            pool,
            "catalog",
            parked,
            meters,
            "catalog-purchases",
            config.kafkaBootstrapServers,
            OrderEventsConsumer.TOPIC,
            config.eventRetry,
            new OrderEventsConsumer(purchases).handler());
    sweeper =
        vertx.setPeriodic(
            SWEEP_MILLIS,
            id ->
                reservations
                    .releaseExpired()
                    .onFailure(
                        e -> LOG.warn("releasing expired reservations failed: {}", e.toString())));
    recount =
        vertx.setPeriodic(
            1,
            config.metricsRefresh.toMillis(),
            id ->
                reservations
                    .unitsHeld()
                    .onSuccess(metrics::recount)
                    .onFailure(
                        e ->
                            LOG.warn(
                                "counting reserved units for /metrics failed: {}", e.toString())));
    ImageFiles files =
        config.imageBucket == null
            ? new DirectoryImageFiles(vertx.fileSystem(), config.dataDir.resolve("images"))
            : new BucketImageFiles(vertx, config.imageBucket);
    images = new ProductImages(new ImageStore(pool, events), files);
    return images.prepare().compose(v -> orderEvents.start());
  }

  @Override
  protected Future<?> stopBackground() {
    vertx.cancelTimer(sweeper);
    vertx.cancelTimer(recount);
    Future<?> consumer = orderEvents == null ? Future.succeededFuture() : orderEvents.stop();
    return consumer
        .eventually(() -> search == null ? Future.succeededFuture() : search.stop())
        .eventually(() -> relay == null ? Future.succeededFuture() : relay.stop());
  }
}
