package io.emporium.realtime;

import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.OutboxRelay;
import io.emporium.common.grpc.CallerSignature;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.grpc.GrpcServers;
import io.emporium.proto.realtime.v1.RealtimeGrpcService;
import io.emporium.realtime.consume.IdentityEventsConsumer;
import io.emporium.realtime.consume.MailRecipients;
import io.emporium.realtime.consume.OrderMailsConsumer;
import io.emporium.realtime.consume.PaymentMailsConsumer;
import io.emporium.realtime.consume.PushFanOut;
import io.emporium.realtime.consume.StockMailsConsumer;
import io.emporium.realtime.grpc.RealtimeRpcs;
import io.emporium.realtime.mail.AlertMails;
import io.emporium.realtime.mail.DevMailbox;
import io.emporium.realtime.mail.EventMails;
import io.emporium.realtime.mail.IdentityMails;
import io.emporium.realtime.mail.MailMetrics;
import io.emporium.realtime.mail.Mailer;
import io.emporium.realtime.mail.OrderMails;
import io.emporium.realtime.store.PushStore;
import io.emporium.realtime.store.RecipientStore;
import io.emporium.realtime.store.SentMailStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The realtime service: consumes domain events and sends the pushes and mail they call for. Pushes
 * and mails have consumer groups of their own, so a mail server that is down delays mail only.
 */
public final class RealtimeVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeVerticle.class);
  private static final long PURGE_MILLIS = 10 * 60_000;
  private final DevMailbox devMailbox;
  private final List<EventConsumer> consumers = new ArrayList<>();
  private Mailer mailer;
  private GrpcClient grpc;
  private PushStore pushes;
  private OutboxRelay relay;
  private long purger = -1;

  /**
   * {@code devMailbox} is the embedded SMTP sink, or null when a real SMTP server is configured.
   */
  public RealtimeVerticle(EmporiumConfig config, MeterRegistry meters, DevMailbox devMailbox) {
    super(
        config,
        meters,
        "realtime",
        EmporiumConfig.Service.REALTIME,
        RealtimeGrpcService.SERVICE_NAME);
    this.devMailbox = devMailbox;
  }

  @Override
  protected Future<?> startBackground() {
    mailer = new Mailer(vertx, config.smtp, devMailbox != null);
    // only what this service announces itself (a message it parked) goes through its outbox
    relay = new OutboxRelay(vertx, pool, config, "realtime").start();
    grpc =
        GrpcServers.client(
            vertx, config, new GrpcClientOptions().setScheduleDeadlineAutomatically(true));
    EmporiumConfig.GrpcPeer catalogPeer = config.grpc.get(EmporiumConfig.Service.CATALOG);
    GrpcCalls catalog =
        new GrpcCalls(
            grpc,
            SocketAddress.inetSocketAddress(catalogPeer.peerPort(), catalogPeer.host()),
            "catalog",
            config.grpcDeadline,
            new CallerSignature(config.jwtSecret));
    pushes = new PushStore(pool, config.pushRetention);
    EmporiumConfig.GrpcPeer identityPeer = config.grpc.get(EmporiumConfig.Service.EDGE);
    GrpcCalls identity =
        new GrpcCalls(
            grpc,
            SocketAddress.inetSocketAddress(identityPeer.peerPort(), identityPeer.host()),
            "identity",
            config.grpcDeadline,
            new CallerSignature(config.jwtSecret));
    PushFanOut fanOut = new PushFanOut(vertx.eventBus(), pushes, catalog);
    consumers.add(
        consumer("realtime-push-ordering", PushFanOut.ORDERING_TOPIC, fanOut.orderEvents()));
    consumers.add(
        consumer("realtime-push-payment", PushFanOut.PAYMENT_TOPIC, fanOut.paymentEvents()));
    consumers.add(
        consumer("realtime-push-catalog", PushFanOut.CATALOG_TOPIC, fanOut.catalogEvents()));
    consumers.add(consumer("realtime-push-ops", PushFanOut.OPS_TOPIC, fanOut.opsEvents()));

    EventMails mails = new EventMails(mailer, new SentMailStore(pool), new MailMetrics(meters));
    RecipientStore recipientStore = new RecipientStore();
    MailRecipients recipients = new MailRecipients(pool, recipientStore, identity);
    IdentityEventsConsumer identityEvents =
        new IdentityEventsConsumer(mails, recipientStore, new IdentityMails(config.storefrontUrl));
    OrderMailsConsumer orders =
        new OrderMailsConsumer(mails, recipients, new OrderMails(config.storefrontUrl));
    PaymentMailsConsumer payments =
        new PaymentMailsConsumer(mails, recipients, new AlertMails(config.storefrontUrl));
    StockMailsConsumer stock =
        new StockMailsConsumer(mails, recipients, new AlertMails(config.storefrontUrl));
    consumers.add(
        consumer("realtime-identity-mail", IdentityEventsConsumer.TOPIC, identityEvents.handler()));
    consumers.add(consumer("realtime-mail-ordering", OrderMailsConsumer.TOPIC, orders.handler()));
    consumers.add(
        consumer("realtime-mail-payment", PaymentMailsConsumer.TOPIC, payments.handler()));
    consumers.add(consumer("realtime-mail-catalog", StockMailsConsumer.TOPIC, stock.handler()));

    purger =
        vertx.setPeriodic(
            PURGE_MILLIS,
            id ->
                pushes
                    .purge()
                    .onFailure(e -> LOG.warn("purging old pushes failed: {}", e.toString())));
    return Future.all(consumers.stream().map(EventConsumer::start).toList());
  }

  /**
   * Eight consumers take up to {@code EventConsumer.LANES} connections each while they catch up
   * (seldom all at once; a lane that finds none waits its turn), the relay one, a mail's
   * sent-record one more, and catch-up reads need some.
   */
  @Override
  protected int poolSize() {
    return 24;
  }

  private EventConsumer consumer(String name, String topic, EventConsumer.Handler handler) {
    return new EventConsumer(
        vertx,
        pool,
        "realtime",
        parked,
        meters,
        name,
        config.kafkaBootstrapServers,
        topic,
        config.eventRetry,
        handler);
  }

  @Override
  protected Future<?> stopBackground() {
    vertx.cancelTimer(purger);
    return Future.join(consumers.stream().map(EventConsumer::stop).toList())
        .eventually(() -> relay == null ? Future.succeededFuture() : relay.stop())
        .eventually(() -> grpc == null ? Future.succeededFuture() : grpc.close())
        .eventually(() -> mailer == null ? Future.succeededFuture() : mailer.close());
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new RealtimeRpcs(vertx, devMailbox, pushes).bind(endpoints);
  }
}
