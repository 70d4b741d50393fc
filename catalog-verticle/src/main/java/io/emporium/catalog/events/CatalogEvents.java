package io.emporium.catalog.events;

import io.emporium.common.events.Outbox;
import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.StockChanged;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/** The catalog's domain events, written to the {@code catalog} outbox in the caller's transaction. */
public final class CatalogEvents {
  public static final String TOPIC = "catalog.events";
  private final Outbox outbox = new Outbox("catalog");

  public Future<Void> stockLow(SqlConnection tx, UUID productId, StockChanged change) {
    return append(tx, productId, CatalogEvent.newBuilder().setStockLow(change), "StockLow");
  }

  public Future<Void> backInStock(SqlConnection tx, UUID productId, StockChanged change) {
    return append(tx, productId, CatalogEvent.newBuilder().setBackInStock(change), "BackInStock");
  }

  private Future<Void> append(SqlConnection tx, UUID productId, CatalogEvent.Builder event, String type) {
    UUID eventId = UUID.randomUUID();
    byte[] payload = event.setEventId(eventId.toString()).setProductId(productId.toString())
        .setOccurredAt(Instant.now().toString()).build().toByteArray();
    return outbox.append(tx, TOPIC, productId.toString(), eventId, type, payload);
  }
}
