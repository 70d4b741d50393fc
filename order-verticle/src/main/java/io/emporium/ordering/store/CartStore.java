package io.emporium.ordering.store;

import io.emporium.ordering.domain.CartPricing.Line;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Carts and their items in the {@code ordering} schema: a customer's (by user id) or a guest's (by
 * token hash).
 */
public final class CartStore {
  public static final String DEFAULT_CURRENCY = "usd";
  private static final String CART =
      """
      SELECT c.id, c.currency, c.discount_code, i.id AS item_id, i.product_id, i.sku, i.name, i.unit_price, i.quantity
      FROM ordering.carts c LEFT JOIN ordering.cart_items i ON i.cart_id = c.id
      WHERE %s ORDER BY i.added_at, i.id""";
  private static final String OF_USER = CART.formatted("c.user_id = $1");
  private static final String OF_GUEST = CART.formatted("c.guest_token = $1");
  private static final String CREATE_FOR_USER =
      """
      INSERT INTO ordering.carts (id, user_id, currency) VALUES ($1, $2, $3)
      ON CONFLICT (user_id) DO UPDATE SET updated_at = now() RETURNING id""";
  private static final String CREATE_FOR_GUEST =
      "INSERT INTO ordering.carts (id, guest_token, currency) VALUES ($1, $2, $3) RETURNING id";

  /**
   * Adds to a line (or starts it) unless the result would pass {@code $7}: no row back means
   * refused.
   */
  private static final String ADD =
      """
      INSERT INTO ordering.cart_items (id, cart_id, product_id, sku, name, unit_price, quantity)
      SELECT $1, $2, $3, $4, $5, $6, $8 WHERE $8 <= $7
      ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = cart_items.quantity + excluded.quantity,
             unit_price = excluded.unit_price, name = excluded.name
      WHERE cart_items.quantity + excluded.quantity <= $7
      RETURNING quantity""";

  private static final String SET_CURRENCY =
      """
      UPDATE ordering.carts SET currency = $2, updated_at = now()
      WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM ordering.cart_items WHERE cart_id = $1)""";
  private static final String SET_QUANTITY =
      "UPDATE ordering.cart_items SET quantity = $3 WHERE cart_id = $1 AND id = $2";
  private static final String REMOVE =
      "DELETE FROM ordering.cart_items WHERE cart_id = $1 AND id = $2";
  private static final String CLEAR_ITEMS = "DELETE FROM ordering.cart_items WHERE cart_id = $1";
  private static final String CLEAR_DISCOUNT =
      "UPDATE ordering.carts SET discount_code = NULL, updated_at = now() WHERE id = $1";
  private static final String REPRICE =
      "UPDATE ordering.cart_items SET unit_price = $3, name = $4 WHERE cart_id = $1 AND sku = $2";
  private static final String MERGE_LINE =
      """
      INSERT INTO ordering.cart_items (id, cart_id, product_id, sku, name, unit_price, quantity)
      VALUES ($1, $2, $3, $4, $5, $6, LEAST($7::int, $8::int))
      ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = LEAST(cart_items.quantity + excluded.quantity, $8::int)""";
  private static final String DELETE_CART = "DELETE FROM ordering.carts WHERE id = $1";
  private static final String SET_DISCOUNT =
      "UPDATE ordering.carts SET discount_code = $2, updated_at = now() WHERE id = $1";

  private static final String CLEAR_BOUGHT =
      """
      DELETE FROM ordering.cart_items i USING ordering.carts c
      WHERE c.id = i.cart_id AND c.user_id = $1 AND i.sku = ANY($2)""";
  private static final String CLEAR_BOUGHT_BY_GUEST =
      """
      DELETE FROM ordering.cart_items i USING ordering.carts c
      WHERE c.id = i.cart_id AND c.guest_token = $1 AND i.sku = ANY($2)""";
  private final Pool pool;

  public CartStore(Pool pool) {
    this.pool = pool;
  }

  /** A cart as stored: its lines carry the price and name the customer saw when they added them. */
  public record StoredCart(UUID id, String currency, String discountCode, List<Line> lines) {}

  public Future<Optional<StoredCart>> ofUser(UUID userId) {
    return pool.preparedQuery(OF_USER).execute(Tuple.of(userId)).map(CartStore::cart);
  }

