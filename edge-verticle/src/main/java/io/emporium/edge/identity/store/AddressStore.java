package io.emporium.edge.identity.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A user's saved shipping addresses; every query is scoped to the owner. */
public final class AddressStore {
  public static final int MAX_PER_USER = 20;
  public static final List<String> FIELDS =
      List.of("name", "line1", "line2", "city", "region", "postalCode", "country", "phone");

  private static final String COLUMNS =
      "id, name, line1, line2, city, region, postal_code, country, phone";
  private static final String LIST =
      "SELECT " + COLUMNS + " FROM identity.addresses WHERE user_id = $1 ORDER BY created_at, id";
  private static final String INSERT =
      """
      INSERT INTO identity.addresses (id, user_id, name, line1, line2, city, region, postal_code, country, phone)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
      WHERE (SELECT count(*) FROM identity.addresses WHERE user_id = $2) < %d
      RETURNING %s"""
          .formatted(MAX_PER_USER, COLUMNS);
  private static final String UPDATE =
      """
      UPDATE identity.addresses SET name = $3, line1 = $4, line2 = $5, city = $6, region = $7, postal_code = $8,
             country = $9, phone = $10
      WHERE id = $1 AND user_id = $2 RETURNING"""
          + " "
          + COLUMNS;
  private static final String ONE =
      "SELECT " + COLUMNS + " FROM identity.addresses WHERE id = $1 AND user_id = $2";
  private static final String DELETE =
      "DELETE FROM identity.addresses WHERE id = $1 AND user_id = $2";

  private final Pool pool;

  public AddressStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<JsonObject>> list(UUID userId) {
    return pool.preparedQuery(LIST)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              rows.forEach(r -> out.add(toJson(r)));
              return out;
            });
  }

  public Future<Optional<JsonObject>> find(UUID userId, UUID id) {
    return pool.preparedQuery(ONE).execute(Tuple.of(id, userId)).map(AddressStore::first);
  }

  /** Saves a new address; empty when the user already has the maximum. */
  public Future<Optional<JsonObject>> add(UUID userId, JsonObject a) {
    return pool.preparedQuery(INSERT)
        .execute(values(UUID.randomUUID(), userId, a))
        .map(AddressStore::first);
  }

  public Future<Optional<JsonObject>> replace(UUID userId, UUID id, JsonObject a) {
    return pool.preparedQuery(UPDATE).execute(values(id, userId, a)).map(AddressStore::first);
  }

  public Future<Boolean> delete(UUID userId, UUID id) {
    return pool.preparedQuery(DELETE)
        .execute(Tuple.of(id, userId))
        .map(rows -> rows.rowCount() == 1);
  }

  private static Tuple values(UUID id, UUID userId, JsonObject a) {
    return Tuple.of(
            id,
            userId,
            a.getString("name"),
            a.getString("line1"),
            a.getString("line2"),
            a.getString("city"))
        .addValue(a.getString("region"))
        .addValue(a.getString("postalCode"))
        .addValue(a.getString("country"))
        .addValue(a.getString("phone"));
  }

  private static Optional<JsonObject> first(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next()));
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("name", r.getString("name"))
        .put("line1", r.getString("line1"))
        .put("line2", r.getString("line2"))
        .put("city", r.getString("city"))
        .put("region", r.getString("region"))
        .put("postalCode", r.getString("postal_code"))
        .put("country", r.getString("country"))
        .put("phone", r.getString("phone"));
  }
}
