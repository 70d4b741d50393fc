package io.emporium.edge.identity.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** Sessions (one per login) and the rotating refresh tokens of each, stored as hashes only. */
public final class SessionStore {
  public record StoredRefresh(
      UUID sessionId,
      UUID userId,
      OffsetDateTime expiresAt,
      boolean used,
      boolean sessionRevoked) {}

  private static final String INSERT_SESSION =
      "INSERT INTO identity.sessions (id, user_id) VALUES ($1, $2)";
  private static final String INSERT_TOKEN =
      """
      INSERT INTO identity.refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)""";
  private static final String LOCK_TOKEN =
      """
      SELECT t.session_id, s.user_id, t.expires_at, t.used_at IS NOT NULL AS used, s.revoked_at IS NOT NULL AS revoked
      FROM identity.refresh_tokens t JOIN identity.sessions s ON s.id = t.session_id
      WHERE t.token_hash = $1 FOR UPDATE OF t, s""";
  private static final String MARK_USED =
      "UPDATE identity.refresh_tokens SET used_at = now() WHERE token_hash = $1";
  private static final String REVOKE =
      """
      UPDATE identity.sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL""";
  private static final String REVOKE_OF_USER =
      """
      UPDATE identity.sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL""";

  public Future<Void> open(SqlClient tx, UUID sessionId, UUID userId) {
    return tx.preparedQuery(INSERT_SESSION).execute(Tuple.of(sessionId, userId)).mapEmpty();
  }

  public Future<Void> addRefreshToken(
      SqlClient tx, UUID sessionId, byte[] tokenHash, OffsetDateTime expiresAt) {
    return tx.preparedQuery(INSERT_TOKEN)
        .execute(Tuple.of(tokenHash, sessionId, expiresAt))
        .mapEmpty();
  }

  public Future<Optional<StoredRefresh>> lockRefreshToken(SqlClient tx, byte[] tokenHash) {
    return tx.preparedQuery(LOCK_TOKEN)
        .execute(Tuple.of(tokenHash))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new StoredRefresh(
                      r.getUUID("session_id"),
                      r.getUUID("user_id"),
                      r.getOffsetDateTime("expires_at"),
                      r.getBoolean("used"),
                      r.getBoolean("revoked")));
            });
  }

  public Future<Void> markUsed(SqlClient tx, byte[] tokenHash) {
    return tx.preparedQuery(MARK_USED).execute(Tuple.of(tokenHash)).mapEmpty();
  }

  public Future<Void> revoke(SqlClient client, UUID sessionId, String reason) {
    return client.preparedQuery(REVOKE).execute(Tuple.of(sessionId, reason)).mapEmpty();
  }

  public Future<Void> revokeAllOf(SqlClient client, UUID userId, String reason) {
    return client.preparedQuery(REVOKE_OF_USER).execute(Tuple.of(userId, reason)).mapEmpty();
  }
}
