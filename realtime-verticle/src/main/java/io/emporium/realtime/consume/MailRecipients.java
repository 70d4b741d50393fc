package io.emporium.realtime.consume;

import io.emporium.common.events.PermanentFailure;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.proto.identity.v1.IdentityGrpcClient;
import io.emporium.proto.identity.v1.ListUsersRequest;
import io.emporium.proto.identity.v1.User;
import io.emporium.realtime.domain.Recipient;
import io.emporium.realtime.store.RecipientStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who an event's mail goes to, from the recipients projection; a user it lacks is asked of
 * identity.
 */
public final class MailRecipients {
  private static final Logger LOG = LoggerFactory.getLogger(MailRecipients.class);
  private final Pool pool;
  private final RecipientStore recipients;
  private final GrpcCalls identity;

  public MailRecipients(Pool pool, RecipientStore recipients, GrpcCalls identity) {
    this.pool = pool;
    this.recipients = recipients;
    this.identity = identity;
  }

  /**
   * Before the event's transaction: a user the projection lacks (identity.events lag behind, or
   * never brought them) is fetched from identity and stored in a short transaction of its own; a
   * user identity does not know fails for good.
   */
  Future<Void> backfill(UUID eventId, String userId, String why) {
    UUID id = userId(userId);
    if (id == null) {
      return Future.succeededFuture();
    }
    return recipients
        .byId(pool, id)
        .compose(
            found ->
                found.isPresent()
                    ? Future.succeededFuture()
                    : identity
                        .call(
                            IdentityGrpcClient.ListUsers,
                            ListUsersRequest.newBuilder().addUserIds(id.toString()).build(),
                            CallContext.service(eventId.toString(), "realtime"))
                        .compose(
                            known -> {
                              if (known.getUsersCount() == 0) {
                                return Future.failedFuture(
                                    new PermanentFailure(
                                        "no mail for " + why + ": identity knows no user " + id));
                              }
                              User user = known.getUsers(0);
                              LOG.info(
                                  "user {} was missing from the recipients, fetched from identity for {}",
                                  id,
                                  why);
                              return pool.withTransaction(
                                  tx ->
                                      recipients.backfilled(
                                          tx,
                                          new Recipient(
                                              id,
                                              user.getEmail(),
                                              user.getFullName(),
                                              user.getRole(),
                                              user.getActive())));
                            }));
  }

  /**
   * The user when they are active, empty when deactivated; fails when not known, so the event is
   * retried instead of its mail dropped ({@link #backfill} has stored them before the transaction).
   */
  Future<Optional<Recipient>> user(String userId, String why) {
    UUID id = userId(userId);
    if (id == null) {
      LOG.warn("no mail for {}: '{}' is not a user id", why, userId);
      return Future.succeededFuture(Optional.empty());
    }
    return recipients
        .byId(pool, id)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "user " + id + " is not known yet; " + why + " waits for identity"));
              }
              if (!found.get().active()) {
                LOG.info("no mail for {}: user {} is deactivated", why, id);
                return Future.succeededFuture(Optional.empty());
              }
              return Future.succeededFuture(found);
            });
  }

  /**
   * Every active admin; none known is logged, not retried, since a platform may have no admin yet.
   */
  Future<List<Recipient>> admins(String why) {
    return recipients
        .activeAdmins(pool)
        .onSuccess(
            admins -> {
              if (admins.isEmpty()) {
                LOG.warn("no mail for {}: no active admin is known", why);
              }
            });
  }

  private static UUID userId(String userId) {
    try {
      return UUID.fromString(userId);
    } catch (IllegalArgumentException notAUser) {
      return null;
    }
  }
}
