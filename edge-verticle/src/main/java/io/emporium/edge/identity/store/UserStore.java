package io.emporium.edge.identity.store;

import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.identity.domain.User;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Accounts and their credentials: users, pending email codes and password-reset tokens. */
public final class UserStore {
  public record Credentials(User user, String passwordHash) {}

  @SuppressWarnings("ArrayRecordComponent") // read once to check a code, never compared or hashed
  public record PendingCode(User user, byte[] codeHash, OffsetDateTime expiresAt, int attempts) {}

  public record UserPage(List<User> users, boolean more) {}

  private static final String COLUMNS =
      "id, email, full_name, role, email_verified, active, created_at";
  private static final String INSERT_USER =
      """
      INSERT INTO identity.users (id, email, password_hash, full_name, role)
      VALUES ($1, $2, $3, $4, $5)
      RETURNING"""
          + " "
          + COLUMNS;
  private static final String INSERT_ADMIN_IF_ABSENT =
      """
      INSERT INTO identity.users (id, email, password_hash, full_name, role, email_verified)
      VALUES ($1, $2, $3, $4, 'admin', true)
      ON CONFLICT (email) DO NOTHING
      RETURNING"""
          + " "
          + COLUMNS;
  private static final String BY_EMAIL =
      "SELECT " + COLUMNS + ", password_hash FROM identity.users WHERE email = $1";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM identity.users WHERE id = $1";
  private static final String BY_IDS =
      "SELECT " + COLUMNS + " FROM identity.users WHERE id = ANY($1)";
  private static final String IN_SESSION =
      """
      SELECT u.id, u.email, u.full_name, u.role, u.email_verified, u.active, u.created_at
      FROM identity.users u JOIN identity.sessions s ON s.user_id = u.id
      WHERE u.id = $1 AND s.id = $2 AND s.revoked_at IS NULL AND u.active""";
  private static final String UPSERT_CODE =
      """
      INSERT INTO identity.email_verifications (user_id, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0)
      ON CONFLICT (user_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at, attempts = 0""";
  private static final String PENDING_CODE =
      """
      SELECT u.id, u.email, u.full_name, u.role, u.email_verified, u.active, u.created_at,
             v.code_hash, v.expires_at, v.attempts
      FROM identity.users u JOIN identity.email_verifications v ON v.user_id = u.id
      WHERE u.email = $1 FOR UPDATE OF v""";
  private static final String COUNT_ATTEMPT =
      "UPDATE identity.email_verifications SET attempts = attempts + 1 WHERE user_id = $1";
  private static final String MARK_VERIFIED =
      """
      WITH done AS (DELETE FROM identity.email_verifications WHERE user_id = $1)
      UPDATE identity.users SET email_verified = true, updated_at = now() WHERE id = $1
      RETURNING"""
          + " "
          + COLUMNS;
  private static final String INSERT_RESET =
      """
      INSERT INTO identity.password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)""";
  private static final String EXPIRE_OPEN_RESETS =
      """
      UPDATE identity.password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL""";
  private static final String USE_RESET =
      """
      UPDATE identity.password_resets SET used_at = now()
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING user_id""";
  private static final String LIVE_RESET =
      """
      SELECT 1 FROM identity.password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()""";
  private static final String LOCK_ADMINS =
      "SELECT pg_advisory_xact_lock(hashtext('identity.admins'))";
  private static final String OTHER_ADMINS =
      """
      SELECT count(*) FROM identity.users WHERE role = 'admin' AND active AND id <> $1""";
  private static final String SET_PASSWORD =
      """
      UPDATE identity.users SET password_hash = $2, email_verified = true, updated_at = now() WHERE id = $1 AND active""";
  private static final String SET_NAME =
      """
      UPDATE identity.users SET full_name = $2, updated_at = now() WHERE id = $1 RETURNING"""
          + " "
          + COLUMNS;
  private static final String SET_ROLE_AND_ACTIVE =
      """
      UPDATE identity.users SET role = $2, active = $3, updated_at = now() WHERE id = $1 RETURNING"""
          + " "
          + COLUMNS;
  private static final String LOCK_BY_EMAIL =
      "SELECT " + COLUMNS + " FROM identity.users WHERE email = $1 FOR UPDATE";
  private static final String LOCK_USER =
      "SELECT " + COLUMNS + " FROM identity.users WHERE id = $1 FOR UPDATE";
  // every UTC day of [$1, $2), with the accounts created in the window on it
  private static final String NEW_PER_DAY =
      """
      SELECT to_char(d.day, 'YYYY-MM-DD') AS day, count(u.id) AS users
      FROM generate_series(date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC'), ($2::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond',
                           interval '1 day') AS d(day)
      LEFT JOIN identity.users u ON u.created_at >= $1 AND u.created_at < $2 AND date_trunc('day', u.created_at AT TIME ZONE 'UTC') = d.day
      GROUP BY d.day ORDER BY d.day""";
  private static final String NAMES = "SELECT id, full_name FROM identity.users WHERE id = ANY($1)";
  private static final String SEARCH =
      """
      SELECT id, email, full_name, role, email_verified, active, created_at FROM identity.users
      WHERE ($1::text IS NULL OR email LIKE '%' || $1 || '%' OR lower(full_name) LIKE '%' || $1 || '%')
        AND ($2::text IS NULL OR role = $2)
        AND ($3::boolean IS NULL OR active = $3)
        AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
      ORDER BY created_at DESC, id DESC
      LIMIT $6""";

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  /** Inserts a new account; 409 when the email is taken. */
  public Future<User> insert(
      SqlClient tx, String email, String passwordHash, String fullName, String role) {
    return tx.preparedQuery(INSERT_USER)
        .execute(Tuple.of(UUID.randomUUID(), email, passwordHash, fullName, role))
        .map(rows -> user(rows.iterator().next()))
        .recover(
            e ->
                Future.failedFuture(
                    isUniqueViolation(e)
                        ? ApiProblem.conflict("An account with this email already exists.")
                        : e));
  }

