package io.emporium.catalog.store;

import io.emporium.catalog.domain.StockLevels;
import io.emporium.catalog.publish.CatalogEvents;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.Reservation;
import io.emporium.proto.catalog.v1.ReservedItem;
import io.emporium.proto.events.v1.StockChanged;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Stock reservations: each item is taken with one conditional update (available >= quantity), all
 * of an order's items in one transaction, so stock is never oversold and an order gets all or none.
 */
public final class ReservationStore {
  private static final String CLAIM =
      """
      INSERT INTO catalog.reservations (order_id, status, expires_at) VALUES ($1, 'held', $2)
      ON CONFLICT (order_id) DO NOTHING""";
  private static final String TOMBSTONE =
      """
      INSERT INTO catalog.reservations (order_id, status, expires_at) VALUES ($1, 'released', now())
      ON CONFLICT (order_id) DO NOTHING""";
  private static final String TAKE =
      """
      UPDATE catalog.variants v SET reserved = reserved + $2
      FROM catalog.products p
      WHERE v.sku = $1 AND v.removed_at IS NULL AND p.id = v.product_id AND p.status = 'active' AND p.deleted_at IS NULL
        AND v.stock - v.reserved >= $2""";
  private static final String ADD_ITEM =
      "INSERT INTO catalog.reservation_items (order_id, sku, quantity) VALUES ($1, $2, $3)";
  private static final String READ =
      """
      SELECT r.order_id, r.status, r.expires_at, i.sku, i.quantity
      FROM catalog.reservations r LEFT JOIN catalog.reservation_items i ON i.order_id = r.order_id
      WHERE r.order_id = $1 ORDER BY i.sku""";
  private static final String LOCK =
      "SELECT status FROM catalog.reservations WHERE order_id = $1 FOR UPDATE";
  private static final String SET_STATUS =
      "UPDATE catalog.reservations SET status = $2, updated_at = now() WHERE order_id = $1";
  private static final String COMMIT_ITEMS =
      """
      UPDATE catalog.variants v SET stock = v.stock - i.quantity, reserved = v.reserved - i.quantity
      FROM catalog.reservation_items i WHERE i.order_id = $1 AND v.sku = i.sku""";
  private static final String RETURN_ITEMS =
      """
      UPDATE catalog.variants v SET stock = v.stock + i.quantity
      FROM catalog.reservation_items i WHERE i.order_id = $1 AND v.sku = i.sku AND (cardinality($2::text[]) = 0 OR i.sku = ANY($2))""";
  private static final String RELEASE_ITEMS =
      """
      UPDATE catalog.variants v SET reserved = v.reserved - i.quantity
      FROM catalog.reservation_items i WHERE i.order_id = $1 AND v.sku = i.sku""";
  // variants are always locked in sku order, as reserve takes them, so settling cannot deadlock
  // with reserving
  private static final String LOCK_ITEMS =
      """
      SELECT 1 FROM catalog.variants v JOIN catalog.reservation_items i ON i.sku = v.sku
      WHERE i.order_id = $1 ORDER BY v.sku FOR UPDATE OF v""";
  private static final String EXPIRED =
      """
      SELECT order_id FROM catalog.reservations WHERE status = 'held' AND expires_at < now()
      ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED""";
  private static final String UNITS_HELD =
      "SELECT coalesce(sum(reserved), 0) AS units FROM catalog.variants";

  private static final String LEVELS_OF_ORDER =
      """
      SELECT v.sku, v.product_id, p.seller_id, v.stock - v.reserved AS available, i.quantity,
             coalesce(p.low_stock_threshold, (SELECT low_stock_threshold FROM catalog.settings)) AS threshold
      FROM catalog.reservation_items i JOIN catalog.variants v ON v.sku = i.sku JOIN catalog.products p ON p.id = v.product_id
      WHERE i.order_id = $1 AND (cardinality($2::text[]) = 0 OR i.sku = ANY($2))
      ORDER BY v.sku""";

  private final Pool pool;
  private final CatalogEvents events;
  private final ReservationMetrics metrics;

  public ReservationStore(Pool pool, CatalogEvents events, ReservationMetrics metrics) {
    this.pool = pool;
    this.events = events;
    this.metrics = metrics;
  }

