package io.emporium.realtime.events;

import com.google.protobuf.InvalidProtocolBufferException;
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
public final class StockMailsConsumer {
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

  public Future<Void> apply(SqlConnection tx, UUID eventId, Buffer value) {
    CatalogEvent event;
    try {
      event = CatalogEvent.parseFrom(value.getBytes());
    } catch (InvalidProtocolBufferException e) {
      LOG.error("skipping an unreadable catalog event {}: {}", eventId, e.getMessage());
      return Future.succeededFuture();
    }
    if (event.getKindCase() != CatalogEvent.KindCase.STOCK_LOW) {
      return Future.succeededFuture();
    }
    return recipients.user(tx, event.getStockLow().getSellerId(), "low stock of " + event.getStockLow().getSku())
        .compose(seller -> seller.isEmpty()
            ? Future.succeededFuture()
            : mails.send(tx, eventId, MailKind.STOCK_LOW, templates.lowStock(event, seller.get())));
  }
}
