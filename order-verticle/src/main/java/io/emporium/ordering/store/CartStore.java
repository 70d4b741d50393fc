package io.emporium.ordering.store;

import io.emporium.proto.ordering.v1.Cart;
import io.emporium.proto.ordering.v1.CartItem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Carts and their items in the {@code ordering} schema. */
public final class CartStore {
  public static final String DEFAULT_CURRENCY = "usd";
  private static final String CART_OF_USER = """
      SELECT c.id, c.currency, c.discount_code, i.id AS item_id, i.product_id, i.sku, i.name, i.unit_price, i.quantity
      FROM ordering.carts c
      LEFT JOIN ordering.cart_items i ON i.cart_id = c.id
      WHERE c.user_id = $1
      ORDER BY i.added_at, i.id""";

  private final Pool pool;

  public CartStore(Pool pool) {
    this.pool = pool;
  }

  /** The user's cart with stored lines and totals; an empty cart when they have none yet. */
  public Future<Cart> cartOf(UUID userId) {
    return pool.preparedQuery(CART_OF_USER).execute(Tuple.of(userId)).map(rows -> {
      Cart.Builder cart = Cart.newBuilder().setCurrency(DEFAULT_CURRENCY);
      long subtotal = 0;
      for (Row row : rows) {
        cart.setId(row.getUUID("id").toString()).setCurrency(row.getString("currency"));
        if (row.getString("discount_code") != null) {
          cart.setDiscountCode(row.getString("discount_code"));
        }
        if (row.getUUID("item_id") != null) {
          long line = row.getLong("unit_price") * row.getInteger("quantity");
          subtotal = Math.addExact(subtotal, line);
          cart.addItems(CartItem.newBuilder()
              .setId(row.getUUID("item_id").toString())
              .setProductId(row.getUUID("product_id").toString())
              .setSku(row.getString("sku"))
              .setName(row.getString("name"))
              .setUnitPrice(row.getLong("unit_price"))
              .setQuantity(row.getInteger("quantity"))
              .setLineTotal(line));
        }
      }
      return cart.setSubtotal(subtotal).setTotal(subtotal).build();
    });
  }
}
