package io.emporium.stripe.emulator;

import io.emporium.emulator.RetrySchedule;
import io.emporium.emulator.StateJournal;
import io.emporium.emulator.WebhookSender;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stripe stand-in for development and tests, reached by stripe-java unchanged through its API
 * base: Checkout Sessions with a hosted payment page, PaymentIntents, Refunds, Charges and Events
 * over Stripe's wire format, and signed webhooks delivered with retries. State is held in memory
 * (bounded by {@link Options#retention()} and {@link Options#capacity()}) and, with a {@link
 * Options#dataDir()}, written to a journal there before each answer, so a restarted emulator keeps
 * its sessions and resumes its deliveries. It is touched only on this verticle's event loop, so no
 * state is shared between threads.
 */
public final class StripeEmulator extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StripeEmulator.class);
  private static final String JOURNAL_FILE = "stripe-emulator.jsonl";
  private static final String JOURNAL_NAME = "Stripe emulator";

  /**
   * The API key the platform's stripe-java uses against the emulator; any {@code sk_test_} key is
   * accepted.
   */
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
   * @param sweepInterval how often sessions past {@code expires_at} are expired and old objects
   *     forgotten
   * @param retention how long objects, events and idempotency keys are kept (Stripe keeps keys 24
   *     h)
   * @param capacity most objects of one kind kept at once; the oldest go first
   * @param clock the time sessions expire and objects are created by
   * @param dataDir where the state is kept across restarts; null keeps it in memory only
   */
  public record Options(
      String host,
      int port,
      String webhookUrl,
      String webhookSecret,
      RetrySchedule webhookRetries,
      Duration sweepInterval,
      Duration retention,
      int capacity,
      Clock clock,
      Path dataDir) {
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(webhookUrl, "webhookUrl");
      Objects.requireNonNull(webhookSecret, "webhookSecret");
    }

    public static Options of(String host, int port, String webhookUrl, String webhookSecret) {
      return new Options(
          host,
          port,
          webhookUrl,
          webhookSecret,
          RetrySchedule.DEFAULT,
          Duration.ofSeconds(1),
          Duration.ofHours(24),
          200_000,
          Clock.systemUTC(),
          null);
    }

    public Options withWebhookRetries(RetrySchedule retries) {
      return new Options(
          host,
          port,
          webhookUrl,
          webhookSecret,
          retries,
          sweepInterval,
          retention,
          capacity,
          clock,
          dataDir);
    }

    public Options withSweepInterval(Duration interval) {
      return new Options(
          host,
          port,
          webhookUrl,
          webhookSecret,
          webhookRetries,
          interval,
          retention,
          capacity,
          clock,
          dataDir);
    }

    public Options withDataDir(Path dir) {
      return new Options(
          host,
          port,
          webhookUrl,
          webhookSecret,
          webhookRetries,
          sweepInterval,
          retention,
          capacity,
          clock,
          dir);
    }
  }

  private final Options options;
  private HttpServer server;
  private WebClient webhookClient;
  private WebhookSender webhooks;
  private StateJournal journal;
  private volatile String baseUrl;

  public StripeEmulator(Options options) {
    this.options = options;
  }

  /**
   * {@code http://host:port}, the API base for stripe-java and the origin of the hosted pages;
   * known once started.
   */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public Future<?> start() {
    Clock clock = options.clock();
    long cutoff = clock.instant().minus(options.retention()).getEpochSecond();
    Future<StateJournal.Opened> opening =
        options.dataDir() == null
            ? Future.succeededFuture(
                new StateJournal.Opened(StateJournal.inMemory(JOURNAL_NAME), List.of()))
            : StateJournal.open(vertx, options.dataDir(), JOURNAL_FILE, JOURNAL_NAME, cutoff);
    return opening.compose(
        opened -> {
          journal = opened.journal();
          webhookClient =
              WebClient.create(
                  vertx,
                  new WebClientOptions()
                      .setKeepAlive(true)
                      .setUserAgent("Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
                  new PoolOptions().setHttp1MaxSize(WEBHOOK_CONNECTIONS));
          webhooks =
              new WebhookSender(
                  vertx,
                  webhookClient,
                  options.webhookUrl(),
                  JOURNAL_NAME,
                  payload ->
                      MultiMap.caseInsensitiveMultiMap()
                          .add("Content-Type", "application/json; charset=utf-8")
                          .add(
                              "Stripe-Signature",
                              StripeSignature.header(
                                  payload,
                                  options.webhookSecret(),
                                  clock.instant().getEpochSecond()))
                          .add("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
                  options.webhookRetries(),
                  clock,
                  journal);
          TestModeAccount account = new TestModeAccount(options.capacity(), journal);
          RecentObjects<StripeEvents.StoredEvent> eventLog =
              new RecentObjects<>(options.capacity(), StripeEvents.StoredEvent::created);
          StripeEvents events = new StripeEvents(clock, eventLog, webhooks, journal);
          IdempotencyKeys idempotency = new IdempotencyKeys(options.capacity(), journal);
          for (JsonObject record : opened.records()) {
            if (!account.restore(record)
                && !events.restore(record)
                && !idempotency.restore(record)) {
              LOG.warn(
                  "Stripe emulator: skipped a journal record of unknown kind {}",
                  record.getString("kind"));
            }
          }
          journal.begin();
          CardPayments payments = new CardPayments(account, events, clock);
          Router router = Router.router(vertx);
          router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
          return vertx
              .createHttpServer()
              .requestHandler(router)
              .listen(options.port(), options.host())
              .map(
                  listening -> {
                    server = listening;
                    String host =
                        options.host().equals("0.0.0.0") || options.host().equals("::")
                            ? "127.0.0.1"
                            : options.host();
                    baseUrl = "http://" + host + ":" + listening.actualPort();
                    CheckoutSessions sessions =
                        new CheckoutSessions(account, payments, events, clock, baseUrl);
                    new StripeApiRoutes(
                            account,
                            sessions,
                            new PaymentIntents(account, payments, events, clock),
                            new Refunds(account, events, clock),
                            events,
                            idempotency,
                            journal,
                            clock)
                        .mount(router);
                    new HostedCheckoutPage(account, sessions, journal).mount(router);
                    vertx.setPeriodic(
                        options.sweepInterval().toMillis(),
                        t -> {
                          journal.begin();
                          sessions.expireDue();
                          long before = clock.instant().minus(options.retention()).getEpochSecond();
                          account.forgetCreatedBefore(before);
                          eventLog.forgetCreatedBefore(before);
                          idempotency.forgetCreatedBefore(before);
                          journal
                              .commit()
                              .onFailure(
                                  e ->
                                      LOG.warn(
                                          "Stripe emulator: could not write expired sessions: {}",
                                          e.toString()));
                        });
                    events.resumeDeliveries();
                    LOG.info(
                        "Stripe emulator at {} (test mode, {}, {} records restored); webhooks go to {}",
                        baseUrl,
                        options.dataDir() == null ? "in memory" : "state in " + options.dataDir(),
                        opened.records().size(),
                        options.webhookUrl());
                    return baseUrl;
                  });
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
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.eventually(() -> journal == null ? Future.succeededFuture() : journal.close());
  }
}
