package io.emporium.realtime.events;

import io.emporium.realtime.mail.Recipient;
import io.emporium.realtime.store.RecipientStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who an event's mail goes to, from the recipients projection. */
public final class MailRecipients {
  private static final Logger LOG = LoggerFactory.getLogger(MailRecipients.class);
  private final RecipientStore recipients;

  public MailRecipients(RecipientStore recipients) {
    this.recipients = recipients;
  }

  /**
   * The user when they are active, empty when deactivated; fails when not known yet (identity events lag behind),
   * so the event is retried instead of its mail dropped.
   */
  Future<Optional<Recipient>> user(SqlConnection tx, String userId, String why) {
    UUID id;
    try {
      id = UUID.fromString(userId);
    } catch (IllegalArgumentException notAUser) {
      LOG.warn("no mail for {}: '{}' is not a user id", why, userId);
      return Future.succeededFuture(Optional.empty());
    }
    return recipients.byId(tx, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("user " + id + " is not known yet; " + why + " waits for identity events"));
      }
      if (!found.get().active()) {
        LOG.info("no mail for {}: user {} is deactivated", why, id);
        return Future.succeededFuture(Optional.empty());
      }
      return Future.succeededFuture(found);
    });
  }

  /** Every active admin; none known is logged, not retried, since a platform may have no admin yet. */
  Future<List<Recipient>> admins(SqlConnection tx, String why) {
    return recipients.activeAdmins(tx).onSuccess(admins -> {
      if (admins.isEmpty()) {
        LOG.warn("no mail for {}: no active admin is known", why);
      }
    });
  }
}
