package io.emporium.payment.events;

import com.stripe.model.Refund;
import com.stripe.param.RefundListParams;
import io.emporium.payment.client.StripeGateway;
import io.emporium.payment.domain.StripeFacts;
import io.emporium.payment.metrics.WebhookMetrics;
import io.emporium.payment.store.WebhookInbox;
import io.emporium.payment.store.WebhookInbox.InboxedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the Stripe events in the webhook inbox: each in one transaction with its ledger entries, their
 * payment.events and its {@code processed_at}. Nudged when an event is recorded and swept every second, so
 * an event that failed to apply is retried; several instances share the inbox (rows are locked, others skipped).
 */
public final class WebhookApplier {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookApplier.class);
  private static final long SWEEP_MILLIS = 1_000;
  /** Events applied in one run at most, so a flood leaves room for the event loop's other work. */
  private static final int RUN_LIMIT = 500;

  private final Vertx vertx;
  private final Pool pool;
  private final WebhookInbox inbox;
  private final PaymentRecorder recorder;
  private final StripeGateway stripe;
  private final WebhookMetrics metrics;
  private long sweeper = -1;
  private boolean running;
  private boolean nudged;
  private Future<Void> inFlight = Future.succeededFuture();

  public WebhookApplier(Vertx vertx, Pool pool, WebhookInbox inbox, PaymentRecorder recorder, StripeGateway stripe,
                        WebhookMetrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.inbox = inbox;
    this.recorder = recorder;
    this.stripe = stripe;
    this.metrics = metrics;
  }

  public WebhookApplier start() {
    sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> applyPending());
    return this;
  }

  /** Applies what is in the inbox now; called during a run, that run looks once more when it ends. */
  public void applyPending() {
    if (running) {
      nudged = true;
      return;
    }
    running = true;
    nudged = false;
    inFlight = applyFrom(new HashSet<>(), 0).andThen(ar -> {
      running = false;
      if (nudged) {
        applyPending();
      }
    });
  }

  private Future<Void> applyFrom(Set<String> failed, int applied) {
    if (applied >= RUN_LIMIT) {
      return Future.succeededFuture();
    }
    int failedBefore = failed.size();
    return pool.withTransaction(tx -> applyNext(tx, failed)).transform(ar -> {
      if (ar.succeeded()) {
        return ar.result() ? applyFrom(failed, applied + 1) : Future.succeededFuture();
      }
      // an event that failed is passed over until the next sweep; a failure before any event was taken ends the run
      return failed.size() > failedBefore ? applyFrom(failed, applied + 1) : Future.succeededFuture();
    });
  }

  /** False when nothing was left to apply. */
  private Future<Boolean> applyNext(SqlConnection tx, Set<String> failed) {
    return inbox.nextUnprocessed(tx, failed).compose(event -> event == null ? Future.succeededFuture(false)
        : apply(tx, event).map(true).onFailure(e -> {
          failed.add(event.eventId());
          metrics.counted(event.eventType(), WebhookMetrics.FAILED);
          LOG.warn("Stripe event {} ({}) could not be applied, the sweep retries it: {}", event.eventId(), event.eventType(), e.toString());
        }));
  }

  private Future<Void> apply(SqlConnection tx, InboxedEvent event) {
    return withRefunds(event)
        .compose(payload -> recorder.record(tx, StripeFacts.ofEvent(payload)))
        .compose(recorded -> inbox.markProcessed(tx, event.eventId())
            // counted once the outcome is known: a commit that fails leaves the event to be applied again
            .onSuccess(v -> tx.transaction().completion().onComplete(committed -> metrics.counted(event.eventType(),
                committed.failed() ? WebhookMetrics.FAILED : recorded.isEmpty() ? WebhookMetrics.IGNORED : WebhookMetrics.APPLIED))));
  }

  /** A {@code charge.refunded} event names no refunds (Stripe no longer expands them): they are listed from Stripe. */
  private Future<JsonObject> withRefunds(InboxedEvent event) {
    JsonObject charge = event.payload().getJsonObject("data", new JsonObject()).getJsonObject("object", new JsonObject());
    if (!StripeFacts.CHARGE_REFUNDED.equals(event.eventType()) || charge.containsKey("refunds") || StripeFacts.orderOf(charge) == null) {
      return Future.succeededFuture(event.payload());
    }
    RefundListParams ofCharge = RefundListParams.builder().setCharge(charge.getString("id")).setLimit(100L).build();
    return stripe.call(client -> client.v1().refunds().list(ofCharge)).map(list -> {
      JsonArray refunds = new JsonArray();
      for (Refund r : list.getData()) {
        refunds.add(new JsonObject().put("id", r.getId()).put("amount", r.getAmount()).put("currency", r.getCurrency())
            .put("status", r.getStatus()));
      }
      JsonObject payload = event.payload().copy();
      payload.getJsonObject("data").getJsonObject("object").put("refunds", new JsonObject().put("object", "list").put("data", refunds));
      return payload;
    });
  }

  public Future<Void> stop() {
    vertx.cancelTimer(sweeper);
    return inFlight.recover(e -> Future.succeededFuture());
  }
}
