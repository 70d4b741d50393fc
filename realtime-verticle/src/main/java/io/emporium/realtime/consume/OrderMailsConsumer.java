package io.emporium.realtime.consume;

import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.realtime.domain.Recipient;
import io.emporium.realtime.mail.EventMails;
import io.emporium.realtime.mail.MailKind;
import io.emporium.realtime.mail.OrderMails;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns {@code ordering.events} into the customer's order emails: confirmation and receipt,
 * shipment, refund; and, for a guest's order, the link to it when it is placed. A guest's mails go
 * to the email the order carries until an account claims the order.
 */
public final class OrderMailsConsumer implements EventConsumer.EventHandler<OrderEvent> {
  public static final String TOPIC = "ordering.events";
  private static final Set<OrderEvent.KindCase> MAILED =
      EnumSet.of(
          OrderEvent.KindCase.ORDER_PLACED,
          OrderEvent.KindCase.ORDER_PAID,
          OrderEvent.KindCase.SHIPPED,
          OrderEvent.KindCase.REFUNDED);

  /** How a guest's mails greet them: they gave no name of their own. */
  private static final String GUEST_NAME = "there";

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
    return MAILED.contains(event.getKindCase())
        && (event.getKindCase() != OrderEvent.KindCase.ORDER_PLACED || guestLink(event));
  }

  /** A guest order's placing, with the token its link needs; a customer's is not mailed. */
  private static boolean guestLink(OrderEvent event) {
    return guest(event) && !event.getOrderPlaced().getOrderToken().isEmpty();
  }

  private static boolean guest(OrderEvent event) {
    return event.getCustomerId().isEmpty() && !event.getGuestEmail().isEmpty();
  }

  /**
   * Sends the mails, outside the transaction: the customer of a mailed event is fetched from
   * identity first when the recipients lack them.
   */
  @Override
  public Future<Void> prepare(UUID eventId, OrderEvent event) {
    if (!wants(event)) {
      return Future.succeededFuture();
    }
    String why = why(event);
    // a guest is no user: no projection to ask, the order names where its mail goes
    Future<Optional<Recipient>> recipient =
        guest(event)
            ? Future.succeededFuture(
                Optional.of(
                    new Recipient(null, event.getGuestEmail(), GUEST_NAME, "customer", true)))
            : recipients
                .backfill(eventId, event.getCustomerId(), why)
                .compose(v -> recipients.user(event.getCustomerId(), why));
    return recipient.compose(
        to ->
            to.isEmpty()
                ? Future.succeededFuture()
                : switch (event.getKindCase()) {
                  case ORDER_PLACED ->
                      mails.send(
                          eventId, MailKind.GUEST_ORDER_LINK, templates.guestLink(event, to.get()));
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
                          eventId, MailKind.ORDER_REFUNDED, templates.refunded(event, to.get()));
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