  /**
   * Announces that the availability of the order's products moved by the order's quantities ({@code
   * sign} -1: taken, +1: put back, 0: unchanged), and every low-stock threshold that move crossed.
   */
  private Future<Void> stockMoved(SqlConnection tx, UUID orderId, int sign, List<String> skus) {
    Tuple args =
        Tuple.tuple()
            .addValue(orderId)
            .addValue(skus == null ? new String[0] : skus.toArray(String[]::new));
    return tx.preparedQuery(LEVELS_OF_ORDER)
        .execute(args)
        .compose(
            rows -> {
              Set<UUID> products = new LinkedHashSet<>();
              Future<Void> chain = Future.succeededFuture();
              for (Row r : rows) {
                UUID productId = r.getUUID("product_id");
                products.add(productId);
                int after = r.getInteger("available");
                int threshold = r.getInteger("threshold");
                StockChanged change =
                    StockChanged.newBuilder()
                        .setSku(r.getString("sku"))
                        .setSellerId(r.getUUID("seller_id").toString())
                        .setAvailable(after)
                        .setThreshold(threshold)
                        .build();
                Optional<StockLevels.Crossing> crossed =
                    StockLevels.crossing(after - sign * r.getInteger("quantity"), after, threshold);
                if (crossed.isPresent()) {
                  chain =
                      chain.compose(
                          v ->
                              crossed.get() == StockLevels.Crossing.FELL_TO_LOW
                                  ? events.stockLow(tx, productId, change)
                                  : events.backInStock(tx, productId, change));
                }
              }
              return chain.compose(v -> events.productsChanged(tx, products, "stock"));
            });
  }

