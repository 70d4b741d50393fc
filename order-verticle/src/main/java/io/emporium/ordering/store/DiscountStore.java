package io.emporium.ordering.store;

import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.DiscountRules;
import io.emporium.proto.ordering.v1.Discount;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Discount codes in the {@code ordering} schema; deleted ones are kept for the orders that used
 * them.
 */
public final class DiscountStore {
  /**
   * What a change to a code records with it, in its transaction: the audit entry of {@code action},
   * before and after.
   */
  @FunctionalInterface
  public interface Audited {
    Future<Void> record(
        SqlConnection tx, String action, String discountId, JsonObject before, JsonObject after);
  }

  private static final String COLUMNS =
      """
      id, code, type, value, currency, min_subtotal, starts_at, ends_at, max_uses, per_user_limit, uses, created_at""";
  private static final String LIST =
      "SELECT "
          + COLUMNS
          + " FROM ordering.discounts WHERE deleted_at IS NULL ORDER BY created_at DESC, id";
  private static final String BY_ID =
      "SELECT " + COLUMNS + " FROM ordering.discounts WHERE id = $1 AND deleted_at IS NULL";
  private static final String LOCK = BY_ID + " FOR UPDATE";
  private static final String BY_CODE =
      "SELECT " + COLUMNS + " FROM ordering.discounts WHERE code = $1 AND deleted_at IS NULL";
  private static final String INSERT =
      """
      INSERT INTO ordering.discounts (id, code, type, value, currency, min_subtotal, starts_at, ends_at, max_uses, per_user_limit)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING"""
          + " "
          + COLUMNS;
  private static final String UPDATE =
      """
      UPDATE ordering.discounts SET code = $2, type = $3, value = $4, currency = $5, min_subtotal = $6, starts_at = $7,
             ends_at = $8, max_uses = $9, per_user_limit = $10, updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL RETURNING"""
          + " "
          + COLUMNS;
  private static final String DELETE =
      "UPDATE ordering.discounts SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING "
          + COLUMNS;
  private static final String USES_BY =
      "SELECT count(*) FROM ordering.discount_redemptions WHERE discount_id = $1 AND user_id = $2";
  // the conditional update is what makes the last use of a code go to one buyer only
  private static final String TAKE_USE =
      """
      UPDATE ordering.discounts SET uses = uses + 1, updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL AND (max_uses IS NULL OR uses < max_uses)
      RETURNING per_user_limit""";
  private static final String REDEEM =
      "INSERT INTO ordering.discount_redemptions (discount_id, order_id, user_id) VALUES ($1, $2, $3)";
  private static final String GIVE_BACK_USE =
      """
      WITH gone AS (DELETE FROM ordering.discount_redemptions WHERE discount_id = $1 AND order_id = $2 RETURNING discount_id)
      UPDATE ordering.discounts d SET uses = d.uses - 1, updated_at = now() FROM gone WHERE d.id = gone.discount_id""";

  private final Pool pool;

  public DiscountStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Discount>> list() {
    return pool.query(LIST)
        .execute()
        .map(
            rows -> {
              List<Discount> out = new ArrayList<>();
              rows.forEach(r -> out.add(discount(r)));
              return out;
            });
  }

