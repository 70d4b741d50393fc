package io.emporium.catalog.publish;

import io.emporium.common.events.Outbox;
import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.CategoryChanged;
import io.emporium.proto.events.v1.ProductChanged;
import io.emporium.proto.events.v1.StockChanged;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

/**
 * The catalog's domain events, written to the {@code catalog} outbox in the caller's transaction.
 */
public final class CatalogEvents {
  public static final String TOPIC = "catalog.events";
  private final Outbox outbox = new Outbox("catalog");

  public Future<Void> stockLow(SqlConnection tx, UUID productId, StockChanged change) {
    return append(tx, productId, CatalogEvent.newBuilder().setStockLow(change), "StockLow");
  }

  public Future<Void> backInStock(SqlConnection tx, UUID productId, StockChanged change) {
    return append(tx, productId, CatalogEvent.newBuilder().setBackInStock(change), "BackInStock");
  }

  /** Something a product page or listing shows changed; caches of it are dropped. */
  public Future<Void> productChanged(SqlConnection tx, UUID productId, String reason) {
    return append(
        tx,
        productId,
        CatalogEvent.newBuilder().setProductChanged(ProductChanged.newBuilder().setReason(reason)),
        "ProductChanged");
  }

  public Future<Void> productsChanged(
      SqlConnection tx, Collection<UUID> productIds, String reason) {
    Future<Void> chain = Future.succeededFuture();
    for (UUID id : productIds) {
      chain = chain.compose(v -> productChanged(tx, id, reason));
    }
    return chain;
  }

  public Future<Void> categoryChanged(SqlConnection tx, UUID categoryId) {
    UUID eventId = UUID.randomUUID();
    byte[] payload =
        CatalogEvent.newBuilder()
            .setEventId(eventId.toString())
            .setOccurredAt(Instant.now().toString())
            .setCategoryChanged(CategoryChanged.newBuilder().setCategoryId(categoryId.toString()))
            .build()
            .toByteArray();
    return outbox.append(tx, TOPIC, categoryId.toString(), eventId, "CategoryChanged", payload);
  }

  private Future<Void> append(
      SqlConnection tx, UUID productId, CatalogEvent.Builder event, String type) {
    UUID eventId = UUID.randomUUID();
    byte[] payload =
        event
            .setEventId(eventId.toString())
            .setProductId(productId.toString())
            .setOccurredAt(Instant.now().toString())
            .build()
            .toByteArray();
    return outbox.append(tx, TOPIC, productId.toString(), eventId, type, payload);
  }
}
