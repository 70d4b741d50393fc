package io.emporium.realtime.consume;

import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.realtime.mail.EventMails;
import io.emporium.realtime.mail.MailKind;
import io.emporium.realtime.mail.OrderMails;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Turns {@code ordering.events} into the customer's order emails: confirmation and receipt,
 * shipment, refund.
 */
public final class OrderMailsConsumer implements EventConsumer.EventHandler<OrderEvent> {
  public static final String TOPIC = "ordering.events";
  private static final Set<OrderEvent.KindCase> MAILED =
      EnumSet.of(
          OrderEvent.KindCase.ORDER_PAID,
          OrderEvent.KindCase.SHIPPED,
          OrderEvent.KindCase.REFUNDED);

  private final EventMails mails;
  private final MailRecipients recipients;
  private final OrderMails templates;

  public OrderMailsConsumer(EventMails mails, MailRecipients recipients, OrderMails templates) {
    this.mails = mails;
    this.recipients = recipients;
    this.templates = templates;
  }

  /** What the topic's consumer runs: each event read, then handled here. */
  public EventConsumer.Handler handler() {
    return EventConsumer.of(OrderEvent::parseFrom, this);
  }

  /** Only mailed events: the rest pass by without a transaction. */
  @Override
  public boolean wants(OrderEvent event) {
    return MAILED.contains(event.getKindCase());
  }

  /**
   * Sends the mails, outside the transaction: the customer of a mailed event is fetched from
   * identity first when the recipients lack them.
   */
  @Override
  public Future<Void> prepare(UUID eventId, OrderEvent event) {
    if (!MAILED.contains(event.getKindCase())) {
      return Future.succeededFuture();
    }
    String why = why(event);
    return recipients
        .backfill(eventId, event.getCustomerId(), why)
        .compose(v -> recipients.user(event.getCustomerId(), why))
        .compose(
            to ->
                to.isEmpty()
                    ? Future.succeededFuture()
                    : switch (event.getKindCase()) {
                      case ORDER_PAID ->
                          mails
                              .send(
                                  eventId,
                                  MailKind.ORDER_CONFIRMATION,
                                  templates.confirmation(event, to.get()))
                              .compose(
                                  v ->
                                      mails.send(
                                          eventId,
                                          MailKind.PAYMENT_RECEIPT,
                                          templates.receipt(event, to.get())));
                      case SHIPPED ->
                          mails.send(
                              eventId, MailKind.ORDER_SHIPPED, templates.shipped(event, to.get()));
                      default ->
                          mails.send(
                              eventId,
                              MailKind.ORDER_REFUNDED,
                              templates.refunded(event, to.get()));
                    });
  }

  /**
   * The mails went out in {@link #prepare}; the event's transaction only records it as processed.
   */
  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, OrderEvent event) {
    return Future.succeededFuture();
  }

  private static String why(OrderEvent event) {
    return "order " + event.getOrderId() + " " + event.getKindCase();
  }
}
