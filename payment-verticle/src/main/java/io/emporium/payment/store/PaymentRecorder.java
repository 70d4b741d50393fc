package io.emporium.payment.store;

import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.payment.domain.PaymentFact;
import io.emporium.payment.domain.PaymentMismatch;
import io.emporium.payment.publish.PaymentEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records payment facts once, however they were learned: each new one gets its ledger entry and its
 * PaymentEvent in the caller's transaction; one the ledger already holds adds nothing. A payment or
 * refund that does not match what the order expects is recorded as a mismatch instead, announced
 * and audited, never applied.
 */
public final class PaymentRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentRecorder.class);

  /** Who acts when a provider reports money the order does not expect: the provider. */
  private static CallContext provider(String name) {
    return new CallContext(null, null, name);
  }

  private final AuditTrail audit = new AuditTrail("payment");
  private final Ledger ledger;
  private final PaymentEvents events;

  public PaymentRecorder(Ledger ledger, PaymentEvents events) {
    this.ledger = ledger;
    this.events = events;
  }

  /**
   * The facts that were new, as recorded; a PaymentIntent's success is checked without knowing its
   * order's session's.
   */
  public Future<List<PaymentFact>> record(SqlConnection tx, List<PaymentFact> facts) {
    return record(tx, facts, null);
  }

  /**
   * The facts that were new and matched, as recorded. {@code sessionIntent} is the PaymentIntent
   * the order's Checkout Session names at Stripe, or null: a PaymentIntent the order did not make
   * is only accepted as that one.
   */
  public Future<List<PaymentFact>> record(
      SqlConnection tx, List<PaymentFact> facts, String sessionIntent) {
    List<PaymentFact> recorded = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (PaymentFact fact : facts) {
      chain =
          chain
              .compose(v -> ledger.lockOrder(tx, fact.orderId()))
              .compose(v -> ledger.known(tx, fact))
              .compose(
                  known ->
                      known
                          ? Future.succeededFuture()
                          : ledger
                              .expectations(tx, fact.orderId())
                              .compose(
                                  expected -> {
                                    PaymentMismatch mismatch =
                                        expected.mismatchOf(fact, sessionIntent);
                                    if (mismatch != null) {
                                      return mismatched(tx, mismatch);
                                    }
                                    return ledger
                                        .record(tx, expected.inOrdersSession(fact, sessionIntent))
                                        .compose(
                                            entry -> {
                                              if (entry == null) {
                                                return Future.succeededFuture();
                                              }
                                              recorded.add(entry);
                                              return events.announce(tx, entry);
                                            });
                                  }));
    }
    return chain.map(recorded);
  }

  private Future<Void> mismatched(SqlConnection tx, PaymentMismatch m) {
    return ledger
        .mismatch(tx, m)
        .compose(
            isNew -> {
              if (!isNew) {
                return Future.succeededFuture();
              }
              PaymentFact f = m.reported();
              LOG.warn(
                  "{} reported a {} for order {} that does not match it ({}): recorded as a mismatch",
                  f.stripeEventId() == null ? "The provider" : "A webhook",
                  m.reportedKind(),
                  f.orderId(),
                  String.join(", ", m.mismatched()));
              JsonObject details =
                  new JsonObject()
                      .put("reported", m.reportedKind())
                      .put("paymentIntentId", f.paymentIntentId())
                      .put("sessionId", f.sessionId())
                      .put("refundId", f.refundId())
                      .put("amount", f.amount())
                      .put("currency", f.currency())
                      .put("expectedAmount", m.expectedAmount())
                      .put("expectedCurrency", m.expectedCurrency())
                      .put("mismatched", new JsonArray(m.mismatched()))
                      .put("stripeEventId", f.stripeEventId());
              return events
                  .announce(tx, m)
                  .compose(v -> ledger.providerOf(tx, f.orderId()))
                  .compose(
                      provider ->
                          audit.record(
                              tx,
                              provider(provider),
                              "payment.mismatch",
                              "order",
                              f.orderId().toString(),
                              null,
                              details));
            });
  }
}
