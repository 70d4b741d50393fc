package io.emporium.ordering.store;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Idempotency keys with Stripe's semantics, per customer and operation: the same key and request
 * within 24 hours answers the first answer, another request under the key is refused, and a request
 * still running under it is a conflict. A request that dies while running is taken over once its
 * lease has passed.
 */
public final class IdempotencyKeys {
  /**
   * How long a running request holds its key before a retry may take it over: {@code
   * CHECKOUT_ABANDONED_AFTER}, the age at which a checkout that has not finished is taken for
   * stopped (it outlasts the deadlines of every call it makes).
   */
  private final int leaseSeconds;

  // a key older than 24 h, or one whose runner died (same request, lease over), is claimed afresh
  private static final String CLAIM =
      """
      WITH previous AS (SELECT order_id FROM ordering.idempotency_keys WHERE customer_id = $1 AND operation = $2 AND key = $3)
      INSERT INTO ordering.idempotency_keys (customer_id, operation, key, fingerprint, state, locked_until)
      VALUES ($1, $2, $3, $4, 'running', now() + make_interval(secs => $5))
      ON CONFLICT (customer_id, operation, key) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, state = 'running', locked_until = EXCLUDED.locked_until,
            order_id = NULL, response = NULL, problem = NULL, created_at = now()
        WHERE idempotency_keys.created_at < now() - interval '24 hours'
           OR (idempotency_keys.state = 'running' AND idempotency_keys.locked_until < now()
               AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)
      RETURNING (SELECT order_id FROM previous) AS previous_order""";
  private static final String READ =
      """
      SELECT fingerprint, state, response, problem FROM ordering.idempotency_keys WHERE customer_id = $1 AND operation = $2 AND key = $3""";
  private static final String ATTACH_ORDER =
      """
      UPDATE ordering.idempotency_keys SET order_id = $4 WHERE customer_id = $1 AND operation = $2 AND key = $3""";
  private static final String FINISH =
      """
      UPDATE ordering.idempotency_keys SET state = 'done', response = $4, problem = $5
      WHERE customer_id = $1 AND operation = $2 AND key = $3""";
  private static final String RELEASE =
      """
      DELETE FROM ordering.idempotency_keys WHERE customer_id = $1 AND operation = $2 AND key = $3 AND state = 'running'""";
  private static final String FORGET_OLD =
      "DELETE FROM ordering.idempotency_keys WHERE created_at < now() - interval '24 hours'";

  /** A key of one customer for one operation. */
  public record Key(UUID customerId, String operation, String key) {
    Tuple tuple() {
      return Tuple.of(customerId, operation, key);
    }
  }

  /** What claiming a key found. */
  public sealed interface Claim {}

  /**
   * The key is this request's: do the work. When it was taken over from a request that died while
   * running, {@code abandonedOrder} is the order that request had made (null if none), for the
   * caller to undo first.
   */
  public record Claimed(UUID abandonedOrder) implements Claim {}

  /** The same request already finished: answer this (a response, or a final refusal). */
  @SuppressWarnings(
      "ArrayRecordComponent") // the stored answer handed back once, never compared or hashed
  public record Finished(byte[] response, ApiProblem refusal) implements Claim {}

  private final Pool pool;

  public IdempotencyKeys(Pool pool, java.time.Duration lease) {
    this.pool = pool;
    this.leaseSeconds = (int) lease.toSeconds();
  }

  /** SHA-256 of a request's bytes. */
  public static byte[] fingerprint(byte[] request) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(request);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Claims the key for a request: 422 when the key was used for another request, 409 while the same
   * request is still running under it.
   */
  public Future<Claim> claim(Key key, byte[] fingerprint) {
    Tuple claim = key.tuple().addValue(Buffer.buffer(fingerprint)).addValue(leaseSeconds);
    return pool.preparedQuery(CLAIM)
        .execute(claim)
        .compose(
            claimed -> {
              if (claimed.rowCount() == 1) {
                return Future.succeededFuture(
                    new Claimed(claimed.iterator().next().getUUID("previous_order")));
              }
              return pool.preparedQuery(READ)
                  .execute(key.tuple())
                  .map(
                      rows -> {
                        if (rows.size() == 0) {
                          // released between our insert and this read: the caller may simply retry
                          throw ApiProblem.conflict(
                              "A request with this Idempotency-Key just ended; send it again.");
                        }
                        Row row = rows.iterator().next();
                        if (!MessageDigest.isEqual(
                            row.getBuffer("fingerprint").getBytes(), fingerprint)) {
                          throw ApiProblem.invalid(
                              "Idempotency-Key",
                              "was already used for a different request; use a new key");
                        }
                        if (row.getString("state").equals("running")) {
                          throw ApiProblem.conflict(
                              "A request with this Idempotency-Key is still in progress.");
                        }
                        Buffer response = row.getBuffer("response");
                        return new Finished(
                            response == null ? null : response.getBytes(),
                            problem(row.getJsonObject("problem")));
                      });
            });
  }

  public Future<Void> attachOrder(Key key, UUID orderId) {
    return pool.preparedQuery(ATTACH_ORDER).execute(key.tuple().addValue(orderId)).mapEmpty();
  }

  /** Keeps the answer for repeats of the request. */
  public Future<Void> finish(Key key, byte[] response) {
    return pool.preparedQuery(FINISH)
        .execute(key.tuple().addValue(Buffer.buffer(response)).addValue(null))
        .mapEmpty();
  }

  /**
   * Keeps a final refusal (the request was carried out and refused, like out of stock) for repeats
   * of the request.
   */
  public Future<Void> finish(Key key, ApiProblem refusal) {
    return pool.preparedQuery(FINISH)
        .execute(key.tuple().addValue(null).addValue(json(refusal)))
        .mapEmpty();
  }

  /** Frees the key after a failure that changed nothing, so the same request may be sent again. */
  public Future<Void> release(Key key) {
    return pool.preparedQuery(RELEASE).execute(key.tuple()).mapEmpty();
  }

  public Future<Integer> forgetOld() {
    return pool.query(FORGET_OLD).execute().map(rows -> rows.rowCount());
  }

  private static JsonObject json(ApiProblem p) {
    JsonArray errors = new JsonArray();
    p.errors()
        .forEach(
            e -> errors.add(new JsonObject().put("field", e.field()).put("message", e.message())));
    return new JsonObject()
        .put("status", p.status())
        .put("detail", p.detail())
        .put("errors", errors);
  }

  private static ApiProblem problem(JsonObject json) {
    if (json == null) {
      return null;
    }
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    json.getJsonArray("errors")
        .forEach(
            e ->
                errors.add(
                    new ApiProblem.FieldError(
                        ((JsonObject) e).getString("field"),
                        ((JsonObject) e).getString("message"))));
    int status = json.getInteger("status");
    return new ApiProblem(
        status, ApiProblem.titleFor(status), json.getString("detail"), errors, null);
  }
}
