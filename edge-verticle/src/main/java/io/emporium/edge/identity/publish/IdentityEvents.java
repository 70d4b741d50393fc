package io.emporium.edge.identity.publish;

import io.emporium.common.events.Outbox;
import io.emporium.edge.identity.domain.User;
import io.emporium.proto.events.v1.EmailVerificationRequested;
import io.emporium.proto.events.v1.EmailVerified;
import io.emporium.proto.events.v1.IdentityEvent;
import io.emporium.proto.events.v1.PasswordResetRequested;
import io.emporium.proto.events.v1.UserDeactivated;
import io.emporium.proto.events.v1.UserRegistered;
import io.emporium.proto.events.v1.UserRoleChanged;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Identity's domain events, written to the {@code identity} outbox in the caller's transaction. */
public final class IdentityEvents {
  public static final String TOPIC = "identity.events";
  private final Outbox outbox = new Outbox("identity");

  public Future<Void> registered(SqlConnection tx, User user) {
    return append(
        tx,
        user.id(),
        IdentityEvent.newBuilder()
            .setUserRegistered(
                UserRegistered.newBuilder()
                    .setEmail(user.email())
                    .setFullName(user.fullName())
                    .setRole(user.role())),
        "UserRegistered");
  }

  public Future<Void> verificationRequested(
      SqlConnection tx, User user, String code, OffsetDateTime expiresAt) {
    return append(
        tx,
        user.id(),
        IdentityEvent.newBuilder()
            .setEmailVerificationRequested(
                EmailVerificationRequested.newBuilder()
                    .setEmail(user.email())
                    .setFullName(user.fullName())
                    .setCode(code)
                    .setExpiresAt(User.rfc3339(expiresAt))),
        "EmailVerificationRequested");
  }

  public Future<Void> emailVerified(SqlConnection tx, User user) {
    return append(
        tx,
        user.id(),
        IdentityEvent.newBuilder()
            .setEmailVerified(EmailVerified.newBuilder().setEmail(user.email())),
        "EmailVerified");
  }

  public Future<Void> passwordResetRequested(
      SqlConnection tx, User user, String token, OffsetDateTime expiresAt) {
    return append(
        tx,
        user.id(),
        IdentityEvent.newBuilder()
            .setPasswordResetRequested(
                PasswordResetRequested.newBuilder()
                    .setEmail(user.email())
                    .setFullName(user.fullName())
                    .setToken(token)
                    .setExpiresAt(User.rfc3339(expiresAt))),
        "PasswordResetRequested");
  }

  public Future<Void> roleChanged(
      SqlConnection tx, User user, String previousRole, UUID changedBy) {
    return append(
        tx,
        user.id(),
        IdentityEvent.newBuilder()
            .setUserRoleChanged(
                UserRoleChanged.newBuilder()
                    .setPreviousRole(previousRole)
                    .setRole(user.role())
                    .setChangedBy(changedBy.toString())),
        "UserRoleChanged");
  }

  public Future<Void> deactivated(SqlConnection tx, User user, UUID deactivatedBy) {
    return append(
        tx,
        user.id(),
        IdentityEvent.newBuilder()
            .setUserDeactivated(
                UserDeactivated.newBuilder().setDeactivatedBy(deactivatedBy.toString())),
        "UserDeactivated");
  }

  private Future<Void> append(
      SqlConnection tx, UUID userId, IdentityEvent.Builder event, String type) {
    UUID eventId = UUID.randomUUID();
    byte[] payload =
        event
            .setEventId(eventId.toString())
            .setUserId(userId.toString())
            .setOccurredAt(Instant.now().toString())
            .build()
            .toByteArray();
    return outbox.append(tx, TOPIC, userId.toString(), eventId, type, payload);
  }
}
