package io.emporium.payment.consume;

import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.param.RefundListParams;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.ParkedMessages;
import io.emporium.common.events.PermanentFailure;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.PayPalFacts;
import io.emporium.payment.client.PaymentProvider;
import io.emporium.payment.client.StripeFacts;
import io.emporium.payment.client.StripeGateway;
import io.emporium.payment.client.StripeProblems;
import io.emporium.payment.client.WebhookMetrics;
import io.emporium.payment.domain.PaymentFact;
import io.emporium.payment.store.Ledger;
import io.emporium.payment.store.PaymentRecorder;
import io.emporium.payment.store.WebhookInbox;
import io.emporium.payment.store.WebhookInbox.InboxedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the providers' events in the webhook inbox (Stripe's, and PayPal's): what an event needs
 * from Stripe is read first, with no transaction open; then it is applied in one transaction with
 * its ledger entries, their payment.events and its {@code processed_at}. Nudged when an event is
 * recorded and swept every second, so an event that failed to apply is retried, after a wait that
 * doubles with each failure; after {@code EVENT_RETRY_ATTEMPTS} failures of its own (at once for a
 * {@link PermanentFailure}) it is parked in {@code payment.parked_messages} for admins, while an
 * unreachable Stripe is waited out. Several instances share the inbox (rows are locked, others
 * skipped).
 */
