package io.emporium.realtime.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.realtime.mail.AlertMails;
import io.emporium.realtime.mail.MailKind;
import io.emporium.realtime.mail.Recipient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failed payment on {@code payment.events} into a mail to every active admin. */
public final class PaymentMailsConsumer implements EventConsumer.Handler {
  public static final String TOPIC = "payment.events";
  private static final Logger LOG = LoggerFactory.getLogger(PaymentMailsConsumer.class);

  private final EventMails mails;
  private final MailRecipients recipients;
  private final AlertMails templates;

  public PaymentMailsConsumer(EventMails mails, MailRecipients recipients, AlertMails templates) {
    this.mails = mails;
    this.recipients = recipients;
    this.templates = templates;
  }

  /** The event's transaction only records it as processed: the mails went out in {@link #prepare}. */
  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, String eventType, String key, Buffer value) {
    return Future.succeededFuture();
  }

  /** Only failed payments: the rest pass by without a transaction. */
  @Override
  public boolean wants(String eventType, Buffer value) {
    try {
      return PaymentEvent.parseFrom(value.getBytes()).getKindCase() == PaymentEvent.KindCase.FAILED;
    } catch (InvalidProtocolBufferException e) {
      return true; // prepare reports it
    }
  }

  /** Sends the failed-payment mail to every active admin, outside any transaction. */
  @Override
  public Future<Void> prepare(UUID eventId, String eventType, String key, Buffer value) {
    PaymentEvent event;
    try {
      event = PaymentEvent.parseFrom(value.getBytes());
    } catch (InvalidProtocolBufferException e) {
      LOG.error("skipping an unreadable payment event {}: {}", eventId, e.getMessage());
      return Future.succeededFuture();
    }
    if (event.getKindCase() != PaymentEvent.KindCase.FAILED) {
      return Future.succeededFuture();
    }
    return recipients.admins("failed payment of order " + event.getOrderId()).compose(admins -> {
      // one after the other: a failure leaves the rest to the retried event, those already sent are skipped then; an
      // address refused for good still lets the admins after it have theirs before the event is parked for it
      List<Throwable> refused = new ArrayList<>();
      Future<Void> sent = Future.succeededFuture();
      for (Recipient admin : admins) {
        sent = sent.compose(v -> mails.send(eventId, MailKind.PAYMENT_FAILED, templates.paymentFailed(event, admin))
            .recover(e -> {
              if (!EventConsumer.permanent(e)) {
                return Future.failedFuture(e);
              }
              refused.add(e);
              return Future.succeededFuture();
            }));
      }
      return sent.compose(v -> refused.isEmpty() ? Future.succeededFuture() : Future.failedFuture(refused.get(0)));
    });
  }
}