  /**
   * Holds every item or none; a repeat for the same order answers the reservation it made
   * (released: nothing held).
   */
  public Future<Reservation> reserve(
      UUID orderId, Map<String, Integer> items, OffsetDateTime expiresAt) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(CLAIM)
                .execute(Tuple.of(orderId, expiresAt))
                .compose(
                    claimed -> {
                      if (claimed.rowCount() == 0) {
                        return read(tx, orderId);
                      }
                      // sku order: concurrent orders lock variants in the same order and cannot
                      // deadlock
                      Map<String, Integer> sorted = new TreeMap<>(Comparator.naturalOrder());
                      sorted.putAll(items);
                      List<String> short_ = new ArrayList<>();
                      Future<Void> chain = Future.succeededFuture();
                      for (Map.Entry<String, Integer> item : sorted.entrySet()) {
                        chain =
                            chain.compose(
                                v ->
                                    tx.preparedQuery(TAKE)
                                        .execute(Tuple.of(item.getKey(), item.getValue()))
                                        .compose(
                                            taken -> {
                                              if (taken.rowCount() == 0) {
                                                short_.add(item.getKey());
                                                return Future.succeededFuture();
                                              }
                                              return tx.preparedQuery(ADD_ITEM)
                                                  .execute(
                                                      Tuple.of(
                                                          orderId, item.getKey(), item.getValue()))
                                                  .mapEmpty();
                                            }));
                      }
                      return chain.compose(
                          v -> {
                            if (!short_.isEmpty()) {
                              metrics.refused();
                              return Future.failedFuture(outOfStock(short_));
                            }
                            metrics.reached(tx, ReservationMetrics.HELD, 1);
                            return stockMoved(tx, orderId, -1, null)
                                .compose(x -> read(tx, orderId));
                          });
                    }));
  }

  public Future<Reservation> commit(UUID orderId) {
    return settle(orderId, "held", "committed", COMMIT_ITEMS);
  }

  public Future<Reservation> release(UUID orderId) {
    return settle(orderId, "held", "released", RELEASE_ITEMS);
  }

  /**
   * Puts the stock of a committed reservation back on sale, all of it or the named skus; once per
   * reservation.
   */
  public Future<Reservation> giveBack(UUID orderId, List<String> skus) {
    return settle(orderId, "committed", "returned", RETURN_ITEMS, skus);
  }

  /** Releases held reservations whose time is up; answers how many. */
  public Future<Integer> releaseExpired() {
    return pool.withTransaction(
        tx ->
            tx.query(EXPIRED)
                .execute()
                .compose(
                    rows -> {
                      Future<Void> chain = Future.succeededFuture();
                      for (Row row : rows) {
                        UUID orderId = row.getUUID("order_id");
                        chain =
                            chain
                                .compose(
                                    v -> tx.preparedQuery(LOCK_ITEMS).execute(Tuple.of(orderId)))
                                .compose(
                                    v ->
                                        tx.preparedQuery(RELEASE_ITEMS)
                                            .execute(Tuple.of(orderId))
                                            .compose(
                                                x ->
                                                    tx.preparedQuery(SET_STATUS)
                                                        .execute(Tuple.of(orderId, "released")))
                                            .compose(x -> stockMoved(tx, orderId, 1, null)));
                      }
                      metrics.reached(tx, ReservationMetrics.EXPIRED, rows.size());
                      return chain.map(rows.size());
                    }));
  }

  /** Units held by reservations now, over every variant. */
  public Future<Long> unitsHeld() {
    return pool.query(UNITS_HELD).execute().map(rows -> rows.iterator().next().getLong("units"));
  }

  /**
   * Moves a reservation from {@code from} to its end state once; repeating the same end state is a
   * no-op, any other is 409.
   */
  private Future<Reservation> settle(UUID orderId, String from, String end, String itemsUpdate) {
    return settle(orderId, from, end, itemsUpdate, null);
  }

  private Future<Reservation> settle(
      UUID orderId, String from, String end, String itemsUpdate, List<String> skus) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(LOCK)
                .execute(Tuple.of(orderId))
                .compose(
                    rows -> {
                      if (rows.size() == 0 && end.equals("released")) {
                        // released before it was made (the reserve call is late): the tombstone
                        // makes that reserve hold nothing
                        return tx.preparedQuery(TOMBSTONE)
                            .execute(Tuple.of(orderId))
                            .compose(v -> read(tx, orderId));
                      }
                      if (rows.size() == 0) {
                        return Future.failedFuture(
                            ApiProblem.notFound("No reservation for order " + orderId + "."));
                      }
                      String status = rows.iterator().next().getString("status");
                      if (status.equals(end)) {
                        return read(tx, orderId);
                      }
                      if (!status.equals(from)) {
                        return Future.failedFuture(
                            ApiProblem.conflict(
                                "The reservation for order "
                                    + orderId
                                    + " is already "
                                    + status
                                    + "."));
                      }
                      return tx.preparedQuery(LOCK_ITEMS)
                          .execute(Tuple.of(orderId))
                          .compose(
                              v ->
                                  tx.preparedQuery(itemsUpdate)
                                      .execute(
                                          skus == null
                                              ? Tuple.of(orderId)
                                              : Tuple.tuple()
                                                  .addValue(orderId)
                                                  .addValue(skus.toArray(String[]::new))))
                          .compose(
                              v -> tx.preparedQuery(SET_STATUS).execute(Tuple.of(orderId, end)))
                          .onSuccess(v -> metrics.reached(tx, end, 1))
                          .compose(
                              v -> stockMoved(tx, orderId, end.equals("committed") ? 0 : 1, skus))
                          .compose(v -> read(tx, orderId));
                    }));
  }

  private static Future<Reservation> read(SqlConnection tx, UUID orderId) {
    return tx.preparedQuery(READ)
        .execute(Tuple.of(orderId))
        .map(
            rows -> {
              Reservation.Builder r = Reservation.newBuilder().setOrderId(orderId.toString());
              for (Row row : rows) {
                r.setStatus(row.getString("status"))
                    .setExpiresAt(
                        DateTimeFormatter.ISO_INSTANT.format(
                            row.getOffsetDateTime("expires_at")
                                .withOffsetSameInstant(ZoneOffset.UTC)));
                if (row.getString("sku") != null) {
                  r.addItems(
                      ReservedItem.newBuilder()
                          .setSku(row.getString("sku"))
                          .setQuantity(row.getInteger("quantity")));
                }
              }
              return r.build();
            });
  }

  private static ApiProblem outOfStock(List<String> skus) {
    List<ApiProblem.FieldError> errors =
        skus.stream()
            .map(s -> new ApiProblem.FieldError("items." + s, "not enough stock"))
            .toList();
    return new ApiProblem(
        409,
        ApiProblem.titleFor(409),
        "Not enough stock for " + String.join(", ", skus) + ".",
        errors,
        null);
  }
}
