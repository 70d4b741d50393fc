package io.emporium.payment.store;

import io.emporium.payment.domain.OrderExpectations;
import io.emporium.payment.domain.PaymentFact;
import io.emporium.payment.domain.PaymentMismatch;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The payment ledger: entries are only ever added, with the provider's ids (Stripe's, or PayPal's
 * in the same columns) and the amounts.
 */
public final class Ledger {
  private static final String SESSION_CREATED =
      """
      INSERT INTO payment.ledger (order_id, kind, amount, currency, stripe_session, provider) VALUES ($1, 'session_created', $2, $3, $4, $5)
      ON CONFLICT (order_id) WHERE kind = 'session_created' DO NOTHING""";
  private static final String INTENT_CREATED =
      """
      INSERT INTO payment.ledger (order_id, kind, amount, currency, stripe_intent) VALUES ($1, 'intent_created', $2, $3, $4)
      ON CONFLICT (stripe_intent) WHERE kind = 'intent_created' DO NOTHING""";
  // any of the ledger's unique indexes makes a fact already known a no-op; a payment whose intent
  // was not made for a
  // custom front end belongs to the order's Checkout Session, which payment_intent events do not
  // name
  private static final String FACT =
      """
      INSERT INTO payment.ledger (order_id, kind, amount, currency, stripe_session, stripe_intent, stripe_refund, stripe_event, failure_reason, provider)
      VALUES ($1, $2, $3, $4, COALESCE($5, (
        SELECT s.stripe_session FROM payment.ledger s
        WHERE s.order_id = $1 AND s.kind = 'session_created' AND $2 IN ('succeeded', 'failed')
          AND NOT EXISTS (SELECT 1 FROM payment.ledger i WHERE i.kind = 'intent_created' AND i.stripe_intent = $6))),
        $6, $7, $8, $9, COALESCE((SELECT p.provider FROM payment.ledger p WHERE p.order_id = $1 AND p.kind = 'session_created'), 'stripe'))
      ON CONFLICT DO NOTHING
      RETURNING stripe_session""";
  // one order's facts are recorded one transaction at a time, so each sees what the one before
  // recorded
  private static final String LOCK_ORDER =
      """
      SELECT pg_advisory_xact_lock(hashtextextended('payment.ledger:' || $1::text, 0))""";
  private static final String PROVIDER_OF_ORDER =
      """
      SELECT provider FROM payment.ledger WHERE order_id = $1 AND kind = 'session_created'""";
  private static final String SESSION_BY_ID =
      """
      SELECT order_id, provider FROM payment.ledger WHERE stripe_session = $1 AND kind = 'session_created'""";
  private static final String SESSION_CLOSED =
      """
      SELECT 1 FROM payment.ledger WHERE stripe_session = $1 AND kind = 'expired'""";
  private static final String ORDER_OF_PAYMENT =
      """
      SELECT order_id FROM payment.ledger WHERE stripe_intent = $1
        AND (kind = 'succeeded' OR (kind = 'mismatch' AND reported = 'payment')) LIMIT 1""";
  private static final String SESSION_OF_ORDER =
      """
      SELECT stripe_session FROM payment.ledger WHERE order_id = $1 AND kind = 'session_created'""";
  // a payment recorded as a mismatch took money too: it is refunded like any other
  private static final String PAID_WITH =
      """
      SELECT currency FROM payment.ledger WHERE order_id = $1 AND stripe_intent = $2
        AND (kind = 'succeeded' OR (kind = 'mismatch' AND reported = 'payment')) LIMIT 1""";
  private static final String ENTRIES_OF_ORDER =
      """
      SELECT kind, amount, currency, stripe_session, stripe_intent, reported FROM payment.ledger WHERE order_id = $1 ORDER BY id""";
  private static final String PAYMENT_KNOWN =
      """
      SELECT 1 FROM payment.ledger WHERE stripe_intent = $1 AND (kind = 'succeeded' OR (kind = 'mismatch' AND reported = 'payment'))""";
  private static final String REFUND_KNOWN =
      """
      SELECT 1 FROM payment.ledger WHERE stripe_refund = $1 AND (kind = 'refunded' OR (kind = 'mismatch' AND reported = 'refund'))""";
  private static final String PAYMENT_MISMATCHED =
      """
      SELECT 1 FROM payment.ledger WHERE stripe_intent = $1 AND kind = 'mismatch' AND reported = 'payment'""";
  private static final String MISMATCH =
      """
      INSERT INTO payment.ledger (order_id, kind, amount, currency, stripe_session, stripe_intent, stripe_refund, stripe_event,
                                  reported, expected_amount, expected_currency, mismatched, provider)
      VALUES ($1, 'mismatch', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
        COALESCE((SELECT p.provider FROM payment.ledger p WHERE p.order_id = $1 AND p.kind = 'session_created'), 'stripe'))
      ON CONFLICT DO NOTHING""";

