package io.emporium.payment.emulator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stripe stand-in for development and tests, reached by stripe-java unchanged through its API base:
 * Checkout Sessions with a hosted payment page, PaymentIntents, Refunds, Charges and Events over
 * Stripe's wire format, and signed webhooks delivered with retries. Everything lives in memory
 * (lost on restart, bounded by {@link Options#retention()} and {@link Options#capacity()}) and is
 * touched only on this verticle's event loop, so no state is shared between threads.
 */
public final class StripeEmulator extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StripeEmulator.class);
  /** The API key the platform's stripe-java uses against the emulator; any {@code sk_test_} key is accepted. */
  public static final String SECRET_KEY = "sk_test_emulator";
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  /** Deliveries under way at once, across ordering keys. */
  private static final int WEBHOOK_CONNECTIONS = 16;

  /**
   * How the emulator runs.
   *
   * @param host interface to listen on
   * @param port port to listen on, 0 for any free one
   * @param webhookUrl where events are POSTed
   * @param webhookSecret the {@code whsec_...} secret webhook signatures are made with
   * @param webhookRetries when failed deliveries are tried again
   * @param sweepInterval how often sessions past {@code expires_at} are expired and old objects forgotten
   * @param retention how long objects, events and idempotency keys are kept (Stripe keeps keys 24 h)
   * @param capacity most objects of one kind kept at once; the oldest go first
   * @param clock the time sessions expire and objects are created by
   */
  public record Options(String host, int port, String webhookUrl, String webhookSecret, RetrySchedule webhookRetries,
                        Duration sweepInterval, Duration retention, int capacity, Clock clock) {
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(webhookUrl, "webhookUrl");
      Objects.requireNonNull(webhookSecret, "webhookSecret");
    }

    public static Options of(String host, int port, String webhookUrl, String webhookSecret) {
      return new Options(host, port, webhookUrl, webhookSecret, RetrySchedule.DEFAULT, Duration.ofSeconds(1), Duration.ofHours(24),
          200_000, Clock.systemUTC());
    }

    public Options withWebhookRetries(RetrySchedule retries) {
      return new Options(host, port, webhookUrl, webhookSecret, retries, sweepInterval, retention, capacity, clock);
    }

    public Options withSweepInterval(Duration interval) {
      return new Options(host, port, webhookUrl, webhookSecret, webhookRetries, interval, retention, capacity, clock);
    }
  }

  private final Options options;
  private HttpServer server;
  private WebClient webhookClient;
  private WebhookSender webhooks;
  private volatile String baseUrl;

  public StripeEmulator(Options options) {
    this.options = options;
  }

  /** {@code http://host:port}, the API base for stripe-java and the origin of the hosted pages; known once started. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public Future<?> start() {
    Clock clock = options.clock();
    webhookClient = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
        .setUserAgent("Stripe/1.0 (+https://stripe.com/docs/webhooks)"), new PoolOptions().setHttp1MaxSize(WEBHOOK_CONNECTIONS));
    webhooks = new WebhookSender(vertx, webhookClient, options.webhookUrl(), options.webhookSecret(), options.webhookRetries(), clock);
    TestModeAccount account = new TestModeAccount(options.capacity());
    RecentObjects<StripeEvents.StoredEvent> eventLog = new RecentObjects<>(options.capacity(), StripeEvents.StoredEvent::created);
    StripeEvents events = new StripeEvents(clock, eventLog, webhooks);
    IdempotencyKeys idempotency = new IdempotencyKeys(options.capacity());
    CardPayments payments = new CardPayments(account, events, clock);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(options.port(), options.host())
        .map(listening -> {
          server = listening;
          String host = options.host().equals("0.0.0.0") || options.host().equals("::") ? "127.0.0.1" : options.host();
          baseUrl = "http://" + host + ":" + listening.actualPort();
          CheckoutSessions sessions = new CheckoutSessions(account, payments, events, clock, baseUrl);
          new StripeApiRoutes(account, sessions, new PaymentIntents(account, payments, events, clock), new Refunds(account, events, clock),
              events, idempotency, clock).mount(router);
          new HostedCheckoutPage(account, sessions).mount(router);
          vertx.setPeriodic(options.sweepInterval().toMillis(), t -> {
            sessions.expireDue();
            long cutoff = clock.instant().minus(options.retention()).getEpochSecond();
            account.forgetCreatedBefore(cutoff);
            eventLog.forgetCreatedBefore(cutoff);
            idempotency.forgetCreatedBefore(cutoff);
          });
          LOG.info("Stripe emulator at {} (test mode, in memory); webhooks go to {}", baseUrl, options.webhookUrl());
          return baseUrl;
        });
  }

  @Override
  public Future<?> stop() {
    if (webhooks != null) {
      webhooks.stop();
    }
    if (webhookClient != null) {
      webhookClient.close();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }
}
