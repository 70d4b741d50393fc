package io.emporium.ordering.store;

import io.emporium.common.Cursor;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.Actor;
import io.emporium.ordering.domain.CheckoutRules.Totals;
import io.emporium.ordering.domain.OrderStatus;
import io.emporium.ordering.domain.OrderTokens;
import io.emporium.ordering.domain.PaymentStatus;
import io.emporium.ordering.publish.OrderEvents;
import io.emporium.proto.ordering.v1.Address;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.emporium.proto.ordering.v1.OrderPage;
import io.emporium.proto.ordering.v1.Shipment;
import io.emporium.proto.ordering.v1.StatusChange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Orders: the price snapshot and shipping address taken at checkout and their status history;
 * placing one takes a use of its discount code ({@link DiscountStore}), cancelling gives it back,
 * and paying clears the bought lines from the customer's cart ({@link CartStore}), each in the
 * order's transaction. Every status change writes its event to the outbox in the same transaction.
 */
public final class OrderStore {
  /** The mover recorded when a guest places an order: no user, so no id to name. */
  private static final String GUEST = "";

  private static final String COLUMNS =
      """
      id, customer_id, status, payment_status, currency, subtotal, discount, shipping, tax, total, discount_code, discount_id,
      shipping_address, checkout_session_id, payment_intent_id, refunded, created_at, guest_email, payment_provider""";
  private static final String INSERT =
      """
      INSERT INTO ordering.orders (id, customer_id, status, currency, subtotal, discount, shipping, tax, total, discount_id, discount_code,
        shipping_address, success_url, cancel_url, pay_by, guest_email, order_token, guest_cart, payment_provider)
      VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)""";
  private static final String INSERT_ITEM =
      """
      INSERT INTO ordering.order_items (order_id, line, product_id, sku, name, seller_id, unit_price, quantity)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";
  private static final String RECORD_STATUS =
      """
      INSERT INTO ordering.order_status_history (order_id, status, reason, actor, actor_role) VALUES ($1, $2, $3, $4, $5)""";
  private static final String READ = "SELECT " + COLUMNS + " FROM ordering.orders WHERE id = $1";
  private static final String TOKEN = "SELECT order_token FROM ordering.orders WHERE id = $1";
  private static final String GUEST_CART = "SELECT guest_cart FROM ordering.orders WHERE id = $1";
  // an account that verified this email claims the guest orders placed with it
  private static final String CLAIM_GUEST_ORDERS =
      """
      UPDATE ordering.orders SET customer_id = $1, updated_at = now() WHERE guest_email = $2 AND customer_id IS NULL""";
  private static final String LOCK =
      "SELECT " + COLUMNS + " FROM ordering.orders WHERE id = $1 FOR UPDATE";
  private static final String ITEMS =
      """
      SELECT product_id, sku, name, seller_id, unit_price, quantity FROM ordering.order_items WHERE order_id = $1 ORDER BY line""";
  private static final String HISTORY =
      "SELECT status, reason, actor, actor_role, at FROM ordering.order_status_history WHERE order_id = $1 ORDER BY id";
  private static final String SHIPMENTS =
      """
      SELECT seller_id, carrier, tracking_number, shipped_at FROM ordering.shipments WHERE order_id = $1 ORDER BY shipped_at, seller_id""";
  private static final String SHIP =
      """
      INSERT INTO ordering.shipments (order_id, seller_id, carrier, tracking_number) VALUES ($1, $2, $3, $4)
      ON CONFLICT (order_id, seller_id) DO NOTHING""";
  private static final String RECORD_REFUND =
      """
      INSERT INTO ordering.order_refunds (stripe_refund, order_id, amount) VALUES ($1, $2, $3) ON CONFLICT (stripe_refund) DO NOTHING""";
  // never more than the order's total, however refunds interleave
  private static final String ADD_REFUND =
      """
      UPDATE ordering.orders SET refunded = refunded + $2, updated_at = now() WHERE id = $1 AND refunded + $2 <= total
      RETURNING refunded""";
  private static final String SELLER_PAGE =
      """
      SELECT o.id, o.created_at FROM ordering.orders o
      WHERE EXISTS (SELECT 1 FROM ordering.order_items i WHERE i.order_id = o.id AND i.seller_id = $1)
        AND o.status <> 'pending_payment' AND ($2::timestamptz IS NULL OR (o.created_at, o.id) < ($2, $3))
      ORDER BY o.created_at DESC, o.id DESC LIMIT $4""";
  private static final String ALL_PAGE =
      """
      SELECT id, created_at FROM ordering.orders
      WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
      ORDER BY created_at DESC, id DESC LIMIT $4""";
  private static final String BY_SESSION =
      "SELECT id FROM ordering.orders WHERE checkout_session_id = $1";
  private static final String ATTACH_SESSION =
      """
      UPDATE ordering.orders SET checkout_session_id = $2, checkout_url = $3, updated_at = now()
      WHERE id = $1 AND status = 'pending_payment' AND checkout_session_id IS NULL""";
  private static final String SET_STATUS =
      """
      UPDATE ordering.orders SET status = $2, payment_status = $3, payment_intent_id = COALESCE($4, payment_intent_id), updated_at = now()
      WHERE id = $1""";
  private static final String PAGE =
      """
      SELECT id, created_at FROM ordering.orders
      WHERE customer_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
      ORDER BY created_at DESC, id DESC LIMIT $4""";
  // a saga that has not opened its session within this age has died between steps
  private static final String ABANDONED =
      """
      SELECT id FROM ordering.orders
      WHERE status = 'pending_payment' AND checkout_session_id IS NULL AND created_at < now() - make_interval(secs => $1)
      ORDER BY updated_at LIMIT 50""";
  // an order the sweeper could not settle goes to the back of its queue, so it cannot hold up the
  // others
  private static final String POSTPONE =
      "UPDATE ordering.orders SET updated_at = now() WHERE id = $1";
  private static final String OVERDUE =
      """
      SELECT id, checkout_session_id FROM ordering.orders
      WHERE status = 'pending_payment' AND checkout_session_id IS NOT NULL AND pay_by < now() - make_interval(secs => $1)
      ORDER BY updated_at LIMIT 50""";
  private static final String COUNT_BY_STATUS =
      "SELECT status, count(*) AS orders FROM ordering.orders GROUP BY status";

  /**
   * What checkout writes: the order with its priced lines, before any stock is reserved. A guest's
   * order has no customer but the guest's email, its order token (only its hash is stored; the
   * token itself goes to the guest's mail through {@code OrderPlaced}) and the hash of the cart it
   * came from.
   */
  @SuppressWarnings("ArrayRecordComponent") // written once, never compared or hashed
  public record NewOrder(
      UUID id,
      UUID customerId,
      String guestEmail,
      String orderToken,
      byte[] guestCart,
      String currency,
      Totals totals,
      UUID discountId,
      String discountCode,
      Address address,
      String successUrl,
      String cancelUrl,
      OffsetDateTime payBy,
      List<OrderItem> items,
      String paymentProvider) {}

  /** An order whose session is past its time. */
  public record Overdue(UUID orderId, String sessionId) {}

  private final Pool pool;
  private final OrderEvents events;
  private final OrderMetrics metrics;
  private final DiscountStore discounts;
  private final CartStore carts;

  public OrderStore(
      Pool pool,
      OrderEvents events,
      OrderMetrics metrics,
      DiscountStore discounts,
      CartStore carts) {
    this.pool = pool;
    this.events = events;
    this.metrics = metrics;
    this.discounts = discounts;
    this.carts = carts;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Writes the order in {@code pending_payment} and takes one use of its discount code (422 when
   * none is left for this customer).
   */
  public Future<Order> create(NewOrder o) {
    Totals t = o.totals();
    Tuple order =
        Tuple.tuple()
            .addValue(o.id())
            .addValue(o.customerId())
            .addValue(o.currency())
            .addValue(t.subtotal())
            .addValue(t.discount())
            .addValue(t.shipping())
            .addValue(t.tax())
            .addValue(t.total())
            .addValue(o.discountId())
            .addValue(o.discountCode())
            .addValue(addressJson(o.address()))
            .addValue(o.successUrl())
            .addValue(o.cancelUrl())
            .addValue(o.payBy())
            .addValue(o.guestEmail())
            .addValue(
                o.orderToken() == null ? null : Buffer.buffer(OrderTokens.hash(o.orderToken())))
            .addValue(o.guestCart() == null ? null : Buffer.buffer(o.guestCart()))
            .addValue(o.paymentProvider());
    List<Tuple> items = new ArrayList<>();
    for (int i = 0; i < o.items().size(); i++) {
      OrderItem item = o.items().get(i);
      items.add(
          Tuple.tuple()
              .addValue(o.id())
              .addValue(i + 1)
              .addValue(UUID.fromString(item.getProductId()))
              .addValue(item.getSku())
              .addValue(item.getName())
              .addValue(item.getSellerId().isEmpty() ? null : UUID.fromString(item.getSellerId()))
              .addValue(item.getUnitPrice())
              .addValue(item.getQuantity()));
    }
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(INSERT)
                .execute(order)
                .compose(
                    v ->
                        o.discountId() == null
                            ? Future.succeededFuture()
                            : discounts.redeem(
                                tx, o.discountId(), o.discountCode(), o.id(), o.customerId()))
                .compose(v -> tx.preparedQuery(INSERT_ITEM).executeBatch(items))
                .compose(
                    v ->
                        tx.preparedQuery(RECORD_STATUS)
                            .execute(
                                Tuple.of(
                                    o.id(),
                                    OrderStatus.PENDING_PAYMENT.wire(),
                                    null,
                                    o.customerId() == null ? GUEST : o.customerId().toString(),
                                    "customer")))
                .compose(v -> read(tx, o.id()))
                .compose(
                    created ->
                        events.placed(tx, created.orElseThrow(), o.orderToken()).map(created.get()))
                .onSuccess(created -> metrics.placed(tx)));
  }

  /**
   * Records the Stripe session the order is paid through; false when the order is no longer waiting
   * for one.
   */
  public Future<Boolean> attachSession(UUID orderId, String sessionId, String url) {
    return pool.preparedQuery(ATTACH_SESSION)
        .execute(Tuple.of(orderId, sessionId, url))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Optional<Order>> find(UUID id) {
    return read(pool, id);
  }

  /** The order when {@code token} is its order token; empty for any other token or none. */
  public Future<Optional<Order>> findByToken(UUID id, String token) {
    return pool.preparedQuery(TOKEN)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              Buffer stored =
                  rows.size() == 0 ? null : rows.iterator().next().getBuffer("order_token");
              return stored != null && OrderTokens.matches(token, stored.getBytes())
                  ? read(pool, id)
                  : Future.succeededFuture(Optional.empty());
            });
  }

  /**
   * Gives the guest orders placed with {@code email} to the account that verified it; how many it
   * took.
   */
  public Future<Integer> claimGuestOrders(SqlConnection tx, UUID customerId, String email) {
    return tx.preparedQuery(CLAIM_GUEST_ORDERS)
        .execute(Tuple.of(customerId, email))
        .map(rows -> rows.rowCount());
  }

  /** The order, locked for a status change until the transaction ends. */
  public Future<Optional<Order>> lock(SqlConnection tx, UUID id) {
    return read(tx, id, LOCK);
  }

  public Future<Optional<UUID>> bySession(String sessionId) {
    return pool.preparedQuery(BY_SESSION)
        .execute(Tuple.of(sessionId))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getUUID("id")));
  }

  /**
   * Moves a locked order to paid: its history, its event, and the bought lines leave the customer's
   * cart.
   */
  public Future<Order> markPaid(SqlConnection tx, Order order, String paymentIntentId) {
    UUID id = UUID.fromString(order.getId());
    List<String> skus = order.getItemsList().stream().map(OrderItem::getSku).toList();
    return move(
            tx,
            order,
            OrderStatus.PAID,
            PaymentStatus.PAID.wire(),
            paymentIntentId,
            null,
            Actor.SYSTEM)
        .compose(v -> clearBought(tx, order, skus))
        .compose(v -> read(tx, id))
        .compose(
            paid ->
                events
                    .paid(tx, paid.orElseThrow(), order.getStatus())
                    .compose(
                        v ->
                            events.statusChanged(
                                tx, paid.get(), order.getStatus(), Actor.SYSTEM.id()))
                    .map(paid.get()));
  }

  /** The bought lines leave the cart they came from: the customer's, or the guest's. */
  private Future<Void> clearBought(SqlConnection tx, Order order, List<String> skus) {
    UUID id = UUID.fromString(order.getId());
    return tx.preparedQuery(GUEST_CART)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              Buffer guestCart = rows.iterator().next().getBuffer("guest_cart");
              return guestCart != null
                  ? carts.clearBoughtByGuest(tx, guestCart.getBytes(), skus)
                  : carts.clearBought(tx, UUID.fromString(order.getCustomerId()), skus);
            });
  }

  /** Moves a locked order to cancelled and gives back the discount use it held. */
  public Future<Order> markCancelled(
      SqlConnection tx, Order order, PaymentStatus paymentStatus, String reason) {
    return markCancelled(tx, order, paymentStatus, reason, Actor.SYSTEM);
  }

  /** As above, moved by {@code actor}. */
  public Future<Order> markCancelled(
      SqlConnection tx, Order order, PaymentStatus paymentStatus, String reason, Actor actor) {
    UUID id = UUID.fromString(order.getId());
    Future<Void> giveBack =
        order.getDiscountId().isEmpty()
            ? Future.succeededFuture()
            : discounts.giveBack(tx, UUID.fromString(order.getDiscountId()), id);
    return giveBack
        .compose(
            v -> move(tx, order, OrderStatus.CANCELLED, paymentStatus.wire(), null, reason, actor))
        .compose(v -> read(tx, id))
        .compose(
            cancelled ->
                events
                    .cancelled(tx, cancelled.orElseThrow(), order.getStatus(), reason)
                    .compose(
                        v ->
                            events.statusChanged(
                                tx, cancelled.get(), order.getStatus(), actor.id()))
                    .map(cancelled.get()));
  }

  private Future<Void> move(
      SqlConnection tx,
      Order order,
      OrderStatus to,
      String paymentStatus,
      String intentId,
      String reason,
      Actor actor) {
    UUID id = UUID.fromString(order.getId());
    return tx.preparedQuery(SET_STATUS)
        .execute(Tuple.of(id, to.wire(), paymentStatus, intentId))
        .compose(
            v ->
                tx.preparedQuery(RECORD_STATUS)
                    .execute(
                        Tuple.tuple()
                            .addValue(id)
                            .addValue(to.wire())
                            .addValue(reason)
                            .addValue(actor.id())
                            .addValue(actor.role())))
        .<Void>mapEmpty()
        .onSuccess(v -> metrics.changed(tx, order.getStatus(), to, order.getCreatedAt()));
  }

  /**
   * Moves a locked order along the status machine (409 naming its status for a move the machine
   * does not allow), with its history and an {@code OrderStatusChanged} event; the payment status
   * becomes {@code paymentStatus} when given.
   */
  public Future<Order> transition(
      SqlConnection tx,
      Order order,
      OrderStatus to,
      PaymentStatus paymentStatus,
      Actor actor,
      String reason) {
    OrderStatus from = OrderStatus.of(order.getStatus());
    if (!from.canMoveTo(to)) {
      return Future.failedFuture(
          ApiProblem.conflict(
              "Order "
                  + order.getId()
                  + " is "
                  + from.wire()
                  + "; it cannot become "
                  + to.wire()
                  + "."));
    }
    UUID id = UUID.fromString(order.getId());
    return move(
            tx,
            order,
            to,
            paymentStatus == null ? order.getPaymentStatus() : paymentStatus.wire(),
            null,
            reason,
            actor)
        .compose(v -> read(tx, id))
        .compose(
            moved ->
                events
                    .statusChanged(tx, moved.orElseThrow(), from.wire(), actor.id())
                    .map(moved.get()));
  }

  /** How many orders are in each status now, by {@link OrderStatus#wire()}. */
  public Future<Map<String, Long>> countByStatus() {
    return pool.query(COUNT_BY_STATUS)
        .execute()
        .map(
            rows -> {
              Map<String, Long> counts = new HashMap<>();
              rows.forEach(r -> counts.put(r.getString("status"), r.getLong("orders")));
              return counts;
            });
  }

  /** Records a seller's shipment of their part; false when that part had shipped already. */
  public Future<Boolean> ship(
      SqlConnection tx, Order order, String sellerId, String carrier, String trackingNumber) {
    return tx.preparedQuery(SHIP)
        .execute(
            Tuple.of(
                UUID.fromString(order.getId()), UUID.fromString(sellerId), carrier, trackingNumber))
        .compose(
            rows ->
                rows.rowCount() == 0
                    ? Future.succeededFuture(false)
                    : events.shipped(tx, order, sellerId, carrier, trackingNumber).map(true));
  }

  /**
   * Counts a Stripe refund of the order's payment once, however often it is reported (true the time
   * it is counted); 409 if it would take the refunded total past what was paid.
   */
  public Future<Boolean> addRefund(
      SqlConnection tx, Order order, String stripeRefundId, long amount) {
    UUID orderId = UUID.fromString(order.getId());
    return tx.preparedQuery(RECORD_REFUND)
        .execute(Tuple.of(stripeRefundId, orderId, amount))
        .compose(
            recorded ->
                recorded.rowCount() == 0
                    ? Future.succeededFuture(false)
                    : tx.preparedQuery(ADD_REFUND)
                        .execute(Tuple.of(orderId, amount))
                        .compose(
                            added ->
                                added.rowCount() == 1
                                    ? events
                                        .refunded(
                                            tx,
                                            order,
                                            stripeRefundId,
                                            amount,
                                            added.iterator().next().getLong("refunded"))
                                        .map(true)
                                    : Future.<Boolean>failedFuture(
                                        ApiProblem.conflict(
                                            "Refund "
                                                + stripeRefundId
                                                + " would take order "
                                                + orderId
                                                + " past what was paid."))));
  }

  /**
   * Orders holding a seller's items (paid at least), newest first, whole: the caller shows the
   * seller their share.
   */
  public Future<OrderPage> sellerPage(UUID sellerId, Cursor after, int limit) {
    Tuple args =
        Tuple.of(
            sellerId,
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit + 1);
    return page(SELLER_PAGE, args, limit);
  }

  /** Every order, or those of one status, newest first. */
  public Future<OrderPage> allPage(String status, Cursor after, int limit) {
    Tuple args =
        Tuple.of(
            status,
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit + 1);
    return page(ALL_PAGE, args, limit);
  }

  /** A customer's orders, newest first. */
  public Future<OrderPage> page(UUID customerId, Cursor after, int limit) {
    Tuple args =
        Tuple.of(
            customerId,
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit + 1);
    return page(PAGE, args, limit);
  }

  private Future<OrderPage> page(String query, Tuple args, int limit) {
    return pool.preparedQuery(query)
        .execute(args)
        .compose(
            rows -> {
              List<Row> all = new ArrayList<>();
              rows.forEach(all::add);
              List<Row> shown = all.subList(0, Math.min(limit, all.size()));
              Future<List<Order>> orders = Future.succeededFuture(new ArrayList<>());
              for (Row row : shown) {
                orders =
                    orders.compose(
                        list ->
                            find(row.getUUID("id"))
                                .map(
                                    o -> {
                                      o.ifPresent(list::add);
                                      return list;
                                    }));
              }
              return orders.map(
                  list -> {
                    OrderPage.Builder page = OrderPage.newBuilder().addAllOrders(list);
                    if (all.size() > limit) {
                      Row last = all.get(limit - 1);
                      page.setNextCursor(
                          new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("id"))
                              .encode());
                    }
                    return page.build();
                  });
            });
  }

  /** Orders whose checkout died before opening a session, older than {@code age}. */
  public Future<List<UUID>> abandoned(Duration age) {
    return pool.preparedQuery(ABANDONED)
        .execute(Tuple.of(age.toSeconds()))
        .map(
            rows -> {
              List<UUID> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getUUID("id")));
              return ids;
            });
  }

  public Future<Void> postpone(UUID orderId) {
    return pool.preparedQuery(POSTPONE).execute(Tuple.of(orderId)).mapEmpty();
  }

  /** Orders still waiting for payment {@code grace} after their session should have ended. */
  public Future<List<Overdue>> overdue(Duration grace) {
    return pool.preparedQuery(OVERDUE)
        .execute(Tuple.of(grace.toSeconds()))
        .map(
            rows -> {
              List<Overdue> due = new ArrayList<>();
              rows.forEach(
                  r -> due.add(new Overdue(r.getUUID("id"), r.getString("checkout_session_id"))));
              return due;
            });
  }

  private Future<Optional<Order>> read(SqlClient client, UUID id) {
    return read(client, id, READ);
  }

  private Future<Optional<Order>> read(SqlClient client, UUID id, String query) {
    return client
        .preparedQuery(query)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(Optional.empty());
              }
              Order.Builder order = order(rows.iterator().next());
              return client
                  .preparedQuery(ITEMS)
                  .execute(Tuple.of(id))
                  .map(
                      items -> {
                        items.forEach(
                            r ->
                                order.addItems(
                                    OrderItem.newBuilder()
                                        .setProductId(r.getUUID("product_id").toString())
                                        .setSku(r.getString("sku"))
                                        .setName(r.getString("name"))
                                        .setSellerId(
                                            r.getUUID("seller_id") == null
                                                ? ""
                                                : r.getUUID("seller_id").toString())
                                        .setUnitPrice(r.getLong("unit_price"))
                                        .setQuantity(r.getInteger("quantity"))
                                        .setLineTotal(
                                            r.getLong("unit_price") * r.getInteger("quantity"))));
                        return order;
                      })
                  .compose(o -> client.preparedQuery(HISTORY).execute(Tuple.of(id)))
                  .map(
                      history -> {
                        history.forEach(
                            r ->
                                order.addStatusHistory(
                                    StatusChange.newBuilder()
                                        .setStatus(r.getString("status"))
                                        .setReason(
                                            r.getString("reason") == null
                                                ? ""
                                                : r.getString("reason"))
                                        .setActor(
                                            Actor.SYSTEM_ROLE.equals(r.getString("actor_role"))
                                                ? ""
                                                : r.getString("actor"))
                                        .setActorRole(r.getString("actor_role"))
                                        .setAt(rfc3339(r.getOffsetDateTime("at")))));
                        return order;
                      })
                  .compose(o -> client.preparedQuery(SHIPMENTS).execute(Tuple.of(id)))
                  .map(
                      shipments -> {
                        shipments.forEach(
                            r ->
                                order.addShipments(
                                    Shipment.newBuilder()
                                        .setSellerId(r.getUUID("seller_id").toString())
                                        .setCarrier(r.getString("carrier"))
                                        .setTrackingNumber(r.getString("tracking_number"))
                                        .setShippedAt(rfc3339(r.getOffsetDateTime("shipped_at")))));
                        return Optional.of(order.build());
                      });
            });
  }

  private static Order.Builder order(Row r) {
    return Order.newBuilder()
        .setId(r.getUUID("id").toString())
        .setCustomerId(r.getUUID("customer_id") == null ? "" : r.getUUID("customer_id").toString())
        .setGuestEmail(r.getString("guest_email") == null ? "" : r.getString("guest_email"))
        .setPaymentProvider(r.getString("payment_provider"))
        .setStatus(r.getString("status"))
        .setPaymentStatus(r.getString("payment_status"))
        .setCurrency(r.getString("currency"))
        .setSubtotal(r.getLong("subtotal"))
        .setDiscount(r.getLong("discount"))
        .setShipping(r.getLong("shipping"))
        .setTax(r.getLong("tax"))
        .setTotal(r.getLong("total"))
        .setDiscountCode(r.getString("discount_code") == null ? "" : r.getString("discount_code"))
        .setDiscountId(r.getUUID("discount_id") == null ? "" : r.getUUID("discount_id").toString())
        .setShippingAddress(address(r.getJsonObject("shipping_address")))
        .setCheckoutSessionId(
            r.getString("checkout_session_id") == null ? "" : r.getString("checkout_session_id"))
        .setPaymentIntentId(
            r.getString("payment_intent_id") == null ? "" : r.getString("payment_intent_id"))
        .setRefunded(r.getLong("refunded"))
        .setCreatedAt(rfc3339(r.getOffsetDateTime("created_at")));
  }

  private static String rfc3339(OffsetDateTime at) {
    return at.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
  }

  private static JsonObject addressJson(Address a) {
    return new JsonObject()
        .put("name", a.getName())
        .put("line1", a.getLine1())
        .put("line2", a.getLine2())
        .put("city", a.getCity())
        .put("region", a.getRegion())
        .put("postalCode", a.getPostalCode())
        .put("country", a.getCountry())
        .put("phone", a.getPhone());
  }

  private static Address address(JsonObject j) {
    return Address.newBuilder()
        .setName(j.getString("name", ""))
        .setLine1(j.getString("line1", ""))
        .setLine2(j.getString("line2", ""))
        .setCity(j.getString("city", ""))
        .setRegion(j.getString("region", ""))
        .setPostalCode(j.getString("postalCode", ""))
        .setCountry(j.getString("country", ""))
        .setPhone(j.getString("phone", ""))
        .build();
  }
}
