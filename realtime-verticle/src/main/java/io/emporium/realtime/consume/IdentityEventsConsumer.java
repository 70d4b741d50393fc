package io.emporium.realtime.consume;

import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.IdentityEvent;
import io.emporium.realtime.mail.EventMails;
import io.emporium.realtime.mail.IdentityMails;
import io.emporium.realtime.mail.MailKind;
import io.emporium.realtime.store.RecipientStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * Turns {@code identity.events} into account emails, and keeps the recipients every other mail is
 * addressed from.
 */
public final class IdentityEventsConsumer implements EventConsumer.EventHandler<IdentityEvent> {
  public static final String TOPIC = "identity.events";

  private final EventMails mails;
  private final RecipientStore recipients;
  private final IdentityMails templates;

  public IdentityEventsConsumer(
      EventMails mails, RecipientStore recipients, IdentityMails templates) {
    this.mails = mails;
    this.recipients = recipients;
    this.templates = templates;
  }

  /** What the topic's consumer runs: each event read, then handled here. */
  public EventConsumer.Handler handler() {
    return EventConsumer.of(IdentityEvent::parseFrom, this);
  }

  /** The recipients' projection changes in the event's transaction. */
  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, IdentityEvent event) {
    return switch (event.getKindCase()) {
      case USER_REGISTERED ->
          recipients.registered(
              tx,
              UUID.fromString(event.getUserId()),
              event.getUserRegistered().getEmail(),
              event.getUserRegistered().getFullName(),
              event.getUserRegistered().getRole());
      case USER_ROLE_CHANGED ->
          recipients.roleChanged(
              tx, UUID.fromString(event.getUserId()), event.getUserRoleChanged().getRole());
      case USER_DEACTIVATED -> recipients.deactivated(tx, UUID.fromString(event.getUserId()));
      default -> Future.succeededFuture();
    };
  }

  /** Mails go out before that transaction, outside it: the event carries all they need. */
  @Override
  public Future<Void> prepare(UUID eventId, IdentityEvent event) {
    return switch (event.getKindCase()) {
      case EMAIL_VERIFICATION_REQUESTED ->
          mails.send(
              eventId,
              MailKind.EMAIL_VERIFICATION,
              templates.verification(event.getEmailVerificationRequested()));
      case PASSWORD_RESET_REQUESTED ->
          mails.send(
              eventId,
              MailKind.PASSWORD_RESET,
              templates.passwordReset(event.getPasswordResetRequested()));
      default -> Future.succeededFuture();
    };
  }
}
