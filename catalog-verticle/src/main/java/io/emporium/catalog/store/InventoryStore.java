package io.emporium.catalog.store;

import io.emporium.catalog.domain.StockLevels;
import io.emporium.catalog.publish.CatalogEvents;
import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.InventoryLevel;
import io.emporium.proto.catalog.v1.LowStockList;
import io.emporium.proto.catalog.v1.LowStockVariant;
import io.emporium.proto.events.v1.StockChanged;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Stock of variants: every change is locked, bounded, recorded, and announced when it crosses the
 * threshold.
 */
public final class InventoryStore {
  private static final String LOCK =
      """
      SELECT v.sku, v.product_id, v.stock, v.reserved, p.seller_id,
             coalesce(p.low_stock_threshold, (SELECT low_stock_threshold FROM catalog.settings)) AS threshold
      FROM catalog.variants v JOIN catalog.products p ON p.id = v.product_id
      WHERE v.sku = $1 AND v.removed_at IS NULL AND p.deleted_at IS NULL
      FOR UPDATE OF v""";
  // available <= threshold, where the threshold is the product's own, else the store's
  private static final String LOW_STOCK =
      """
      SELECT v.sku, v.product_id, p.name, p.seller_id, v.stock - v.reserved AS available,
             coalesce(p.low_stock_threshold, s.low_stock_threshold) AS threshold
      FROM catalog.variants v JOIN catalog.products p ON p.id = v.product_id CROSS JOIN catalog.settings s
      WHERE v.removed_at IS NULL AND p.deleted_at IS NULL
        AND v.stock - v.reserved <= coalesce(p.low_stock_threshold, s.low_stock_threshold)
      ORDER BY available, p.created_at DESC, v.sku
      LIMIT $1""";
  private static final String SET_STOCK = "UPDATE catalog.variants SET stock = $2 WHERE sku = $1";
  private static final String RECORD =
      """
      INSERT INTO catalog.inventory_changes (sku, actor_id, actor_role, change, before, after) VALUES ($1, $2, $3, $4, $5, $6)""";

  private final Pool pool;
  private final CatalogEvents events;
  private final AuditTrail audit = new AuditTrail("catalog");

  public InventoryStore(Pool pool, CatalogEvents events) {
    this.pool = pool;
    this.events = events;
  }

  /**
   * Applies an absolute ({@code available}) or relative ({@code delta}) change by the variant's
   * seller or an admin, audited.
   */
  public Future<InventoryLevel> adjust(
      CallContext caller, String sku, Integer available, Integer delta) {
    UUID actor = caller.requireRole("seller", "admin");
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(LOCK)
                .execute(Tuple.of(sku))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.failedFuture(
                            ApiProblem.notFound("No variant with sku " + sku + "."));
                      }
                      Row v = rows.iterator().next();
                      if (!caller.isAdmin() && !v.getUUID("seller_id").equals(actor)) {
                        return Future.failedFuture(
                            ApiProblem.forbidden("This variant belongs to another seller."));
                      }
                      int stock = v.getInteger("stock");
                      int reserved = v.getInteger("reserved");
                      int threshold = v.getInteger("threshold");
                      int newStock =
                          StockLevels.newStock(stock, reserved, available, delta)
                              .orElseThrow(
                                  () ->
                                      ApiProblem.conflict(
                                          "Available stock of "
                                              + sku
                                              + " is "
                                              + (stock - reserved)
                                              + "; the change would take it below zero or above "
                                              + StockLevels.MAX_STOCK
                                              + "."));
                      int before = stock - reserved;
                      int after = newStock - reserved;
                      UUID productId = v.getUUID("product_id");
                      StockChanged change =
                          StockChanged.newBuilder()
                              .setSku(sku)
                              .setSellerId(v.getUUID("seller_id").toString())
                              .setAvailable(after)
                              .setThreshold(threshold)
                              .build();
                      return tx.preparedQuery(SET_STOCK)
                          .execute(Tuple.of(sku, newStock))
                          .compose(
                              x ->
                                  tx.preparedQuery(RECORD)
                                      .execute(
                                          Tuple.of(
                                              sku,
                                              actor,
                                              caller.role(),
                                              available != null ? "set" : "delta",
                                              before,
                                              after)))
                          .compose(
                              x ->
                                  audit.record(
                                      tx,
                                      caller,
                                      "inventory.adjusted",
                                      "sku",
                                      sku,
                                      new JsonObject()
                                          .put("productId", productId.toString())
                                          .put("stock", stock)
                                          .put("available", before),
                                      new JsonObject()
                                          .put("productId", productId.toString())
                                          .put("stock", newStock)
                                          .put("available", after)
                                          .put(
                                              available != null ? "setAvailable" : "delta",
                                              available != null ? available : delta)))
                          .compose(
                              x ->
                                  StockLevels.crossing(before, after, threshold)
                                      .map(
                                          c ->
                                              c == StockLevels.Crossing.FELL_TO_LOW
                                                  ? events.stockLow(tx, productId, change)
                                                  : events.backInStock(tx, productId, change))
                                      .orElse(Future.succeededFuture()))
                          .compose(x -> events.productChanged(tx, productId, "stock"))
                          .map(
                              x ->
                                  InventoryLevel.newBuilder()
                                      .setSku(sku)
                                      .setProductId(productId.toString())
                                      .setStock(newStock)
                                      .setReserved(reserved)
                                      .setAvailable(after)
                                      .setThreshold(threshold)
                                      .build());
                    }));
  }

  /** Variants at or below their threshold, least available first (ties: newest product first). */
  public Future<LowStockList> lowStock(int limit) {
    return pool.preparedQuery(LOW_STOCK)
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              LowStockList.Builder list = LowStockList.newBuilder();
              for (Row r : rows) {
                list.addVariants(
                    LowStockVariant.newBuilder()
                        .setProductId(r.getUUID("product_id").toString())
                        .setSku(r.getString("sku"))
                        .setName(r.getString("name"))
                        .setSellerId(r.getUUID("seller_id").toString())
                        .setAvailable(r.getInteger("available"))
                        .setThreshold(r.getInteger("threshold")));
              }
              return list.build();
            });
  }
}
