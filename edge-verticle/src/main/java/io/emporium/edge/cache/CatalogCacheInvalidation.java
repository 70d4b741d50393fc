package io.emporium.edge.cache;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.proto.events.v1.CatalogEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the catalog's change events ({@code catalog.events}) to the cache. */
public final class CatalogCacheInvalidation {
  public static final String TOPIC = "catalog.events";
  private static final Logger LOG = LoggerFactory.getLogger(CatalogCacheInvalidation.class);
  private final CatalogCache cache;

  public CatalogCacheInvalidation(CatalogCache cache) {
    this.cache = cache;
  }

  public Future<Void> apply(Buffer value) {
    CatalogEvent event;
    try {
      event = CatalogEvent.parseFrom(value.getBytes());
    } catch (InvalidProtocolBufferException e) {
      LOG.error("skipped an unreadable catalog event: {}", e.getMessage());
      return Future.succeededFuture();
    }
    return switch (event.getKindCase()) {
      // a new product has no page cached yet, but it may belong in listings
      case PRODUCT_CHANGED -> event.getProductChanged().getReason().equals("created")
          ? cache.retireListings() : cache.retireProduct(event.getProductId());
      case CATEGORY_CHANGED -> cache.retireCategories();
      default -> Future.succeededFuture();
    };
  }
}
