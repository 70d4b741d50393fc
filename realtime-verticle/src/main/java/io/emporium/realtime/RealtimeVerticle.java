package io.emporium.realtime;

import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.proto.realtime.v1.RealtimeGrpcService;
import io.emporium.realtime.events.EventMails;
import io.emporium.realtime.events.IdentityEventsConsumer;
import io.emporium.realtime.events.MailConsumers;
import io.emporium.realtime.grpc.RealtimeRpcs;
import io.emporium.realtime.mail.DevMailbox;
import io.emporium.realtime.mail.IdentityMails;
import io.emporium.realtime.mail.Mailer;
import io.emporium.realtime.store.RecipientStore;
import io.emporium.realtime.store.SentMailStore;
import io.vertx.core.Future;

/** The realtime service: consumes domain events and sends the mail and pushes they call for. */
public final class RealtimeVerticle extends ServiceVerticle {
  private final DevMailbox devMailbox;
  private Mailer mailer;
  private EventConsumer identityEvents;
  private MailConsumers mailConsumers;

  /** {@code devMailbox} is the embedded SMTP sink, or null when a real SMTP server is configured. */
  public RealtimeVerticle(EmporiumConfig config, DevMailbox devMailbox) {
    super(config, "realtime", EmporiumConfig.Service.REALTIME, RealtimeGrpcService.SERVICE_NAME);
    this.devMailbox = devMailbox;
  }

  @Override
  protected Future<?> startBackground() {
    mailer = new Mailer(vertx, config.smtp, devMailbox != null);
    EventMails mails = new EventMails(mailer, new SentMailStore(pool));
    RecipientStore recipients = new RecipientStore();
    IdentityEventsConsumer identity = new IdentityEventsConsumer(mails, recipients, new IdentityMails(config.storefrontUrl));
    identityEvents = new EventConsumer(vertx, pool, "realtime", "realtime-identity-mail", config.kafkaBootstrapServers,
        IdentityEventsConsumer.TOPIC, (tx, eventId, type, key, value) -> identity.apply(tx, eventId, value));
    return identityEvents.start()
        // creating Kafka clients loads and configures a lot: keep it off the event loop
        .compose(v -> vertx.executeBlocking(() -> new MailConsumers(vertx, pool, config.kafkaBootstrapServers, mails, recipients,
            config.storefrontUrl), false))
        .compose(created -> {
          mailConsumers = created;
          return created.start();
        });
  }

  @Override
  protected Future<?> stopBackground() {
    return identityEvents.stop()
        .eventually(() -> mailConsumers == null ? Future.succeededFuture() : mailConsumers.stop())
        .eventually(mailer::close);
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new RealtimeRpcs(vertx, devMailbox).bind(endpoints);
  }
}