  public Future<Optional<Discount>> find(UUID id) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(discount(rows.iterator().next())));
  }

  public Future<Optional<Discount>> byCode(String code) {
    return pool.preparedQuery(BY_CODE)
        .execute(Tuple.of(code))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(discount(rows.iterator().next())));
  }

  /**
   * Creates ({@code id} null) or replaces a code's settings, audited; 409 when another live code
   * has the same text.
   */
  public Future<Optional<Discount>> save(UUID id, Discount d, Audited audit) {
    UUID discountId = id == null ? UUID.randomUUID() : id;
    Tuple args =
        Tuple.of(
                discountId,
                d.getCode(),
                d.getType(),
                d.getValue(),
                d.getCurrency(),
                d.getMinSubtotal())
            .addValue(time(d.getStartsAt()))
            .addValue(time(d.getEndsAt()))
            .addValue(d.hasMaxUses() ? d.getMaxUses() : null)
            .addValue(d.hasPerUserLimit() ? d.getPerUserLimit() : null);
    return pool.withTransaction(
            tx ->
                (id == null
                        ? Future.succeededFuture(Optional.<Discount>empty())
                        : tx.preparedQuery(LOCK).execute(Tuple.of(id)).map(DiscountStore::first))
                    .compose(
                        before ->
                            id != null && before.isEmpty()
                                ? Future.succeededFuture(Optional.<Discount>empty())
                                : tx.preparedQuery(id == null ? INSERT : UPDATE)
                                    .execute(args)
                                    .map(DiscountStore::first)
                                    .compose(
                                        saved ->
                                            audit
                                                .record(
                                                    tx,
                                                    id == null
                                                        ? "discount.created"
                                                        : "discount.updated",
                                                    discountId.toString(),
                                                    before
                                                        .map(DiscountStore::auditFields)
                                                        .orElse(null),
                                                    auditFields(saved.orElseThrow()))
                                                .map(saved))))
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? ApiProblem.conflict(
                            "Another discount already has the code " + d.getCode() + ".")
                        : e instanceof PgException pg2 && "23514".equals(pg2.getSqlState())
                            ? ApiProblem.conflict(
                                "The code has been used more often than that already.")
                            : e));
  }

  /** Retires a code, audited; empty when there is no live code with that id. */
  public Future<Optional<Discount>> delete(UUID id, Audited audit) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(DELETE)
                .execute(Tuple.of(id))
                .map(DiscountStore::first)
                .compose(
                    deleted ->
                        deleted.isEmpty()
                            ? Future.succeededFuture(deleted)
                            : audit
                                .record(
                                    tx,
                                    "discount.deleted",
                                    id.toString(),
                                    auditFields(deleted.get()),
                                    null)
                                .map(deleted)));
  }

  private static Optional<Discount> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(discount(rows.iterator().next()));
  }

  /** What the audit log keeps of a code: its terms (not its running use count). */
  private static JsonObject auditFields(Discount d) {
    return new JsonObject()
        .put("code", d.getCode())
        .put("type", d.getType())
        .put("value", d.getValue())
        .put("currency", d.getCurrency())
        .put("minSubtotal", d.getMinSubtotal())
        .put("startsAt", d.getStartsAt().isEmpty() ? null : d.getStartsAt())
        .put("endsAt", d.getEndsAt().isEmpty() ? null : d.getEndsAt())
        .put("maxUses", d.hasMaxUses() ? d.getMaxUses() : null)
        .put("perUserLimit", d.hasPerUserLimit() ? d.getPerUserLimit() : null);
  }

  /**
   * Why the code does not apply to a cart of {@code subtotal} in {@code currency} now, for {@code
   * customer} (null for a guest) with their redemptions counted when the code limits them; empty
   * when it applies.
   */
  public Future<Optional<String>> refusal(
      Discount d, UUID customer, long subtotal, String currency) {
    Future<Integer> used =
        customer == null || !d.hasPerUserLimit()
            ? Future.succeededFuture(customer == null ? null : 0)
            : usesBy(UUID.fromString(d.getId()), customer);
    return used.map(n -> DiscountRules.refusal(d, Instant.now(), subtotal, currency, n));
  }

  /**
   * Takes one use of the code for a new order in the order's transaction; 422 when none is left, or
   * none for this customer.
   */
  public Future<Void> redeem(
      SqlConnection tx, UUID discountId, String code, UUID orderId, UUID customerId) {
    return tx.preparedQuery(TAKE_USE)
        .execute(Tuple.of(discountId))
        .compose(
            taken -> {
              if (taken.rowCount() == 0) {
                return Future.failedFuture(
                    ApiProblem.invalid("discountCode", "The code " + code + " has been used up."));
              }
              Integer perUser = taken.iterator().next().getInteger("per_user_limit");
              Future<Void> allowed =
                  perUser == null
                      ? Future.succeededFuture()
                      : tx.preparedQuery(USES_BY)
                          .execute(Tuple.of(discountId, customerId))
                          .compose(
                              rows ->
                                  rows.iterator().next().getLong(0) >= perUser
                                      ? Future.failedFuture(
                                          ApiProblem.invalid(
                                              "discountCode",
                                              "You have already used the code "
                                                  + code
                                                  + " as often as it allows."))
                                      : Future.succeededFuture());
              return allowed
                  .compose(
                      v ->
                          tx.preparedQuery(REDEEM)
                              .execute(Tuple.of(discountId, orderId, customerId)))
                  .mapEmpty();
            });
  }

  /** Gives back the use a cancelled order held, in its transaction; nothing when it held none. */
  public Future<Void> giveBack(SqlConnection tx, UUID discountId, UUID orderId) {
    return tx.preparedQuery(GIVE_BACK_USE).execute(Tuple.of(discountId, orderId)).mapEmpty();
  }

  /** How often this customer has redeemed the code. */
  public Future<Integer> usesBy(UUID discountId, UUID userId) {
    return pool.preparedQuery(USES_BY)
        .execute(Tuple.of(discountId, userId))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  private static OffsetDateTime time(String rfc3339) {
    return rfc3339.isEmpty() ? null : OffsetDateTime.parse(rfc3339);
  }

  private static String rfc3339(OffsetDateTime t) {
    return t == null
        ? ""
        : DateTimeFormatter.ISO_INSTANT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  private static Discount discount(Row r) {
    Discount.Builder d =
        Discount.newBuilder()
            .setId(r.getUUID("id").toString())
            .setCode(r.getString("code"))
            .setType(r.getString("type"))
            .setValue(r.getLong("value"))
            .setCurrency(r.getString("currency"))
            .setMinSubtotal(r.getLong("min_subtotal"))
            .setStartsAt(rfc3339(r.getOffsetDateTime("starts_at")))
            .setEndsAt(rfc3339(r.getOffsetDateTime("ends_at")))
            .setUses(r.getInteger("uses"))
            .setCreatedAt(rfc3339(r.getOffsetDateTime("created_at")));
    if (r.getInteger("max_uses") != null) {
      d.setMaxUses(r.getInteger("max_uses"));
    }
    if (r.getInteger("per_user_limit") != null) {
      d.setPerUserLimit(r.getInteger("per_user_limit"));
    }
    return d.build();
  }
}
