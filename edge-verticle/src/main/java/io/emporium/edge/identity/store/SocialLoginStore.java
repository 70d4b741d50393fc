package io.emporium.edge.identity.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * Social login's rows: logins under way (by the hash of their state), the one-time login codes
 * (hashed) and the links from a provider's subject to an account. Each state and code is used once.
 */
public final class SocialLoginStore {
  /** A login under way, as its start stored it. */
  public record PendingLogin(
      String provider,
      String nonce,
      String codeVerifier,
      String redirectUri,
      OffsetDateTime expiresAt) {}

  /** A state's row: the login, and whether this use was its first. */
  public record StateUse(PendingLogin login, boolean first) {}

  private static final String INSERT_PENDING =
      """
      INSERT INTO identity.oauth_pending_logins (state_hash, provider, nonce, code_verifier, redirect_uri, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6)""";
  private static final String USE_PENDING =
      """
      UPDATE identity.oauth_pending_logins SET used_at = now()
      WHERE state_hash = $1 AND used_at IS NULL
      RETURNING provider, nonce, code_verifier, redirect_uri, expires_at""";
  private static final String PENDING =
      """
      SELECT provider, nonce, code_verifier, redirect_uri, expires_at
      FROM identity.oauth_pending_logins WHERE state_hash = $1""";
  // rows past their use are kept a day, so a replayed state still finds where to send its error
  private static final String FORGET_OLD_PENDING =
      "DELETE FROM identity.oauth_pending_logins WHERE expires_at < now() - interval '1 day'";
  private static final String INSERT_CODE =
      """
      INSERT INTO identity.oauth_login_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)""";
  private static final String USE_CODE =
      """
      UPDATE identity.oauth_login_codes SET used_at = now()
      WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING user_id""";
  private static final String FORGET_OLD_CODES =
      "DELETE FROM identity.oauth_login_codes WHERE expires_at < now() - interval '1 hour'";
  private static final String LINKED_USER =
      "SELECT user_id FROM identity.oauth_links WHERE provider = $1 AND subject = $2";
  private static final String LINK =
      """
      INSERT INTO identity.oauth_links (provider, subject, user_id, email) VALUES ($1, $2, $3, $4)
      ON CONFLICT (provider, subject) DO UPDATE SET email = EXCLUDED.email, last_login = now()""";
  private static final String TOUCH_LINK =
      """
      UPDATE identity.oauth_links SET email = $3, last_login = now() WHERE provider = $1 AND subject = $2""";

  private final Pool pool;

  public SocialLoginStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> savePending(byte[] stateHash, PendingLogin login) {
    return pool.preparedQuery(FORGET_OLD_PENDING)
        .execute()
        .compose(
            v ->
                pool.preparedQuery(INSERT_PENDING)
                    .execute(
                        Tuple.of(
                            stateHash,
                            login.provider(),
                            login.nonce(),
                            login.codeVerifier(),
                            login.redirectUri(),
                            login.expiresAt())))
        .mapEmpty();
  }

  /**
   * Uses a state once: its login with {@code first} true the first time; a used one again with
   * {@code first} false (so its error can still go to its redirect URI); empty when unknown.
   */
  public Future<Optional<StateUse>> useState(byte[] stateHash) {
    return pool.preparedQuery(USE_PENDING)
        .execute(Tuple.of(stateHash))
        .compose(
            used -> {
              if (used.size() == 1) {
                return Future.succeededFuture(
                    Optional.of(new StateUse(pending(used.iterator().next()), true)));
              }
              return pool.preparedQuery(PENDING)
                  .execute(Tuple.of(stateHash))
                  .map(
                      rows ->
                          rows.size() == 0
                              ? Optional.<StateUse>empty()
                              : Optional.of(new StateUse(pending(rows.iterator().next()), false)));
            });
  }

  public Future<Void> saveCode(SqlClient tx, byte[] codeHash, UUID userId, OffsetDateTime expires) {
    return tx.preparedQuery(FORGET_OLD_CODES)
        .execute()
        .compose(v -> tx.preparedQuery(INSERT_CODE).execute(Tuple.of(codeHash, userId, expires)))
        .mapEmpty();
  }

  /** Uses a live login code once; the account it was issued for, or empty. */
  public Future<Optional<UUID>> useCode(byte[] codeHash) {
    return pool.preparedQuery(USE_CODE)
        .execute(Tuple.of(codeHash))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getUUID("user_id")));
  }

  public Future<Optional<UUID>> linkedUser(SqlClient tx, String provider, String subject) {
    return tx.preparedQuery(LINKED_USER)
        .execute(Tuple.of(provider, subject))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getUUID("user_id")));
  }

  public Future<Void> link(
      SqlClient tx, String provider, String subject, UUID userId, String email) {
    return tx.preparedQuery(LINK).execute(Tuple.of(provider, subject, userId, email)).mapEmpty();
  }

  /** Records a sign-in through an existing link, with the email the provider gave this time. */
  public Future<Void> touchLink(SqlClient tx, String provider, String subject, String email) {
    return tx.preparedQuery(TOUCH_LINK).execute(Tuple.of(provider, subject, email)).mapEmpty();
  }

  private static PendingLogin pending(Row row) {
    return new PendingLogin(
        row.getString("provider"),
        row.getString("nonce"),
        row.getString("code_verifier"),
        row.getString("redirect_uri"),
        row.getOffsetDateTime("expires_at"));
  }
}