  private final Pool pool;

  public Ledger(Pool pool) {
    this.pool = pool;
  }

  /**
   * Records the checkout opened for an order at {@code provider} (a Stripe session, a PayPal
   * order); a repeat for the same order adds nothing.
   */
  public Future<Void> sessionCreated(
      UUID orderId, long amount, String currency, String sessionId, String provider) {
    return pool.preparedQuery(SESSION_CREATED)
        .execute(Tuple.of(orderId, amount, currency, sessionId, provider))
        .mapEmpty();
  }

  /**
   * Holds the order's facts for the caller's transaction: another transaction recording a fact of
   * the same order waits until this one ends, then sees what it recorded (a refund's webhook and
   * the refund's own answer, say, which would otherwise each find the other not yet there).
   */
  public Future<Void> lockOrder(SqlConnection tx, UUID orderId) {
    return tx.preparedQuery(LOCK_ORDER).execute(Tuple.of(orderId.toString())).mapEmpty();
  }

  /** The provider of the order's checkout; {@code stripe} when it has none. */
  public Future<String> providerOf(UUID orderId) {
    return pool.preparedQuery(PROVIDER_OF_ORDER)
        .execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? "stripe" : firstString(rows));
  }

  /** As above, in the caller's transaction. */
  public Future<String> providerOf(SqlConnection tx, UUID orderId) {
    return tx.preparedQuery(PROVIDER_OF_ORDER)
        .execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? "stripe" : firstString(rows));
  }

  /** A checkout opened for an order: its order and provider. */
  public record Checkout(UUID orderId, String provider) {}

  /** The checkout with this id, or null when none of ours has it. */
  public Future<Checkout> checkout(String sessionId) {
    return pool.preparedQuery(SESSION_BY_ID)
        .execute(Tuple.of(sessionId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new Checkout(r.getUUID("order_id"), r.getString("provider"));
            });
  }

  /** Whether the checkout was closed (expired): a PayPal order is never captured after that. */
  public Future<Boolean> closed(String sessionId) {
    return pool.preparedQuery(SESSION_CLOSED)
        .execute(Tuple.of(sessionId))
        .map(rows -> rows.size() > 0);
  }

  /** The order a payment (a PaymentIntent, a PayPal capture) was recorded for, or null. */
  public Future<UUID> orderOfPayment(String paymentId) {
    return pool.preparedQuery(ORDER_OF_PAYMENT)
        .execute(Tuple.of(paymentId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }

  /**
   * Records the PaymentIntent made for an order's custom front end; a repeat for the same intent
   * adds nothing.
   */
  public Future<Void> intentCreated(UUID orderId, long amount, String currency, String intentId) {
    return pool.preparedQuery(INTENT_CREATED)
        .execute(Tuple.of(orderId, amount, currency, intentId))
        .mapEmpty();
  }

  /**
   * Records a fact in the caller's transaction: the fact as recorded (its session filled in), or
   * null when it was already known.
   */
  public Future<PaymentFact> record(SqlConnection tx, PaymentFact f) {
    Tuple entry =
        Tuple.tuple()
            .addUUID(f.orderId())
            .addString(f.kind().ledgerKind())
            .addLong(f.amount())
            .addString(f.currency())
            .addString(f.sessionId())
            .addString(f.paymentIntentId())
            .addString(f.refundId())
            .addString(f.stripeEventId())
            .addString(f.failureReason());
    return tx.preparedQuery(FACT)
        .execute(entry)
        .map(
            rows ->
                rows.rowCount() == 0
                    ? null
                    : f.inSession(rows.iterator().next().getString("stripe_session")));
  }

  /**
   * Whether a payment or refund is in the ledger already, as applied or as a mismatch; one Stripe
   * names no id of is not.
   */
  public Future<Boolean> known(SqlConnection tx, PaymentFact f) {
    String sql =
        f.kind() == PaymentFact.Kind.SUCCEEDED
            ? PAYMENT_KNOWN
            : f.kind() == PaymentFact.Kind.REFUNDED ? REFUND_KNOWN : null;
    String id = f.kind() == PaymentFact.Kind.SUCCEEDED ? f.paymentIntentId() : f.refundId();
    if (sql == null || id == null) {
      return Future.succeededFuture(false);
    }
    return tx.preparedQuery(sql).execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  /** What the order's entries say it expects, read in the caller's transaction. */
  public Future<OrderExpectations> expectations(SqlConnection tx, UUID orderId) {
    return tx.preparedQuery(ENTRIES_OF_ORDER)
        .execute(Tuple.of(orderId))
        .map(
            rows -> {
              OrderExpectations expected = new OrderExpectations();
              for (Row r : rows) {
                expected.add(
                    r.getString("kind"),
                    r.getLong("amount"),
                    r.getString("currency"),
                    r.getString("stripe_session"),
                    r.getString("stripe_intent"),
                    r.getString("reported"));
              }
              return expected;
            });
  }

  /**
   * Records a mismatch in the caller's transaction: true when new, false when it was already
   * recorded.
   */
  public Future<Boolean> mismatch(SqlConnection tx, PaymentMismatch m) {
    PaymentFact f = m.reported();
    Tuple entry =
        Tuple.tuple()
            .addUUID(f.orderId())
            .addLong(f.amount())
            .addString(f.currency())
            .addString(f.sessionId())
            .addString(f.paymentIntentId())
            .addString(f.refundId())
            .addString(f.stripeEventId())
            .addString(m.reportedKind())
            .addLong(m.expectedAmount())
            .addString(m.expectedCurrency())
            .addArrayOfString(m.mismatched().toArray(String[]::new));
    return tx.preparedQuery(MISMATCH).execute(entry).map(rows -> rows.rowCount() == 1);
  }

  /** Whether this PaymentIntent's payment was recorded as a mismatch. */
  public Future<Boolean> paymentMismatched(SqlConnection tx, String intentId) {
    return tx.preparedQuery(PAYMENT_MISMATCHED)
        .execute(Tuple.of(intentId))
        .map(rows -> rows.size() > 0);
  }

  /** The Checkout Session opened for an order, or null. */
  public Future<String> sessionOf(UUID orderId) {
    return pool.preparedQuery(SESSION_OF_ORDER).execute(Tuple.of(orderId)).map(Ledger::firstString);
  }

  /**
   * The currency the order was paid in with this payment (a PaymentIntent, a PayPal capture), or
   * null when it was not paid with it.
   */
  public Future<String> paidWith(UUID orderId, String intentId) {
    return pool.preparedQuery(PAID_WITH)
        .execute(Tuple.of(orderId, intentId))
        .map(Ledger::firstString);
  }

  private static String firstString(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getString(0);
  }
}
