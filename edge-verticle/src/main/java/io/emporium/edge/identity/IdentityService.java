package io.emporium.edge.identity;

import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.identity.domain.Caller;
import io.emporium.edge.identity.domain.Secrets;
import io.emporium.edge.identity.domain.User;
import io.emporium.edge.identity.publish.AccessChanges;
import io.emporium.edge.identity.publish.IdentityEvents;
import io.emporium.edge.identity.store.SessionStore;
import io.emporium.edge.identity.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account flows: registration and email verification, login with refresh-token rotation,
 * logout, password reset, and the checks that turn an access token into a caller.
 */
public final class IdentityService {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityService.class);
  public static final Duration CODE_TTL = Duration.ofMinutes(15);
  public static final int CODE_ATTEMPTS = 5;
  public static final Duration RESET_TTL = Duration.ofMinutes(30);
  private static final String BAD_LOGIN = "The email or password is wrong.";
  private static final String BAD_REFRESH =
      "The refresh token is invalid, expired or already used.";

  /** A successful login or refresh. */
  public record TokenPair(String accessToken, String refreshToken, long expiresIn, User user) {}

  private final Pool pool;
  private final UserStore users;
  private final SessionStore sessions;
  private final IdentityEvents events;
  private final AccessChanges accessChanges;
  private final AuditTrail audit = new AuditTrail("identity");
  private final Passwords passwords;
  private final AccessTokens accessTokens;
  private final AuthThrottle throttle;
  private final Duration refreshTtl;

  public IdentityService(
      Pool pool,
      UserStore users,
      SessionStore sessions,
      IdentityEvents events,
      AccessChanges accessChanges,
      Passwords passwords,
      AccessTokens accessTokens,
      AuthThrottle throttle,
      Duration refreshTtl) {
    this.pool = pool;
    this.users = users;
    this.sessions = sessions;
    this.events = events;
    this.accessChanges = accessChanges;
    this.passwords = passwords;
    this.accessTokens = accessTokens;
    this.throttle = throttle;
    this.refreshTtl = refreshTtl;
  }

  public Future<User> register(
      String email, String password, String fullName, String role, String clientAddress) {
    return throttle
        .admitAddress(clientAddress)
        .compose(v -> passwords.hash(password))
        .compose(
            hash ->
                pool.withTransaction(
                    tx ->
                        users
                            .insert(tx, email, hash, fullName, role)
                            .compose(
                                user -> {
                                  String code = Secrets.newSixDigitCode();
                                  OffsetDateTime expires = now().plus(CODE_TTL);
                                  return users
                                      .saveCode(
                                          tx,
                                          user.id(),
                                          Secrets.sha256(user.id().toString(), code),
                                          expires)
                                      .compose(v -> events.registered(tx, user))
                                      .compose(
                                          v ->
                                              events.verificationRequested(tx, user, code, expires))
                                      .map(user);
                                })));
  }

  /** Checks a code; a wrong one counts as an attempt even though the request fails. */
  public Future<User> verifyEmail(String email, String code, String clientAddress) {
    return throttle
        .admitAddress(clientAddress)
        .compose(
            ignored ->
                pool.withTransaction(
                    tx ->
                        users
                            .lockPendingCode(tx, email)
                            .compose(
                                found -> {
                                  if (found.isEmpty()) {
                                    return Future.succeededFuture(Optional.<User>empty());
                                  }
                                  UserStore.PendingCode pending = found.get();
                                  if (pending.attempts() >= CODE_ATTEMPTS
                                      || pending.expiresAt().isBefore(now())) {
                                    return Future.succeededFuture(Optional.<User>empty());
                                  }
                                  if (!Secrets.sameHash(
                                      pending.codeHash(),
                                      Secrets.sha256(pending.user().id().toString(), code))) {
                                    return users
                                        .countAttempt(tx, pending.user().id())
                                        .map(Optional.<User>empty());
                                  }
                                  return users
                                      .markVerified(tx, pending.user().id())
                                      .compose(
                                          verified ->
                                              events
                                                  .emailVerified(tx, verified)
                                                  .map(Optional.of(verified)));
                                })))
        .map(
            verified ->
                verified.orElseThrow(
                    () ->
                        ApiProblem.badRequest(
                            "The code is wrong or has expired, or too many attempts were made; request a new code.")));
  }

  /**
   * Sends a fresh code to an unverified account. The answer never depends on whether the account
   * exists: past the limits the mail is sent in the background.
   */
  public Future<Void> resendVerification(String email, String clientAddress) {
    return throttle
        .admitMail("verification", email, clientAddress)
        .onSuccess(
            v ->
                sendFreshCode(email)
                    .onFailure(
                        e -> LOG.warn("resending a verification code failed: {}", e.toString())));
  }

  private Future<Void> sendFreshCode(String email) {
    return users
        .credentials(email)
        .compose(
            found -> {
              if (found.isEmpty()
                  || found.get().user().emailVerified()
                  || !found.get().user().active()) {
                return Future.succeededFuture();
              }
              User user = found.get().user();
              String code = Secrets.newSixDigitCode();
              OffsetDateTime expires = now().plus(CODE_TTL);
              return pool.withTransaction(
                  tx ->
                      users
                          .saveCode(
                              tx, user.id(), Secrets.sha256(user.id().toString(), code), expires)
                          .compose(v -> events.verificationRequested(tx, user, code, expires)));
            });
  }

  /**
   * Signs in; an admin's sign-in is audited. {@code request} carries the request id and client
   * address.
   */
  public Future<TokenPair> login(String email, String password, CallContext request) {
    return throttle
        .admitLogin(email, request.clientAddress())
        .compose(v -> users.credentials(email))
        .compose(
            found ->
                passwords
                    .matches(password, found.map(UserStore.Credentials::passwordHash).orElse(null))
                    .compose(
                        ok -> {
                          if (!ok) {
                            return Future.failedFuture(ApiProblem.unauthorized(BAD_LOGIN));
                          }
                          User user = found.get().user();
                          if (!user.active()) {
                            return Future.failedFuture(
                                ApiProblem.forbidden("This account is deactivated."));
                          }
                          return throttle
                              .loginSucceeded(email)
                              .compose(x -> openSession(user, request));
                        }));
  }

  /**
   * Opens a session for an account that has proven who it is (a password, or a social login's code)
   * and issues its token pair; an admin's sign-in is audited.
   */
  Future<TokenPair> openSession(User user, CallContext request) {
    UUID sessionId = UUID.randomUUID();
    String refresh = Secrets.newToken();
    return pool.withTransaction(
            tx ->
                sessions
                    .open(tx, sessionId, user.id())
                    .compose(
                        v ->
                            sessions.addRefreshToken(
                                tx, sessionId, Secrets.sha256(refresh), now().plus(refreshTtl)))
                    .compose(
                        v ->
                            !user.isAdmin()
                                ? Future.<Void>succeededFuture()
                                : audit.record(
                                    tx,
                                    new CallContext(
                                        request.requestId(),
                                        user.id().toString(),
                                        user.role(),
                                        request.clientAddress()),
                                    "admin.login",
                                    "user",
                                    user.id().toString(),
                                    null,
                                    new JsonObject().put("sessionId", sessionId.toString()))))
        .map(v -> pair(user, sessionId, refresh));
  }

  /**
   * Rotates a refresh token. A token that comes back after it was used means it leaked: the whole
   * session (every token rotated from the same login) is revoked.
   */
  public Future<TokenPair> refresh(String refreshToken) {
    byte[] hash = Secrets.sha256(refreshToken);
    String next = Secrets.newToken();
    UUID[] reusedBy = new UUID[1];
    return pool.withTransaction(
            tx ->
                sessions
                    .lockRefreshToken(tx, hash)
                    .compose(
                        found -> {
                          if (found.isEmpty()
                              || found.get().sessionRevoked()
                              || found.get().expiresAt().isBefore(now())) {
                            return Future.succeededFuture(Optional.<TokenPair>empty());
                          }
                          SessionStore.StoredRefresh stored = found.get();
                          if (stored.used()) {
                            LOG.atWarn()
                                .addKeyValue("sessionId", stored.sessionId())
                                .log("refresh token reused: revoking its session");
                            reusedBy[0] = stored.userId();
                            return sessions
                                .revoke(tx, stored.sessionId(), "refresh token reused")
                                .map(Optional.<TokenPair>empty());
                          }
                          return users
                              .byId(tx, stored.userId())
                              .compose(
                                  user -> {
                                    if (user.isEmpty() || !user.get().active()) {
                                      return Future.succeededFuture(Optional.<TokenPair>empty());
                                    }
                                    return sessions
                                        .markUsed(tx, hash)
                                        .compose(
                                            v ->
                                                sessions.addRefreshToken(
                                                    tx,
                                                    stored.sessionId(),
                                                    Secrets.sha256(next),
                                                    now().plus(refreshTtl)))
                                        .map(
                                            v ->
                                                Optional.of(
                                                    pair(user.get(), stored.sessionId(), next)));
                                  });
                        }))
        .onSuccess(
            pair -> {
              if (reusedBy[0] != null) {
                accessChanges.announce(reusedBy[0]);
              }
            })
        .map(pair -> pair.orElseThrow(() -> ApiProblem.unauthorized(BAD_REFRESH)));
  }

  /**
   * Ends the caller's session, and the session of the given refresh token when it is also theirs;
   * announced once committed.
   */
  public Future<Void> logout(Caller caller, String refreshToken) {
    return pool.withTransaction(
            tx ->
                sessions
                    .revoke(tx, caller.sessionId(), "logout")
                    .compose(
                        v -> {
                          if (refreshToken == null) {
                            return Future.succeededFuture();
                          }
                          return sessions
                              .lockRefreshToken(tx, Secrets.sha256(refreshToken))
                              .compose(
                                  found ->
                                      found
                                          .filter(t -> t.userId().equals(caller.userId()))
                                          .map(t -> sessions.revoke(tx, t.sessionId(), "logout"))
                                          .orElse(Future.succeededFuture()));
                        }))
        .onSuccess(v -> accessChanges.announce(caller.userId()));
  }

  /**
   * Mails a single-use reset token to an active account. The answer never depends on whether the
   * account exists: past the limits the work happens in the background.
   */
  public Future<Void> forgotPassword(String email, String clientAddress) {
    return throttle
        .admitMail("reset", email, clientAddress)
        .onSuccess(
            v ->
                sendResetToken(email)
                    .onFailure(e -> LOG.warn("issuing a reset token failed: {}", e.toString())));
  }

  private Future<Void> sendResetToken(String email) {
    return users
        .credentials(email)
        .compose(
            found -> {
              if (found.isEmpty() || !found.get().user().active()) {
                return Future.succeededFuture();
              }
              User user = found.get().user();
              String token = Secrets.newToken();
              OffsetDateTime expires = now().plus(RESET_TTL);
              return pool.withTransaction(
                  tx ->
                      users
                          .lockById(tx, user.id())
                          .compose(
                              locked ->
                                  users.saveResetToken(
                                      tx, user.id(), Secrets.sha256(token), expires))
                          .compose(v -> events.passwordResetRequested(tx, user, token, expires)));
            });
  }

  /**
   * Uses a reset token once, sets the new password, retires every other open token and ends every
   * session.
   */
  public Future<Void> resetPassword(String token, String newPassword, String clientAddress) {
    byte[] tokenHash = Secrets.sha256(token);
    ApiProblem invalid =
        ApiProblem.badRequest("The reset token is invalid, expired or already used.");
    return throttle
        .admitAddress(clientAddress)
        .compose(v -> users.resetTokenIsLive(tokenHash))
        .compose(live -> live ? passwords.hash(newPassword) : Future.<String>failedFuture(invalid))
        .compose(
            hash ->
                pool.withTransaction(
                    tx ->
                        users
                            .useResetToken(tx, tokenHash)
                            .compose(
                                userId -> {
                                  if (userId.isEmpty()) {
                                    return Future.succeededFuture(Optional.<UUID>empty());
                                  }
                                  return resetTo(tx, userId.get(), hash)
                                      .map(updated -> updated ? userId : Optional.<UUID>empty());
                                })))
        .compose(
            reset -> {
              if (reset.isEmpty()) {
                return Future.failedFuture(invalid);
              }
              accessChanges.announce(reset.get());
              return Future.succeededFuture();
            });
  }

  /**
   * Sets the new password, retires the other reset tokens and ends every session; false when the
   * account is deactivated. A reset proves the mailbox too: an unverified email becomes verified,
   * and is announced as such.
   */
  private Future<Boolean> resetTo(SqlConnection tx, UUID userId, String hash) {
    return users
        .byId(tx, userId)
        .compose(
            before ->
                users
                    .setPassword(tx, userId, hash)
                    .compose(
                        updated -> {
                          if (!updated) {
                            return Future.succeededFuture(false);
                          }
                          return users
                              .retireOpenResets(tx, userId)
                              .compose(v -> sessions.revokeAllOf(tx, userId, "password reset"))
                              .compose(
                                  v ->
                                      before.isPresent() && !before.get().emailVerified()
                                          ? events.emailVerified(tx, before.get())
                                          : Future.<Void>succeededFuture())
                              .map(true);
                        }));
  }

  /** The caller behind an access token: signature, claims, a live session and an active account. */
  public Future<Caller> authenticate(String accessToken) {
    return accessTokens
        .verify(accessToken)
        .compose(
            claims ->
                users
                    .inLiveSession(claims.userId(), claims.sessionId())
                    .map(
                        user ->
                            new Caller(
                                user.orElseThrow(
                                    () ->
                                        ApiProblem.unauthorized(
                                            "The session has ended; sign in again.")),
                                claims.sessionId(),
                                claims.expiresAt())));
  }

  /**
   * An admin changes another account's role or active flag, audited; deactivation ends its sessions
   * at once, and every edge checks the account's bridge registrations again. {@code request} is the
   * admin's call context (request id, client address).
   */
  public Future<User> changeAccount(
      Caller admin, CallContext request, UUID userId, String newRole, Boolean newActive) {
    if (admin.userId().equals(userId)
        && ((newRole != null && !newRole.equals("admin")) || Boolean.FALSE.equals(newActive))) {
      return Future.failedFuture(
          ApiProblem.conflict("Admins cannot demote or deactivate themselves; ask another admin."));
    }
    return pool.withTransaction(
            tx ->
                users
                    .lockById(tx, userId)
                    .compose(
                        found -> {
                          if (found.isEmpty()) {
                            return Future.failedFuture(
                                ApiProblem.notFound("No user " + userId + "."));
                          }
                          User before = found.get();
                          String role = newRole == null ? before.role() : newRole;
                          boolean active = newActive == null ? before.active() : newActive;
                          boolean losesAdmin =
                              before.isAdmin()
                                  && before.active()
                                  && (!"admin".equals(role) || !active);
                          Future<Void> guard =
                              losesAdmin
                                  ? users
                                      .otherActiveAdmins(tx, userId)
                                      .compose(
                                          others ->
                                              others > 0
                                                  ? Future.<Void>succeededFuture()
                                                  : Future.failedFuture(
                                                      ApiProblem.conflict(
                                                          "This is the last active admin; promote another one first.")))
                                  : Future.succeededFuture();
                          return guard
                              .compose(ok -> users.setRoleAndActive(tx, userId, role, active))
                              .compose(
                                  after -> {
                                    Future<Void> done = Future.succeededFuture();
                                    if (!role.equals(before.role())) {
                                      done =
                                          done.compose(
                                                  v ->
                                                      events.roleChanged(
                                                          tx, after, before.role(), admin.userId()))
                                              .compose(
                                                  v ->
                                                      audit.record(
                                                          tx,
                                                          request,
                                                          "user.role_changed",
                                                          "user",
                                                          userId.toString(),
                                                          new JsonObject()
                                                              .put("role", before.role()),
                                                          new JsonObject().put("role", role)));
                                    }
                                    if (before.active() && !active) {
                                      done =
                                          done.compose(
                                                  v ->
                                                      sessions.revokeAllOf(
                                                          tx, userId, "deactivated"))
                                              .compose(
                                                  v ->
                                                      events.deactivated(tx, after, admin.userId()))
                                              .compose(
                                                  v ->
                                                      audit.record(
                                                          tx,
                                                          request,
                                                          "user.deactivated",
                                                          "user",
                                                          userId.toString(),
                                                          new JsonObject().put("active", true),
                                                          new JsonObject().put("active", false)));
                                    }
                                    if (!before.active() && active) {
                                      done =
                                          done.compose(
                                              v ->
                                                  audit.record(
                                                      tx,
                                                      request,
                                                      "user.reactivated",
                                                      "user",
                                                      userId.toString(),
                                                      new JsonObject().put("active", false),
                                                      new JsonObject().put("active", true)));
                                    }
                                    return done.map(after);
                                  });
                        }))
        .onSuccess(after -> accessChanges.announce(userId));
  }

  /**
   * Creates the bootstrap admin when no account with that email exists yet; audited, as every new
   * admin is.
   */
  public Future<Boolean> bootstrapAdmin(String email, String password) {
    return users
        .credentials(email)
        .compose(
            existing ->
                existing.isPresent()
                    ? Future.succeededFuture(false)
                    : passwords
                        .hash(password)
                        .compose(
                            hash ->
                                pool.withTransaction(
                                    tx ->
                                        users
                                            .insertAdminIfAbsent(tx, email, hash, "Administrator")
                                            // announced like any registration, so the realtime
                                            // service knows where admins' mail goes
                                            .compose(
                                                created ->
                                                    created.isEmpty()
                                                        ? Future.succeededFuture(false)
                                                        : events
                                                            .registered(tx, created.get())
                                                            .compose(
                                                                v ->
                                                                    audit.record(
                                                                        tx,
                                                                        new CallContext(
                                                                            null,
                                                                            null,
                                                                            CallContext
                                                                                .SERVICE_ROLE),
                                                                        "user.admin_bootstrapped",
                                                                        "user",
                                                                        created
                                                                            .get()
                                                                            .id()
                                                                            .toString(),
                                                                        null,
                                                                        new JsonObject()
                                                                            .put("email", email)
                                                                            .put("role", "admin")
                                                                            .put(
                                                                                "source",
                                                                                "ADMIN_EMAIL")))
                                                            .map(true)))));
  }

  private TokenPair pair(User user, UUID sessionId, String refreshToken) {
    return new TokenPair(
        accessTokens.issue(user.id(), sessionId, user.role()),
        refreshToken,
        accessTokens.expiresInSeconds(),
        user);
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
