package io.emporium.realtime.events;

import io.emporium.common.events.EventConsumer;
import io.emporium.realtime.mail.AlertMails;
import io.emporium.realtime.mail.OrderMails;
import io.emporium.realtime.store.RecipientStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;

/** The transactional-mail consumers of ordering, payment and catalog events, one consumer group each. */
public final class MailConsumers {
  private final List<EventConsumer> consumers;

  public MailConsumers(Vertx vertx, Pool pool, String kafkaBootstrapServers, EventMails mails, RecipientStore recipientStore,
                       String storefrontUrl) {
    MailRecipients recipients = new MailRecipients(recipientStore);
    OrderMailsConsumer orders = new OrderMailsConsumer(mails, recipients, new OrderMails(storefrontUrl));
    PaymentMailsConsumer payments = new PaymentMailsConsumer(mails, recipients, new AlertMails(storefrontUrl));
    StockMailsConsumer stock = new StockMailsConsumer(mails, recipients, new AlertMails(storefrontUrl));
    this.consumers = List.of(
        new EventConsumer(vertx, pool, "realtime", "realtime-mail-ordering", kafkaBootstrapServers, OrderMailsConsumer.TOPIC,
            (tx, eventId, type, key, value) -> orders.apply(tx, eventId, value)),
        new EventConsumer(vertx, pool, "realtime", "realtime-mail-payment", kafkaBootstrapServers, PaymentMailsConsumer.TOPIC,
            (tx, eventId, type, key, value) -> payments.apply(tx, eventId, value)),
        new EventConsumer(vertx, pool, "realtime", "realtime-mail-catalog", kafkaBootstrapServers, StockMailsConsumer.TOPIC,
            (tx, eventId, type, key, value) -> stock.apply(tx, eventId, value)));
  }

  public Future<Void> start() {
    return Future.all(consumers.stream().map(EventConsumer::start).toList()).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.join(consumers.stream().map(EventConsumer::stop).toList()).mapEmpty();
  }
}
