package io.emporium.realtime.mail;

import io.emporium.realtime.store.SentMailStore;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.UUID;

/**
 * Sends the mails an event calls for, each (event, kind, recipient) once: skipped when already
 * accepted, else sent and recorded. A failed send fails the event's handler, so the event is
 * retried rather than the mail lost. Mails are sent in a handler's {@code prepare}, outside any
 * transaction: nothing waits on the SMTP server with a transaction open.
 */
public final class EventMails {
  private final Mailer mailer;
  private final SentMailStore sent;
  private final MailMetrics metrics;

  public EventMails(Mailer mailer, SentMailStore sent, MailMetrics metrics) {
    this.mailer = mailer;
    this.sent = sent;
    this.metrics = metrics;
  }

  public Future<Void> send(UUID eventId, MailKind kind, Mail mail) {
    String recipient = mail.to().strip().toLowerCase(Locale.ROOT);
    return sent.wasSent(eventId, kind.code(), recipient)
        .compose(
            already ->
                already
                    ? Future.succeededFuture()
                    : mailer
                        .send(mail, kind.messageId(eventId, recipient))
                        .onComplete(
                            accepted -> {
                              if (accepted.succeeded()) {
                                metrics.sent(kind);
                              } else {
                                metrics.failed(kind);
                              }
                            })
                        .compose(accepted -> sent.recordSent(eventId, kind.code(), recipient)));
  }
}
