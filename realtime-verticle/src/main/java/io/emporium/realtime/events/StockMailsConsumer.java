package io.emporium.realtime.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.realtime.mail.AlertMails;
import io.emporium.realtime.mail.MailKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a variant falling to its low-stock threshold on {@code catalog.events} into a mail to its seller. */
public final class StockMailsConsumer implements EventConsumer.Handler {
  public static final String TOPIC = "catalog.events";
  private static final Logger LOG = LoggerFactory.getLogger(StockMailsConsumer.class);

  private final EventMails mails;
  private final MailRecipients recipients;
  private final AlertMails templates;

  public StockMailsConsumer(EventMails mails, MailRecipients recipients, AlertMails templates) {
    this.mails = mails;
    this.recipients = recipients;
    this.templates = templates;
  }

  /** The seller, from identity when the recipients lack them. */
  @Override
  public Future<Void> prepare(UUID eventId, String eventType, String key, Buffer value) {
    CatalogEvent event = read(value);
    return event == null || event.getKindCase() != CatalogEvent.KindCase.STOCK_LOW ? Future.succeededFuture()
        : recipients.backfill(eventId, event.getStockLow().getSellerId(), why(event));
  }

  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, String eventType, String key, Buffer value) {
    CatalogEvent event = read(value);
    if (event == null) {
      LOG.error("skipping an unreadable catalog event {}", eventId);
      return Future.succeededFuture();
    }
    if (event.getKindCase() != CatalogEvent.KindCase.STOCK_LOW) {
      return Future.succeededFuture();
    }
    return recipients.user(tx, event.getStockLow().getSellerId(), why(event))
        .compose(seller -> seller.isEmpty()
            ? Future.succeededFuture()
            : mails.send(tx, eventId, MailKind.STOCK_LOW, templates.lowStock(event, seller.get())));
  }

  private static String why(CatalogEvent event) {
    return "low stock of " + event.getStockLow().getSku();
  }

  /** The event, or null when it cannot be read. */
  private static CatalogEvent read(Buffer value) {
    try {
      return CatalogEvent.parseFrom(value.getBytes());
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
