package io.emporium.payment.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The payment ledger: entries are only ever added, with Stripe's ids and the amounts. */
public final class Ledger {
  private static final String SESSION_CREATED = """
      INSERT INTO payment.ledger (order_id, kind, amount, currency, stripe_session) VALUES ($1, 'session_created', $2, $3, $4)
      ON CONFLICT (order_id) WHERE kind = 'session_created' DO NOTHING""";

  private final Pool pool;

  public Ledger(Pool pool) {
    this.pool = pool;
  }

  /** Records the session opened for an order; a repeat for the same order adds nothing. */
  public Future<Void> sessionCreated(UUID orderId, long amount, String currency, String sessionId) {
    return pool.preparedQuery(SESSION_CREATED).execute(Tuple.of(orderId, amount, currency, sessionId)).mapEmpty();
  }
}