  public Future<Optional<StoredCart>> ofGuest(byte[] tokenHash) {
    return pool.preparedQuery(OF_GUEST)
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(tokenHash)))
        .map(CartStore::cart);
  }

  public Future<UUID> createForUser(UUID userId, String currency) {
    return pool.preparedQuery(CREATE_FOR_USER)
        .execute(Tuple.of(UUID.randomUUID(), userId, currency))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  public Future<UUID> createForGuest(byte[] tokenHash, String currency) {
    return pool.preparedQuery(CREATE_FOR_GUEST)
        .execute(
            Tuple.of(UUID.randomUUID(), io.vertx.core.buffer.Buffer.buffer(tokenHash), currency))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /** An empty cart takes the currency of what goes in first. */
  public Future<Void> adoptCurrency(UUID cartId, String currency) {
    return pool.preparedQuery(SET_CURRENCY).execute(Tuple.of(cartId, currency)).mapEmpty();
  }

  /**
   * Adds {@code quantity} to the variant's line; empty when the line would then hold more than
   * {@code max}.
   */
  public Future<Optional<Integer>> add(UUID cartId, Line line, int quantity, int max) {
    Tuple args =
        Tuple.of(
                UUID.randomUUID(),
                cartId,
                UUID.fromString(line.productId()),
                line.sku(),
                line.name(),
                line.unitPrice())
            .addValue(max)
            .addValue(quantity);
    return pool.preparedQuery(ADD)
        .execute(args)
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getInteger("quantity")));
  }

  /** Sets a line's quantity (0 removes it); false when the cart has no such line. */
  public Future<Boolean> setQuantity(UUID cartId, UUID itemId, int quantity) {
    return pool.preparedQuery(quantity == 0 ? REMOVE : SET_QUANTITY)
        .execute(quantity == 0 ? Tuple.of(cartId, itemId) : Tuple.of(cartId, itemId, quantity))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Puts a discount code on the cart, or takes it off ({@code null}). */
  public Future<Void> setDiscountCode(UUID cartId, String code) {
    return pool.preparedQuery(SET_DISCOUNT).execute(Tuple.of(cartId, code)).mapEmpty();
  }

  public Future<Void> clear(UUID cartId) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(CLEAR_ITEMS)
                .execute(Tuple.of(cartId))
                .compose(v -> tx.preparedQuery(CLEAR_DISCOUNT).execute(Tuple.of(cartId)))
                .mapEmpty());
  }

  /**
   * Remembers the prices and names the customer has now been shown, so a change is reported once.
   */
  public Future<Void> reprice(UUID cartId, List<Line> shown) {
    if (shown.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows =
        shown.stream().map(l -> Tuple.of(cartId, l.sku(), l.unitPrice(), l.name())).toList();
    return pool.preparedQuery(REPRICE).executeBatch(rows).mapEmpty();
  }

  /**
   * Moves the guest cart's lines into the customer's, each capped at {@code caps} (by sku), and
   * deletes the guest cart.
   */
  public Future<Void> merge(StoredCart guest, UUID into, Map<String, Integer> caps) {
    return pool.withTransaction(
        tx -> {
          List<Tuple> rows = new ArrayList<>();
          for (Line l : guest.lines()) {
            int cap = caps.getOrDefault(l.sku(), 0);
            if (cap > 0) {
              rows.add(
                  Tuple.of(
                          UUID.randomUUID(),
                          into,
                          UUID.fromString(l.productId()),
                          l.sku(),
                          l.name(),
                          l.unitPrice())
                      .addValue(l.quantity())
                      .addValue(cap));
            }
          }
          Future<RowSet<Row>> moved =
              rows.isEmpty()
                  ? Future.succeededFuture()
                  : tx.preparedQuery(MERGE_LINE).executeBatch(rows);
          return moved
              .compose(v -> tx.preparedQuery(DELETE_CART).execute(Tuple.of(guest.id())))
              .mapEmpty();
        });
  }

  private static Optional<StoredCart> cart(RowSet<Row> rows) {
    UUID id = null;
    String currency = DEFAULT_CURRENCY;
    String discount = null;
    List<Line> lines = new ArrayList<>();
    for (Row row : rows) {
      id = row.getUUID("id");
      currency = row.getString("currency");
      discount = row.getString("discount_code");
      if (row.getUUID("item_id") != null) {
        lines.add(
            new Line(
                row.getUUID("item_id").toString(),
                row.getUUID("product_id").toString(),
                row.getString("sku"),
                row.getString("name"),
                row.getLong("unit_price"),
                row.getInteger("quantity")));
      }
    }
    return id == null
        ? Optional.empty()
        : Optional.of(new StoredCart(id, currency, discount, lines));
  }

  /**
   * Takes the bought variants out of the customer's cart, in the transaction that marks their order
   * paid.
   */
  public Future<Void> clearBought(SqlConnection tx, UUID userId, List<String> skus) {
    return tx.preparedQuery(CLEAR_BOUGHT)
        .execute(Tuple.tuple().addValue(userId).addValue(skus.toArray(String[]::new)))
        .mapEmpty();
  }

  /** As {@link #clearBought}, from the guest cart whose token hashes to {@code tokenHash}. */
  public Future<Void> clearBoughtByGuest(SqlConnection tx, byte[] tokenHash, List<String> skus) {
    return tx.preparedQuery(CLEAR_BOUGHT_BY_GUEST)
        .execute(
            Tuple.tuple().addValue(Buffer.buffer(tokenHash)).addValue(skus.toArray(String[]::new)))
        .mapEmpty();
  }
}
