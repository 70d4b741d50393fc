package io.emporium.realtime.consume;

import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.realtime.domain.Recipient;
import io.emporium.realtime.mail.AlertMails;
import io.emporium.realtime.mail.EventMails;
import io.emporium.realtime.mail.MailKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns a failed payment on {@code payment.events} into a mail to every active admin. */
public final class PaymentMailsConsumer implements EventConsumer.EventHandler<PaymentEvent> {
  public static final String TOPIC = "payment.events";

  private final EventMails mails;
  private final MailRecipients recipients;
  private final AlertMails templates;

  public PaymentMailsConsumer(EventMails mails, MailRecipients recipients, AlertMails templates) {
    this.mails = mails;
    this.recipients = recipients;
    this.templates = templates;
  }

  /** What the topic's consumer runs: each event read, then handled here. */
  public EventConsumer.Handler handler() {
    return EventConsumer.of(PaymentEvent::parseFrom, this);
  }

  /**
   * The event's transaction only records it as processed: the mails went out in {@link #prepare}.
   */
  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, PaymentEvent event) {
    return Future.succeededFuture();
  }

  /** Only failed payments: the rest pass by without a transaction. */
  @Override
  public boolean wants(PaymentEvent event) {
    return event.getKindCase() == PaymentEvent.KindCase.FAILED;
  }

  /** Sends the failed-payment mail to every active admin, outside any transaction. */
  @Override
  public Future<Void> prepare(UUID eventId, PaymentEvent event) {
    if (event.getKindCase() != PaymentEvent.KindCase.FAILED) {
      return Future.succeededFuture();
    }
    return recipients
        .admins("failed payment of order " + event.getOrderId())
        .compose(
            admins -> {
              // one after the other: a failure leaves the rest to the retried event, those already
              // sent are skipped then; an
              // address refused for good still lets the admins after it have theirs before the
              // event is parked for it
              List<Throwable> refused = new ArrayList<>();
              Future<Void> sent = Future.succeededFuture();
              for (Recipient admin : admins) {
                sent =
                    sent.compose(
                        v ->
                            mails
                                .send(
                                    eventId,
                                    MailKind.PAYMENT_FAILED,
                                    templates.paymentFailed(event, admin))
                                .recover(
                                    e -> {
                                      if (!EventConsumer.permanent(e)) {
                                        return Future.failedFuture(e);
                                      }
                                      refused.add(e);
                                      return Future.succeededFuture();
                                    }));
              }
              return sent.compose(
                  v ->
                      refused.isEmpty()
                          ? Future.succeededFuture()
                          : Future.failedFuture(refused.get(0)));
            });
  }
}
