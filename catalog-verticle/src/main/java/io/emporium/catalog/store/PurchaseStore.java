package io.emporium.catalog.store;

import io.emporium.proto.catalog.v1.ProductPage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** What customers bought (from paid orders), and the recommendations drawn from it. */
public final class PurchaseStore {
  private static final String RECORD =
      """
      WITH bought AS (
        INSERT INTO catalog.purchases (order_id, product_id, user_id, quantity, purchased_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT DO NOTHING RETURNING product_id, quantity
      )
      UPDATE catalog.products SET units_sold = units_sold + bought.quantity FROM bought WHERE products.id = bought.product_id""";

  /**
   * Best sellers in the categories the customer bought from, then best sellers anywhere; never what
   * they own.
   */
  private static final String RECOMMEND =
      """
      WITH owned AS (SELECT DISTINCT product_id FROM catalog.purchases WHERE user_id = $1),
           liked AS (SELECT DISTINCT p.category_id FROM catalog.products p JOIN owned o ON o.product_id = p.id
                     WHERE p.category_id IS NOT NULL)
      (SELECT p.id, 0 AS tier FROM catalog.products p
       WHERE p.category_id IN (SELECT category_id FROM liked) AND p.status = 'active' AND p.deleted_at IS NULL
         AND p.id NOT IN (SELECT product_id FROM owned)
       ORDER BY p.units_sold DESC, p.rating_average DESC, p.id DESC LIMIT $2)
      UNION ALL
      (SELECT p.id, 1 AS tier FROM catalog.products p
       WHERE p.status = 'active' AND p.deleted_at IS NULL AND p.id NOT IN (SELECT product_id FROM owned)
       ORDER BY p.units_sold DESC, p.rating_average DESC, p.id DESC LIMIT $2)
      ORDER BY tier""";

  private final Pool pool;
  private final ProductStore products;

  public PurchaseStore(Pool pool, ProductStore products) {
    this.pool = pool;
    this.products = products;
  }

  /**
   * Records an order's products as bought by the customer, once per order however often it is told.
   */
  public Future<Void> record(
      SqlConnection tx,
      UUID orderId,
      UUID customerId,
      Map<UUID, Integer> quantities,
      OffsetDateTime at) {
    if (quantities.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows =
        quantities.entrySet().stream()
            .map(q -> Tuple.of(orderId, q.getKey(), customerId, q.getValue(), at))
            .toList();
    return tx.preparedQuery(RECORD).executeBatch(rows).mapEmpty();
  }

  public Future<ProductPage> recommend(UUID customerId, int limit) {
    return pool.preparedQuery(RECOMMEND)
        .execute(Tuple.of(customerId, limit))
        .compose(
            rows -> {
              Set<UUID> ids = new LinkedHashSet<>();
              rows.forEach(r -> ids.add(r.getUUID("id")));
              return products.findAll(ids.stream().limit(limit).toList());
            })
        .map(found -> ProductPage.newBuilder().addAllProducts(found).build());
  }
}
