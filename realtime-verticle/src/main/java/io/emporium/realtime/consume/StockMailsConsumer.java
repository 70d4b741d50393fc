package io.emporium.realtime.consume;

import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.realtime.mail.AlertMails;
import io.emporium.realtime.mail.EventMails;
import io.emporium.realtime.mail.MailKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * Turns a variant falling to its low-stock threshold on {@code catalog.events} into a mail to its
 * seller.
 */
public final class StockMailsConsumer implements EventConsumer.EventHandler<CatalogEvent> {
  public static final String TOPIC = "catalog.events";

  private final EventMails mails;
  private final MailRecipients recipients;
  private final AlertMails templates;

  public StockMailsConsumer(EventMails mails, MailRecipients recipients, AlertMails templates) {
    this.mails = mails;
    this.recipients = recipients;
    this.templates = templates;
  }

  /** What the topic's consumer runs: each event read, then handled here. */
  public EventConsumer.Handler handler() {
    return EventConsumer.of(CatalogEvent::parseFrom, this);
  }

  /** Only low-stock alerts: the rest pass by without a transaction. */
  @Override
  public boolean wants(CatalogEvent event) {
    return event.getKindCase() == CatalogEvent.KindCase.STOCK_LOW;
  }

  /**
   * Sends the mail outside the transaction: the seller is fetched from identity first when the
   * recipients lack them.
   */
  @Override
  public Future<Void> prepare(UUID eventId, CatalogEvent event) {
    if (event.getKindCase() != CatalogEvent.KindCase.STOCK_LOW) {
      return Future.succeededFuture();
    }
    String sellerId = event.getStockLow().getSellerId();
    return recipients
        .backfill(eventId, sellerId, why(event))
        .compose(v -> recipients.user(sellerId, why(event)))
        .compose(
            seller ->
                seller.isEmpty()
                    ? Future.succeededFuture()
                    : mails.send(
                        eventId, MailKind.STOCK_LOW, templates.lowStock(event, seller.get())));
  }

  /**
   * The mail went out in {@link #prepare}; the event's transaction only records it as processed.
   */
  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, CatalogEvent event) {
    return Future.succeededFuture();
  }

  private static String why(CatalogEvent event) {
    return "low stock of " + event.getStockLow().getSku();
  }
}
