package io.emporium.payment.events;

import io.emporium.payment.domain.PaymentFact;
import io.emporium.payment.store.Ledger;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * Records payment facts once, however they were learned: each new one gets its ledger entry and its
 * PaymentEvent in the caller's transaction; one the ledger already holds adds nothing.
 */
public final class PaymentRecorder {
  private final Ledger ledger;
  private final PaymentEvents events;

  public PaymentRecorder(Ledger ledger, PaymentEvents events) {
    this.ledger = ledger;
    this.events = events;
  }

  /** The facts that were new, as recorded. */
  public Future<List<PaymentFact>> record(SqlConnection tx, List<PaymentFact> facts) {
    List<PaymentFact> recorded = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (PaymentFact fact : facts) {
      chain = chain.compose(v -> ledger.record(tx, fact)).compose(entry -> {
        if (entry == null) {
          return Future.succeededFuture();
        }
        recorded.add(entry);
        return events.announce(tx, entry);
      });
    }
    return chain.map(recorded);
  }
}
