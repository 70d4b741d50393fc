package io.emporium.ordering.saga;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.ParkedMessages;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.store.StepStore;
import io.emporium.ordering.store.StepStore.Claimed;
import io.emporium.proto.ordering.v1.Order;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moves of an order that call other services, and the one place their states live. No database
 * transaction stays open while a move waits on the catalog, the payment service or Stripe: a move
 * is a persisted step.
 *
 * <pre>
 *   asked ──claim──▶ running ──its last transaction──▶ done (the row is deleted with the move's outcome)
 *     ▲                 │ ├──refused before any call──▶ gone (the asker gets the refusal)
 *     └──after backoff──┘ └──failed often, not an outage──▶ parked (an admin retries or discards it)
 * </pre>
 *
 * <ul>
 *   <li><b>asked</b>: a row in {@code order_steps}, inserted with the order's row locked, in the
 *       transaction of whatever asked (a payment event, a request, the sweeper). One order's steps
 *       run one at a time, oldest first; steps of different orders run side by side.
 *   <li><b>running</b>: claimed with a lease. The move reads the order, makes its calls (each
 *       idempotent: the same reservation, the same refund key), then records the outcome in one
 *       short transaction that also deletes the step. A crash anywhere before that leaves the step,
 *       whose lease ends and which runs again from the start, so it resumes: what was done is done
 *       again harmlessly, and what was not is done now.
 *   <li>A move that fails (a call failed) is let go and taken again after a backoff; an outage (a
 *       service unreachable or unavailable) is waited out however long it lasts, any other failure
 *       {@code EVENT_RETRY_ATTEMPTS} times, then the step is parked like a Kafka message that keeps
 *       failing.
 *   <li>Moves that only write this service's tables (ship, deliver) take the order's row lock and
 *       refuse while a step of the order is asked or running, so they never interleave with one.
 * </ul>
 *
 * The kinds: {@link Kind#PAID} (commit the stock and mark the order paid, or refund a payment the
 * order cannot use), {@link Kind#CANCEL} (close the session and release the stock of an order still
 * waiting for payment, or find it paid), {@link Kind#MISMATCH} (give back a payment that does not
 * match its order), {@link Kind#CANCEL_ORDER} (a customer or admin cancels: as {@code CANCEL} while
 * unpaid, refund and restock once paid) and {@link Kind#REFUND} (an admin refunds).
 */
public final class OrderMoves {
  private static final Logger LOG = LoggerFactory.getLogger(OrderMoves.class);

  /** How parked steps are named in {@code GET /admin/events/parked}. */
  public static final String PARKED_AS = "ordering-steps";

  public static final String SOURCE = "ordering.steps";

  /** Steps running at once in this process. */
  private static final int MAX_RUNNING = 64;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  public enum Kind {
    PAID,
    CANCEL,
    MISMATCH,
    CANCEL_ORDER,
    REFUND;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Kind of(String wire) {
      return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * Runs a claimed step to its end: {@link Step#commit}, {@link Step#done} or {@link Step#refuse};
   * a failure lets it go.
   */
  @FunctionalInterface
  public interface Runner {
    Future<Optional<Order>> run(Step step);
  }

  /** A step being run. */
  public final class Step {
    private final Claimed claimed;
    private boolean ended;

    private Step(Claimed claimed) {
      this.claimed = claimed;
    }

    public UUID orderId() {
      return claimed.orderId();
    }

    public JsonObject args() {
      return claimed.args();
    }

    public String requestId() {
      return claimed.requestId();
    }

    /** Records what the move did and ends the step, in one short transaction. */
    public <T> Future<T> commit(Function<SqlConnection, Future<T>> work) {
      return pool.withTransaction(
              tx -> work.apply(tx).compose(r -> store.delete(tx, claimed.id()).map(r)))
          .onSuccess(r -> ended = true);
    }

    /** Ends the step: there was nothing (more) to do. */
    public <T> Future<T> done(T value) {
      return store.delete(pool, claimed.id()).onSuccess(v -> ended = true).map(value);
    }

    /**
     * Ends the step with a refusal decided before it called anything; the asker gets {@code
     * problem}.
     */
    public <T> Future<T> refuse(ApiProblem problem) {
      return store
          .delete(pool, claimed.id())
          .onSuccess(v -> ended = true)
          .compose(v -> Future.failedFuture(problem));
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final StepStore store;
  private final ParkedMessages parked;
  private final EmporiumConfig.EventRetry retry;

  /**
   * Longer than a move takes with its calls' deadlines; a step held longer than this is taken over.
   */
  private final Duration lease;

  private final Map<Kind, Runner> runners = new EnumMap<>(Kind.class);
  private final Map<Long, Promise<Optional<Order>>> waiters = new HashMap<>();
  private int running;
  private boolean claiming;
  private boolean again;
  private boolean stopped;

  public OrderMoves(Vertx vertx, Pool pool, ParkedMessages parked, EmporiumConfig config) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = new StepStore(pool);
    this.parked = parked;
    this.retry = config.eventRetry;
    this.lease = config.grpcDeadline.multipliedBy(4).plusSeconds(5);
    parked.watch(SOURCE);
    // an admin's retry of a parked step asks for it again
    parked.handle(
        PARKED_AS,
        (tx, eventId, kind, orderId, payload) -> {
          JsonObject step = new JsonObject(payload);
          return enqueue(
              tx,
              UUID.fromString(orderId),
              Kind.of(kind),
              step.getJsonObject("args"),
              step.getString("requestId"));
        });
  }

  public void handle(Kind kind, Runner runner) {
    runners.put(kind, runner);
  }

  /** Asks for a move and waits for its outcome in this process. */
  public Future<Optional<Order>> submit(
      UUID orderId, Kind kind, JsonObject args, String requestId) {
    return submit(orderId, kind, args, requestId, tx -> Future.succeededFuture());
  }

  /**
   * As above, once {@code check} (in the transaction that holds the order's row) lets it be asked
   * for.
   */
  public Future<Optional<Order>> submit(
      UUID orderId,
      Kind kind,
      JsonObject args,
      String requestId,
      Function<SqlConnection, Future<Void>> check) {
    Promise<Optional<Order>> outcome = Promise.promise();
    return pool.withTransaction(
            tx -> check.apply(tx).compose(v -> ask(tx, orderId, kind, args, requestId, outcome)))
        .compose(
            id ->
                outcome
                    .future()
                    .timeout(lease.toMillis(), TimeUnit.MILLISECONDS)
                    .recover(
                        e -> {
                          waiters.remove(id);
                          return Future.failedFuture(
                              e instanceof java.util.concurrent.TimeoutException
                                  ? ApiProblem.unavailable(
                                      "The change of order "
                                          + orderId
                                          + " is under way; look at the order again in a moment.",
                                      2)
                                  : e);
                        }));
  }

  /** Asks for a move in the caller's transaction; it runs once that commits. */
  public Future<Void> enqueue(
      SqlConnection tx, UUID orderId, Kind kind, JsonObject args, String requestId) {
    return ask(tx, orderId, kind, args, requestId, null).mapEmpty();
  }

  /**
   * Inserts the step; once the transaction commits, this process runs it at once when it is the
   * order's only step (so the asker's waiter hears of it, and no claim is needed), or looks for
   * steps whose turn has come.
   */
  private Future<Long> ask(
      SqlConnection tx,
      UUID orderId,
      Kind kind,
      JsonObject args,
      String requestId,
      Promise<Optional<Order>> waiter) {
    return store
        .insert(tx, orderId, kind.wire(), args, requestId, lease)
        .map(
            asked -> {
              if (waiter != null) {
                waiters.put(asked.id(), waiter);
              }
              tx.transaction()
                  .completion()
                  .onComplete(
                      ar -> {
                        if (ar.failed()) {
                          waiters.remove(asked.id());
                        } else if (asked.claimed()) {
                          start(
                              new Claimed(
                                  asked.id(), orderId, kind.wire(), args, requestId, 1, null));
                        } else {
                          wake();
                        }
                      });
              return asked.id();
            });
  }

  /**
   * Whether a move of the order is asked for or running; in the transaction that holds the order's
   * row.
   */
  public Future<Boolean> busy(SqlConnection tx, UUID orderId) {
    return store.busy(tx, orderId);
  }

  /**
   * Looks for steps whose turn has come: after each commit that asks for one, each step's end, and
   * each sweep.
   */
  public void wake() {
    if (stopped) {
      return;
    }
    if (claiming || running >= MAX_RUNNING) {
      again = true;
      return;
    }
    claiming = true;
    again = false;
    store
        .claim(MAX_RUNNING - running, lease)
        .onComplete(
            ar -> {
              claiming = false;
              if (ar.failed()) {
                LOG.warn(
                    "could not claim order steps, trying at the next sweep: {}",
                    ar.cause().toString());
                return;
              }
              ar.result().forEach(this::start);
              if (again) {
                wake();
              }
            });
  }

  public void stop() {
    stopped = true;
  }

  /** Runs a claimed step; its end lets the order's next step have its turn. */
  private void start(Claimed claimed) {
    running++;
    run(claimed)
        .onComplete(
            x -> {
              running--;
              wake();
            });
  }

  private Future<Void> run(Claimed claimed) {
    Step step = new Step(claimed);
    Future<Optional<Order>> outcome;
    try {
      outcome = runners.get(Kind.of(claimed.kind())).run(step);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome
        .transform(
            ar -> {
              Promise<Optional<Order>> waiter = waiters.remove(claimed.id());
              if (ar.succeeded()) {
                if (waiter != null) {
                  waiter.complete(ar.result());
                }
                return step.ended
                    ? Future.<Void>succeededFuture()
                    : step.done(null).<Void>mapEmpty();
              }
              if (waiter != null) {
                waiter.fail(ar.cause());
              }
              return step.ended ? Future.<Void>succeededFuture() : failed(claimed, ar.cause());
            })
        .recover(
            e -> {
              LOG.warn(
                  "order step {} ({} of order {}) could not be settled: {}",
                  claimed.id(),
                  claimed.kind(),
                  claimed.orderId(),
                  e.toString());
              return Future.succeededFuture();
            });
  }

  /**
   * Lets the step go for another try after a backoff, or parks it once tried often enough (an
   * outage is waited out).
   */
  private Future<Void> failed(Claimed claimed, Throwable error) {
    String text = EventConsumer.errorText(error);
    if (!EventConsumer.outage(error) && claimed.attempts() >= retry.attempts()) {
      LOG.error(
          "parked order step {} ({} of order {}) after {} attempts: {}",
          claimed.id(),
          claimed.kind(),
          claimed.orderId(),
          claimed.attempts(),
          text);
      Buffer payload =
          new JsonObject()
              .put("args", claimed.args())
              .put("requestId", claimed.requestId())
              .toBuffer();
      Instant first =
          claimed.firstFailedAt() == null ? Instant.now() : claimed.firstFailedAt().toInstant();
      return pool.withTransaction(
              tx ->
                  store
                      .delete(tx, claimed.id())
                      .compose(
                          v ->
                              parked.park(
                                  tx,
                                  PARKED_AS,
                                  SOURCE,
                                  UUID.randomUUID(),
                                  claimed.kind(),
                                  claimed.orderId().toString(),
                                  payload,
                                  claimed.attempts(),
                                  text,
                                  first)))
          .onSuccess(v -> parked.recount());
    }
    long exponent = Math.min(claimed.attempts() - 1, 16);
    Duration wait = retry.backoff().multipliedBy(1L << exponent);
    Duration backoff = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    LOG.warn(
        "order step {} ({} of order {}) failed (attempt {}), trying again in {} ms: {}",
        claimed.id(),
        claimed.kind(),
        claimed.orderId(),
        claimed.attempts(),
        backoff.toMillis(),
        text);
    return store
        .failed(claimed.id(), backoff, text)
        .onSuccess(
            found -> {
              if (found) {
                vertx.setTimer(backoff.toMillis(), t -> wake());
              }
            })
        .mapEmpty();
  }
}