public final class WebhookApplier {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookApplier.class);
  private static final long SWEEP_MILLIS = 1_000;

  /** Events applied in one run at most, so a flood leaves room for the event loop's other work. */
  private static final int RUN_LIMIT = 500;

  /** How parked webhook events are named among the payment service's parked messages. */
  public static final String CONSUMER = "payment-webhooks";

  public static final String SOURCE = "stripe.webhooks";

  /** Where parked PayPal events come from; their key is {@code paypal:<event id>}. */
  public static final String PAYPAL_SOURCE = "paypal.webhooks";

  private static final String PAYPAL_KEY = WebhookInbox.PAYPAL + ":";

  private final Vertx vertx;
  private final Pool pool;
  private final WebhookInbox inbox;
  private final PaymentRecorder recorder;
  private final Ledger ledger;
  private final StripeGateway stripe;
  private final PaymentProvider paypal;
  private final WebhookMetrics metrics;
  private final ParkedMessages parked;
  private final EmporiumConfig.EventRetry retry;
  private long sweeper = -1;
  private boolean running;
  private boolean nudged;
  private Future<Void> inFlight = Future.succeededFuture();

  public WebhookApplier(
      Vertx vertx,
      Pool pool,
      WebhookInbox inbox,
      PaymentRecorder recorder,
      Ledger ledger,
      StripeGateway stripe,
      PaymentProvider paypal,
      WebhookMetrics metrics,
      ParkedMessages parked,
      EmporiumConfig.EventRetry retry) {
    this.vertx = vertx;
    this.pool = pool;
    this.inbox = inbox;
    this.recorder = recorder;
    this.ledger = ledger;
    this.stripe = stripe;
    this.paypal = paypal;
    this.metrics = metrics;
    this.parked = parked;
    this.retry = retry;
    parked.handle(CONSUMER, new AdminRetry());
    parked.watch(SOURCE);
    parked.watch(PAYPAL_SOURCE);
  }

  public WebhookApplier start() {
    sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> applyPending());
    return this;
  }

  /**
   * Applies what is in the inbox now; called during a run, that run looks once more when it ends.
   */
  public void applyPending() {
    if (running) {
      nudged = true;
      return;
    }
    running = true;
    nudged = false;
    inFlight =
        applyFrom(new HashSet<>(), 0)
            .andThen(
                ar -> {
                  running = false;
                  if (nudged) {
                    applyPending();
                  }
                });
  }

  private Future<Void> applyFrom(Set<String> passedOver, int applied) {
    if (applied >= RUN_LIMIT) {
      return Future.succeededFuture();
    }
    // a failure to read the inbox ends the run; the sweep tries again
    return inbox
        .nextUnprocessed(passedOver)
        .compose(
            event ->
                event == null
                    ? Future.succeededFuture()
                    : apply(event)
                        .transform(
                            done -> {
                              // one that failed, or that another instance holds, is passed over
                              // until the next sweep
                              if (done.failed() || !done.result()) {
                                passedOver.add(event.key());
                              }
                              if (done.failed()) {
                                metrics.counted(event.eventType(), WebhookMetrics.FAILED);
                                LOG.warn(
                                    "{} event {} ({}) could not be applied: {}",
                                    event.provider(),
                                    event.eventId(),
                                    event.eventType(),
                                    done.cause().toString());
                                // counting it is best effort: a failure here leaves it to the next
                                // sweep, uncounted
                                return failed(event, done.cause())
                                    .transform(ignored -> applyFrom(passedOver, applied + 1));
                              }
                              return applyFrom(passedOver, applied + 1);
                            }));
  }

  /**
   * Learns from Stripe what the event needs first, with no transaction open; then records its
   * facts, in one transaction with its {@code processed_at}. False when another instance applied it
   * or is applying it.
   */
  private Future<Boolean> apply(InboxedEvent event) {
    return learn(event).compose(learned -> pool.withTransaction(tx -> applyIn(tx, event, learned)));
  }

  /**
   * Records what was learned of the event and marks it processed, in the caller's transaction;
   * false when another instance applied it or is applying it.
   */
  private Future<Boolean> applyIn(SqlConnection tx, InboxedEvent event, Learned learned) {
    return inbox
        .claim(tx, event)
        .compose(
            mine ->
                !mine
                    ? Future.succeededFuture(false)
                    : recorder
                        .record(tx, learned.facts(), learned.sessionIntent())
                        .compose(
                            recorded ->
                                inbox
                                    .markProcessed(tx, event)
                                    // counted once the outcome is known: a commit that fails
                                    // leaves the event to be applied again
                                    .onSuccess(
                                        v ->
                                            tx.transaction()
                                                .completion()
                                                .onComplete(
                                                    committed ->
                                                        metrics.counted(
                                                            event.eventType(),
                                                            committed.failed()
                                                                ? WebhookMetrics.FAILED
                                                                : recorded.isEmpty()
                                                                    ? WebhookMetrics.IGNORED
                                                                    : WebhookMetrics.APPLIED)))
                                    .map(true)));
  }

  /**
   * Counts a failure of the event's own (an outage is waited out, uncounted); parks it when it
   * failed too often or for good.
   */
  private Future<Void> failed(InboxedEvent event, Throwable error) {
    if (EventConsumer.outage(error)) {
      return Future.succeededFuture();
    }
    String lastError = EventConsumer.errorText(error);
    return inbox
        .failed(event, lastError, retry.backoff().toMillis())
        .compose(
            failure ->
                failure == null
                        || (failure.attempts() < retry.attempts()
                            && !EventConsumer.permanent(error))
                    ? Future.succeededFuture()
                    : park(event, failure, lastError));
  }

  /**
   * Takes the event out of the sweep and keeps it with its error for admins, in one transaction.
   */
  private Future<Void> park(InboxedEvent event, WebhookInbox.Failure failure, String lastError) {
    LOG.error(
        "{} event {} ({}) parked after {} attempts: {}",
        event.provider(),
        event.eventId(),
        event.eventType(),
        failure.attempts(),
        lastError);
    // parked messages are keyed by a UUID event id, which a provider's event id is not: one is
    // derived from it
    UUID parkedId = UUID.nameUUIDFromBytes(event.key().getBytes(StandardCharsets.UTF_8));
    boolean ofPayPal = WebhookInbox.PAYPAL.equals(event.provider());
    return pool.withTransaction(
            tx ->
                inbox
                    .park(tx, event)
                    .compose(
                        mine ->
                            !mine
                                ? Future.<Void>succeededFuture()
                                : parked.park(
                                    tx,
                                    CONSUMER,
                                    ofPayPal ? PAYPAL_SOURCE : SOURCE,
                                    parkedId,
                                    event.eventType(),
                                    ofPayPal ? PAYPAL_KEY + event.eventId() : event.eventId(),
                                    Buffer.buffer(event.payload().encode()),
                                    failure.attempts(),
                                    lastError,
                                    failure.firstFailedAt())))
        .onSuccess(v -> parked.recount());
  }

  /**
   * An event's facts, and for a PaymentIntent's success the PaymentIntent its order's Checkout
   * Session names.
   */
  private record Learned(List<PaymentFact> facts, String sessionIntent) {}

  /**
   * An admin's retry of a parked event: it is learned as the sweep would (no transaction open),
   * then put back in the inbox and applied there, in the transaction that removes it from the
   * parked ones. So the retry answers whether it was applied; one that fails again stays parked,
   * counted, with its new error.
   */
  private final class AdminRetry implements EventConsumer.Handler {
    /** What each retry learned before its transaction, by the parked message's key. */
    private final Map<String, Learned> prepared = new ConcurrentHashMap<>();

    @Override
    public Future<Void> prepare(UUID eventId, String eventType, String key, Buffer value) {
      return learn(parkedEvent(eventType, key, value))
          .map(
              learned -> {
                prepared.put(key, learned);
                return null;
              });
    }

    @Override
    public Future<Void> apply(
        SqlConnection tx, UUID eventId, String eventType, String key, Buffer value) {
      InboxedEvent event = parkedEvent(eventType, key, value);
      Learned learned = prepared.remove(key);
      if (learned == null) {
        return Future.failedFuture(new IllegalStateException("retried without being learned"));
      }
      // one no longer waiting in the inbox was applied meanwhile: nothing is left to do
      return inbox
          .requeue(tx, event.provider(), event.eventId())
          .compose(v -> applyIn(tx, event, learned))
          .mapEmpty();
    }

    /** The inbox's event a parked message keeps: its key names the provider and the event. */
    private static InboxedEvent parkedEvent(String eventType, String key, Buffer value) {
      return key.startsWith(PAYPAL_KEY)
          ? new InboxedEvent(
              WebhookInbox.PAYPAL,
              key.substring(PAYPAL_KEY.length()),
              eventType,
              value.toJsonObject())
          : new InboxedEvent(WebhookInbox.STRIPE, key, eventType, value.toJsonObject());
    }
  }

  private Future<Learned> learn(InboxedEvent event) {
    if (WebhookInbox.PAYPAL.equals(event.provider())) {
      return learnPayPal(event).map(facts -> new Learned(facts, null));
    }
    return withRefunds(event)
        .compose(
            payload -> {
              List<PaymentFact> facts = StripeFacts.ofEvent(payload);
              return sessionIntent(event.eventType(), facts)
                  .map(intent -> new Learned(facts, intent));
            });
  }

  /**
   * The PaymentIntent of the order's Checkout Session as Stripe has it, for a PaymentIntent's
   * success: Stripe's event does not say which session it paid, and only that one may pay the order
   * through its session. Null when unknown.
   */
  private Future<String> sessionIntent(String eventType, List<PaymentFact> facts) {
    if (!StripeFacts.INTENT_SUCCEEDED.equals(eventType) || facts.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return ledger
        .sessionOf(facts.get(0).orderId())
        .compose(
            sessionId ->
                sessionId == null
                    ? Future.succeededFuture(null)
                    : stripe
                        .call(client -> client.v1().checkout().sessions().retrieve(sessionId))
                        .<String>map(Session::getPaymentIntent)
                        // a session Stripe does not have (an emulator restarted without it) names
                        // no PaymentIntent
                        .recover(
                            e ->
                                StripeProblems.of(e) instanceof ApiProblem p && p.status() == 404
                                    ? Future.succeededFuture(null)
                                    : Future.failedFuture(e)));
  }

  /**
   * A {@code charge.refunded} event names no refunds (Stripe no longer expands them): they are
   * listed from Stripe.
   */
  private Future<JsonObject> withRefunds(InboxedEvent event) {
    JsonObject charge =
        event
            .payload()
            .getJsonObject("data", new JsonObject())
            .getJsonObject("object", new JsonObject());
    if (!StripeFacts.CHARGE_REFUNDED.equals(event.eventType())
        || charge.containsKey("refunds")
        || StripeFacts.orderOf(charge) == null) {
      return Future.succeededFuture(event.payload());
    }
    RefundListParams ofCharge =
        RefundListParams.builder().setCharge(charge.getString("id")).setLimit(100L).build();
    return stripe
        .call(client -> client.v1().refunds().list(ofCharge))
        .map(
            list -> {
              JsonArray refunds = new JsonArray();
              for (Refund r : list.getData()) {
                refunds.add(
                    new JsonObject()
                        .put("id", r.getId())
                        .put("amount", r.getAmount())
                        .put("currency", r.getCurrency())
                        .put("status", r.getStatus())
                        .put(
                            "metadata",
                            r.getMetadata() == null
                                ? null
                                : new JsonObject(new HashMap<>(r.getMetadata()))));
              }
              JsonObject payload = event.payload().copy();
              payload
                  .getJsonObject("data")
                  .getJsonObject("object")
                  .put("refunds", new JsonObject().put("object", "list").put("data", refunds));
              return payload;
            });
  }

  /**
   * What a PayPal event means: an approved order of ours is captured here (with no transaction
   * open), unless its checkout was closed; a capture's and a refund's events are read as they are,
   * their order and PayPal order taken from the ledger when the event does not name them.
   */
  private Future<List<PaymentFact>> learnPayPal(InboxedEvent event) {
    JsonObject payload = event.payload();
    String eventId = event.eventId();
    return switch (event.eventType()) {
      case PayPalFacts.ORDER_APPROVED -> approved(PayPalFacts.checkoutOf(payload), eventId);
      case PayPalFacts.CAPTURE_COMPLETED, PayPalFacts.CAPTURE_DENIED -> {
        String checkoutId = PayPalFacts.checkoutOfCapture(payload);
        UUID orderId = PayPalFacts.orderOfCapture(payload);
        Future<String> checkout =
            checkoutId != null || orderId == null
                ? Future.succeededFuture(checkoutId)
                : ledger.sessionOf(orderId);
        yield checkout.map(id -> PayPalFacts.ofCaptureEvent(payload, id));
      }
      case PayPalFacts.CAPTURE_REFUNDED -> {
        UUID orderId = PayPalFacts.orderOfRefund(payload);
        String captureId = PayPalFacts.captureOfRefund(PayPalFacts.resource(payload));
        Future<UUID> order =
            orderId != null || captureId == null
                ? Future.succeededFuture(orderId)
                : ledger.orderOfPayment(captureId);
        yield order.map(id -> PayPalFacts.ofRefundEvent(payload, id));
      }
      default -> Future.succeededFuture(List.of());
    };
  }

  /**
   * Captures an approved PayPal order made for one of our orders, once (PayPal answers a repeat
   * with the first capture); a closed checkout is never captured, and one PayPal no longer knows
   * means nothing.
   */
  private Future<List<PaymentFact>> approved(String checkoutId, String eventId) {
    return ledger
        .checkout(checkoutId)
        .compose(
            ours ->
                ours == null || !WebhookInbox.PAYPAL.equals(ours.provider())
                    ? Future.succeededFuture(List.<PaymentFact>of())
                    : ledger
                        .closed(checkoutId)
                        .compose(
                            closed ->
                                closed
                                    ? Future.succeededFuture(List.<PaymentFact>of())
                                    : paypal
                                        .complete(checkoutId)
                                        .map(state -> PayPalFacts.withEvent(state.facts(), eventId))
                                        .recover(
                                            e ->
                                                e instanceof ApiProblem p && p.status() == 404
                                                    ? Future.succeededFuture(List.of())
                                                    : Future.failedFuture(e))));
  }

  public Future<Void> stop() {
    vertx.cancelTimer(sweeper);
    return inFlight.recover(e -> Future.succeededFuture());
  }
}
