package io.emporium.ordering.store;

import io.emporium.proto.ordering.v1.CurrencyRevenue;
import io.emporium.proto.ordering.v1.ProductSales;
import io.emporium.proto.ordering.v1.SalesPeriod;
import io.emporium.proto.ordering.v1.SalesReportReply;
import io.emporium.proto.ordering.v1.SalesSummaryReply;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * Sales figures for admin reports, from the ordering schema only. An order counts in a window when
 * it reached {@code paid} inside it, whatever its status now (processing, shipped, delivered,
 * refunded, or cancelled after payment).
 */
public final class SalesStore {
  // the orders counted in [$1, $2): an order reaches paid at most once
  private static final String COUNTED =
      """
      SELECT order_id, at AS paid_at FROM ordering.order_status_history WHERE status = 'paid' AND at >= $1 AND at < $2""";
  private static final String REVENUE =
      "WITH counted AS ("
          + COUNTED
          + """
      )
      SELECT o.currency, count(*) AS orders, sum(o.total)::bigint AS gross, sum(o.refunded)::bigint AS refunds
      FROM ordering.orders o JOIN counted c ON c.order_id = o.id
      GROUP BY o.currency ORDER BY o.currency""";
  private static final String BY_STATUS =
      """
      SELECT status, count(*) AS orders FROM ordering.orders WHERE created_at >= $1 AND created_at < $2 GROUP BY status""";
  private static final String TOP_PRODUCTS =
      "WITH counted AS ("
          + COUNTED
          + """
      )
      SELECT i.product_id, o.currency, (array_agg(i.name ORDER BY o.created_at DESC, i.line))[1] AS name,
             CASE WHEN count(DISTINCT i.sku) = 1 THEN min(i.sku) ELSE '' END AS sku,
             sum(i.quantity)::bigint AS units, sum(i.unit_price * i.quantity)::bigint AS revenue
      FROM ordering.order_items i JOIN ordering.orders o ON o.id = i.order_id JOIN counted c ON c.order_id = o.id
      GROUP BY i.product_id, o.currency
      ORDER BY %s, i.product_id, o.currency
      LIMIT 10""";
  // $3 is day, week or month (date_trunc's week starts on Monday, as ISO weeks do); every period of
  // the window, sold or not
  private static final String REPORT =
      "WITH counted AS ("
          + COUNTED
          + """
      ), periods AS (
        SELECT generate_series(date_trunc($3, $1 AT TIME ZONE 'UTC'), ($2 AT TIME ZONE 'UTC') - interval '1 microsecond',
                               ('1 ' || $3)::interval) AS start
      ), sold AS (
        SELECT date_trunc($3, c.paid_at AT TIME ZONE 'UTC') AS start, count(*) AS orders,
               sum((SELECT sum(i.quantity) FROM ordering.order_items i WHERE i.order_id = o.id))::bigint AS units,
               sum(o.subtotal)::bigint AS gross, sum(o.discount)::bigint AS discounts, sum(o.refunded)::bigint AS refunds,
               sum(o.shipping)::bigint AS shipping, sum(o.tax)::bigint AS tax
        FROM counted c JOIN ordering.orders o ON o.id = c.order_id
        WHERE o.currency = $4
        GROUP BY 1
      )
      SELECT to_char(p.start, 'YYYY-MM-DD') AS period, coalesce(s.orders, 0) AS orders, coalesce(s.units, 0) AS units,
             coalesce(s.gross, 0) AS gross, coalesce(s.discounts, 0) AS discounts, coalesce(s.refunds, 0) AS refunds,
             coalesce(s.shipping, 0) AS shipping, coalesce(s.tax, 0) AS tax
      FROM periods p LEFT JOIN sold s ON s.start = p.start
      ORDER BY p.start""";

  private final Pool pool;

  public SalesStore(Pool pool) {
    this.pool = pool;
  }

  /** Revenue, orders by status and top products of the window [from, to). */
  public Future<SalesSummaryReply> summary(OffsetDateTime from, OffsetDateTime to) {
    Tuple window = Tuple.of(from, to);
    Future<RowSet<Row>> revenue = pool.preparedQuery(REVENUE).execute(window);
    Future<RowSet<Row>> byStatus = pool.preparedQuery(BY_STATUS).execute(window);
    Future<RowSet<Row>> byUnits =
        pool.preparedQuery(TOP_PRODUCTS.formatted("units DESC, revenue DESC")).execute(window);
    Future<RowSet<Row>> byRevenue =
        pool.preparedQuery(TOP_PRODUCTS.formatted("revenue DESC, units DESC")).execute(window);
    return Future.all(revenue, byStatus, byUnits, byRevenue)
        .map(
            x -> {
              SalesSummaryReply.Builder reply = SalesSummaryReply.newBuilder();
              revenue
                  .result()
                  .forEach(
                      r ->
                          reply.addRevenue(
                              CurrencyRevenue.newBuilder()
                                  .setCurrency(r.getString("currency"))
                                  .setOrders(r.getLong("orders"))
                                  .setGross(r.getLong("gross"))
                                  .setRefunds(r.getLong("refunds"))));
              byStatus
                  .result()
                  .forEach(
                      r -> reply.putOrdersByStatus(r.getString("status"), r.getLong("orders")));
              byUnits.result().forEach(r -> reply.addTopByUnits(productSales(r)));
              byRevenue.result().forEach(r -> reply.addTopByRevenue(productSales(r)));
              return reply.build();
            });
  }

  /**
   * Every {@code groupBy} period of [from, to) in UTC, with the sales in {@code currency} of the
   * orders paid in it.
   */
  public Future<SalesReportReply> report(
      OffsetDateTime from, OffsetDateTime to, String groupBy, String currency) {
    return pool.preparedQuery(REPORT)
        .execute(Tuple.of(from, to, groupBy, currency))
        .map(
            rows -> {
              SalesReportReply.Builder reply = SalesReportReply.newBuilder();
              for (Row r : rows) {
                long gross = r.getLong("gross");
                long discounts = r.getLong("discounts");
                long refunds = r.getLong("refunds");
                reply.addPeriods(
                    SalesPeriod.newBuilder()
                        .setPeriod(r.getString("period"))
                        .setOrders(r.getLong("orders"))
                        .setUnits(r.getLong("units"))
                        .setGross(gross)
                        .setDiscounts(discounts)
                        .setRefunds(refunds)
                        .setShipping(r.getLong("shipping"))
                        .setTax(r.getLong("tax"))
                        .setNet(gross - discounts - refunds));
              }
              return reply.build();
            });
  }

  private static ProductSales productSales(Row r) {
    return ProductSales.newBuilder()
        .setProductId(r.getUUID("product_id").toString())
        .setSku(r.getString("sku"))
        .setName(r.getString("name"))
        .setCurrency(r.getString("currency"))
        .setUnits(r.getLong("units"))
        .setRevenue(r.getLong("revenue"))
        .build();
  }
}