  /**
   * Creates the bootstrap admin unless an account with that email exists; the admin when created.
   */
  public Future<Optional<User>> insertAdminIfAbsent(
      SqlClient tx, String email, String passwordHash, String fullName) {
    return tx.preparedQuery(INSERT_ADMIN_IF_ABSENT)
        .execute(Tuple.of(UUID.randomUUID(), email, passwordHash, fullName))
        .map(rows -> first(rows.iterator()));
  }

  public Future<Optional<Credentials>> credentials(String email) {
    return pool.preparedQuery(BY_EMAIL)
        .execute(Tuple.of(email))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(
                        new Credentials(
                            user(rows.iterator().next()),
                            rows.iterator().next().getString("password_hash"))));
  }

  public Future<Optional<User>> byId(UUID id) {
    return byId(pool, id);
  }

  public Future<Optional<User>> byId(SqlClient client, UUID id) {
    return client.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> first(rows.iterator()));
  }

  /** The accounts with these ids, in no particular order; unknown ids are left out. */
  public Future<List<User>> byIds(List<UUID> ids) {
    return pool.preparedQuery(BY_IDS)
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(
            rows -> {
              List<User> users = new ArrayList<>();
              rows.forEach(row -> users.add(user(row)));
              return users;
            });
  }

  public Future<Optional<User>> lockById(SqlClient tx, UUID id) {
    return tx.preparedQuery(LOCK_USER).execute(Tuple.of(id)).map(rows -> first(rows.iterator()));
  }

  public Future<Optional<User>> lockByEmail(SqlClient tx, String email) {
    return tx.preparedQuery(LOCK_BY_EMAIL)
        .execute(Tuple.of(email))
        .map(rows -> first(rows.iterator()));
  }

  /** The active user behind a live session, or empty when either is gone. */
  public Future<Optional<User>> inLiveSession(UUID userId, UUID sessionId) {
    return pool.preparedQuery(IN_SESSION)
        .execute(Tuple.of(userId, sessionId))
        .map(rows -> first(rows.iterator()));
  }

  public Future<Void> saveCode(
      SqlClient tx, UUID userId, byte[] codeHash, OffsetDateTime expiresAt) {
    return tx.preparedQuery(UPSERT_CODE).execute(Tuple.of(userId, codeHash, expiresAt)).mapEmpty();
  }

  public Future<Optional<PendingCode>> lockPendingCode(SqlClient tx, String email) {
    return tx.preparedQuery(PENDING_CODE)
        .execute(Tuple.of(email))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              return Optional.of(
                  new PendingCode(
                      user(row),
                      row.getBuffer("code_hash").getBytes(),
                      row.getOffsetDateTime("expires_at"),
                      row.getInteger("attempts")));
            });
  }

  public Future<Void> countAttempt(SqlClient tx, UUID userId) {
    return tx.preparedQuery(COUNT_ATTEMPT).execute(Tuple.of(userId)).mapEmpty();
  }

  public Future<User> markVerified(SqlClient tx, UUID userId) {
    return tx.preparedQuery(MARK_VERIFIED)
        .execute(Tuple.of(userId))
        .map(rows -> user(rows.iterator().next()));
  }

  /** Stores a new reset token and retires any older unused one. */
  public Future<Void> saveResetToken(
      SqlClient tx, UUID userId, byte[] tokenHash, OffsetDateTime expiresAt) {
    return tx.preparedQuery(EXPIRE_OPEN_RESETS)
        .execute(Tuple.of(userId))
        .compose(
            v -> tx.preparedQuery(INSERT_RESET).execute(Tuple.of(tokenHash, userId, expiresAt)))
        .mapEmpty();
  }

  public Future<Boolean> resetTokenIsLive(byte[] tokenHash) {
    return pool.preparedQuery(LIVE_RESET)
        .execute(Tuple.of(tokenHash))
        .map(rows -> rows.size() == 1);
  }

  public Future<Void> retireOpenResets(SqlClient tx, UUID userId) {
    return tx.preparedQuery(EXPIRE_OPEN_RESETS).execute(Tuple.of(userId)).mapEmpty();
  }

  /** Active admins other than this account, counted under a lock that serialises admin changes. */
  public Future<Long> otherActiveAdmins(SqlClient tx, UUID userId) {
    return tx.query(LOCK_ADMINS)
        .execute()
        .compose(v -> tx.preparedQuery(OTHER_ADMINS).execute(Tuple.of(userId)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Consumes a live reset token; the user it was for, or empty when it is unknown, used or expired.
   */
  public Future<Optional<UUID>> useResetToken(SqlClient tx, byte[] tokenHash) {
    return tx.preparedQuery(USE_RESET)
        .execute(Tuple.of(tokenHash))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getUUID("user_id")));
  }

  /** Sets a new password; false when the account is deactivated. */
  public Future<Boolean> setPassword(SqlClient tx, UUID userId, String passwordHash) {
    return tx.preparedQuery(SET_PASSWORD)
        .execute(Tuple.of(userId, passwordHash))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<User> setName(UUID userId, String fullName) {
    return pool.preparedQuery(SET_NAME)
        .execute(Tuple.of(userId, fullName))
        .map(rows -> user(rows.iterator().next()));
  }

  public Future<User> setRoleAndActive(SqlClient tx, UUID userId, String role, boolean active) {
    return tx.preparedQuery(SET_ROLE_AND_ACTIVE)
        .execute(Tuple.of(userId, role, active))
        .map(rows -> user(rows.iterator().next()));
  }

  /** Newest first; the {@code after*} values are those of the last user of the previous page. */
  public Future<UserPage> search(
      String query,
      String role,
      Boolean active,
      OffsetDateTime afterCreatedAt,
      UUID afterId,
      int limit) {
    String pattern =
        query == null
            ? null
            : query
                .toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\")
                .replace("%", "\\%")
                .replace("_", "\\_");
    Tuple args = Tuple.of(pattern, role, active, afterCreatedAt, afterId, limit + 1);
    return pool.preparedQuery(SEARCH)
        .execute(args)
        .map(
            rows -> {
              List<User> users = new ArrayList<>();
              rows.forEach(row -> users.add(user(row)));
              boolean more = users.size() > limit;
              return new UserPage(more ? users.subList(0, limit) : users, more);
            });
  }

  /** Full names of the given accounts, for showing sellers; unknown ids are left out. */
  public Future<Map<UUID, String>> names(List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery(NAMES)
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(
            rows -> {
              Map<UUID, String> names = new HashMap<>();
              rows.forEach(r -> names.put(r.getUUID("id"), r.getString("full_name")));
              return names;
            });
  }

  /** Accounts created per UTC day of [from, to), in day order, days without any as zero. */
  public Future<List<DayCount>> newPerDay(OffsetDateTime from, OffsetDateTime to) {
    return pool.preparedQuery(NEW_PER_DAY)
        .execute(Tuple.of(from, to))
        .map(
            rows -> {
              List<DayCount> days = new ArrayList<>();
              rows.forEach(r -> days.add(new DayCount(r.getString("day"), r.getLong("users"))));
              return days;
            });
  }

  public record DayCount(String day, long count) {}

  private static User user(Row row) {
    return new User(
        row.getUUID("id"),
        row.getString("email"),
        row.getString("full_name"),
        row.getString("role"),
        row.getBoolean("email_verified"),
        row.getBoolean("active"),
        row.getOffsetDateTime("created_at"));
  }

  private static Optional<User> first(java.util.Iterator<Row> rows) {
    return rows.hasNext() ? Optional.of(user(rows.next())) : Optional.empty();
  }

  static boolean isUniqueViolation(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
