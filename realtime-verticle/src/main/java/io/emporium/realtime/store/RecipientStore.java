package io.emporium.realtime.store;

import io.emporium.realtime.domain.Recipient;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The recipients projection: who mail can go to, kept from {@code identity.events}. */
public final class RecipientStore {
  private static final String REGISTERED =
      """
      INSERT INTO realtime.recipients (user_id, email, full_name, role) VALUES ($1, $2, $3, $4)
      ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, full_name = EXCLUDED.full_name, role = EXCLUDED.role,
        updated_at = now()""";
  // what identity.events bring meanwhile is newer than this answer: it is kept
  private static final String BACKFILLED =
      """
      INSERT INTO realtime.recipients (user_id, email, full_name, role, active) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (user_id) DO NOTHING""";
  private static final String ROLE_CHANGED =
      """
      UPDATE realtime.recipients SET role = $2, updated_at = now() WHERE user_id = $1""";
  private static final String DEACTIVATED =
      """
      UPDATE realtime.recipients SET active = false, updated_at = now() WHERE user_id = $1""";
  private static final String BY_ID =
      """
      SELECT user_id, email, full_name, role, active FROM realtime.recipients WHERE user_id = $1""";
  private static final String ACTIVE_ADMINS =
      """
      SELECT user_id, email, full_name, role, active FROM realtime.recipients WHERE role = 'admin' AND active ORDER BY email""";

  public Future<Void> registered(
      SqlClient tx, UUID userId, String email, String fullName, String role) {
    return tx.preparedQuery(REGISTERED).execute(Tuple.of(userId, email, fullName, role)).mapEmpty();
  }

  /** A user identity answered for, when identity.events have not brought them yet. */
  public Future<Void> backfilled(SqlClient tx, Recipient user) {
    return tx.preparedQuery(BACKFILLED)
        .execute(Tuple.of(user.userId(), user.email(), user.fullName(), user.role(), user.active()))
        .mapEmpty();
  }

  public Future<Void> roleChanged(SqlClient tx, UUID userId, String role) {
    return tx.preparedQuery(ROLE_CHANGED).execute(Tuple.of(userId, role)).mapEmpty();
  }

  public Future<Void> deactivated(SqlClient tx, UUID userId) {
    return tx.preparedQuery(DEACTIVATED).execute(Tuple.of(userId)).mapEmpty();
  }

  public Future<Optional<Recipient>> byId(SqlClient client, UUID userId) {
    return client
        .preparedQuery(BY_ID)
        .execute(Tuple.of(userId))
        .map(
            rows ->
                rows.size() == 0 ? Optional.empty() : Optional.of(from(rows.iterator().next())));
  }

  public Future<List<Recipient>> activeAdmins(SqlClient client) {
    return client
        .preparedQuery(ACTIVE_ADMINS)
        .execute()
        .map(
            rows -> {
              List<Recipient> admins = new ArrayList<>();
              rows.forEach(r -> admins.add(from(r)));
              return admins;
            });
  }

  private static Recipient from(Row r) {
    return new Recipient(
        r.getUUID("user_id"),
        r.getString("email"),
        r.getString("full_name"),
        r.getString("role"),
        r.getBoolean("active"));
  }
}
