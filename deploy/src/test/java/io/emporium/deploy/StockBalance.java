package io.emporium.deploy;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.assertj.core.api.SoftAssertions;

/**
 * The stock invariant the crash and topology tests check once everything settled: initial =
 * available + sold + held, nothing held, and the catalog committed what the paid orders bought.
 */
record StockBalance(long available, long sold, long held) {
  /** Runs a statement against the platform's database, however the test reaches it. */
  @FunctionalInterface
  interface Query {
    RowSet<Row> run(String sql, Object... params);
  }

  private static final String SQL =
      """
      SELECT v.stock - v.reserved AS available, v.reserved AS held,
             (SELECT coalesce(sum(i.quantity), 0) FROM ordering.order_items i JOIN ordering.orders o ON o.id = i.order_id
              WHERE i.sku = v.sku AND o.status = 'paid') AS sold,
             (SELECT coalesce(sum(ri.quantity), 0) FROM catalog.reservation_items ri JOIN catalog.reservations r USING (order_id)
              WHERE ri.sku = v.sku AND r.status = 'committed') AS committed
      FROM catalog.variants v WHERE v.sku = $1""";

  /** Checks the SKU's balance against the stock it started with; answers what it found. */
  static StockBalance check(SoftAssertions invariants, Query query, String sku, long initial) {
    Row s = query.run(SQL, sku).iterator().next();
    StockBalance b = new StockBalance(s.getLong("available"), s.getLong("sold"), s.getLong("held"));
    invariants
        .assertThat(b.available + b.sold + b.held)
        .as(
            "%s: initial %d = available %d + sold %d + held %d",
            sku, initial, b.available, b.sold, b.held)
        .isEqualTo(initial);
    invariants.assertThat(b.held).as("%s: units still held after settling", sku).isZero();
    invariants
        .assertThat(s.getLong("committed"))
        .as("%s: units the catalog committed vs units in paid orders", sku)
        .isEqualTo(b.sold);
    return b;
  }
}
