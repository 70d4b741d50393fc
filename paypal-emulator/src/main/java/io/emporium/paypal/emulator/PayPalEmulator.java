package io.emporium.paypal.emulator;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PayPal stand-in for development and tests, reached like PayPal's REST API through its API base:
 * OAuth 2.0 client credentials, Orders v2 (create, get, capture) with an approval page at each
 * order's approve link, Payments v2 captures and refunds, and webhooks signed as PayPal signs them
 * (SHA256withRSA, with the certificate served at {@code PAYPAL-CERT-URL}), delivered with retries,
 * and PayPal's {@code verify-webhook-signature} API. With a {@link Options#dataDir()} its state and
 * signing key are kept there, written before each answer, so a restarted emulator keeps its orders
 * and resumes its deliveries. It is touched only on this verticle's event loop.
 */
public final class PayPalEmulator extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PayPalEmulator.class);
  private static final String JOURNAL_FILE = "paypal-emulator.jsonl";
  private static final String JOURNAL_NAME = "PayPal emulator";

  private static final int MAX_BODY_BYTES = 1024 * 1024;

  /** Deliveries under way at once, across orders. */
  private static final int WEBHOOK_CONNECTIONS = 16;

  /**
   * How the emulator runs.
   *
   * @param host interface to listen on
   * @param port port to listen on, 0 for any free one
   * @param clientId the REST app's client id tokens are issued to; null accepts any
   * @param clientSecret its secret; null accepts any non-empty one
   * @param webhookUrl where events are POSTed
   * @param webhookId the id of the webhook, part of what each delivery's signature covers
   * @param webhookRetries when failed deliveries are tried again
   * @param sweepInterval how often captures under review are completed and expired tokens and old
   *     objects forgotten
   * @param pendingReview how long a capture of a {@code pending} test payer stays PENDING
   * @param retention how long orders, captures, refunds, events and request ids are kept
   * @param capacity most objects of one kind kept at once; the oldest go first
   * @param clock the time objects are created by
   * @param dataDir where the state and the signing key are kept across restarts; null keeps them in
   *     memory only
   */
  public record Options(
      String host,
      int port,
      String clientId,
      String clientSecret,
      String webhookUrl,
      String webhookId,
      RetrySchedule webhookRetries,
      Duration sweepInterval,
      Duration pendingReview,
      Duration retention,
      int capacity,
      Clock clock,
      Path dataDir) {
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(webhookUrl, "webhookUrl");
      Objects.requireNonNull(webhookId, "webhookId");
    }

    public static Options of(String host, int port, String webhookUrl, String webhookId) {
      return new Options(
          host,
          port,
          null,
          null,
          webhookUrl,
          webhookId,
          RetrySchedule.DEFAULT,
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          Duration.ofDays(3),
          200_000,
          Clock.systemUTC(),
          null);
    }

    public Options withClient(String id, String secret) {
      return new Options(
          host,
          port,
          id,
          secret,
          webhookUrl,
          webhookId,
          webhookRetries,
          sweepInterval,
          pendingReview,
          retention,
          capacity,
          clock,
          dataDir);
    }

    public Options withWebhookRetries(RetrySchedule retries) {
      return new Options(
          host,
          port,
          clientId,
          clientSecret,
          webhookUrl,
          webhookId,
          retries,
          sweepInterval,
          pendingReview,
          retention,
          capacity,
          clock,
          dataDir);
    }

    public Options withSweepInterval(Duration interval) {
      return new Options(
          host,
          port,
          clientId,
          clientSecret,
          webhookUrl,
          webhookId,
          webhookRetries,
          interval,
          pendingReview,
          retention,
          capacity,
          clock,
          dataDir);
    }

    public Options withPendingReview(Duration review) {
      return new Options(
          host,
          port,
          clientId,
          clientSecret,
          webhookUrl,
          webhookId,
          webhookRetries,
          sweepInterval,
          review,
          retention,
          capacity,
          clock,
          dataDir);
    }

    public Options withDataDir(Path dir) {
      return new Options(
          host,
          port,
          clientId,
          clientSecret,
          webhookUrl,
          webhookId,
          webhookRetries,
          sweepInterval,
          pendingReview,
          retention,
          capacity,
          clock,
          dir);
    }

    public Options withPort(int listenPort) {
      return new Options(
          host,
          listenPort,
          clientId,
          clientSecret,
          webhookUrl,
          webhookId,
          webhookRetries,
          sweepInterval,
          pendingReview,
          retention,
          capacity,
          clock,
          dataDir);
    }
  }

  private final Options options;
  private HttpServer server;
  private WebClient webhookClient;
  private WebhookSender webhooks;
  private StateJournal journal;
  private volatile String baseUrl;
  private volatile String certUrl;

  public PayPalEmulator(Options options) {
    this.options = options;
  }

  /**
   * {@code http://host:port}, the API base and the origin of the approval pages; known once
   * started.
   */
  public String baseUrl() {
    return baseUrl;
  }

  /** Where the certificate webhook signatures verify with is served ({@code PAYPAL-CERT-URL}). */
  public String certUrl() {
    return certUrl;
  }

  @Override
  public Future<?> start() {
    Clock clock = options.clock();
    long cutoff = clock.instant().minus(options.retention()).getEpochSecond();
    Future<SigningKey> keying =
        vertx.executeBlocking(
            () ->
                options.dataDir() == null
                    ? SigningKey.generate(clock.instant())
                    : SigningKey.loadOrCreate(options.dataDir(), clock.instant()));
    return keying.compose(
        key -> {
          Future<StateJournal.Opened> opening =
              options.dataDir() == null
                  ? Future.succeededFuture(
                      new StateJournal.Opened(StateJournal.inMemory(JOURNAL_NAME), List.of()))
                  : StateJournal.open(vertx, options.dataDir(), JOURNAL_FILE, JOURNAL_NAME, cutoff);
          return opening.compose(opened -> listen(key, opened));
        });
  }

  private Future<String> listen(SigningKey key, StateJournal.Opened opened) {
    Clock clock = options.clock();
    journal = opened.journal();
    WebhookEvents events = new WebhookEvents(clock, journal, options.capacity());
    Ledger ledger = new Ledger(options.capacity(), clock, journal, events);
    AccessTokens tokens =
        new AccessTokens(options.clientId(), options.clientSecret(), clock, journal);
    IdempotencyKeys idempotency = new IdempotencyKeys(options.capacity(), journal);
    for (JsonObject record : opened.records()) {
      if (!ledger.restore(record)
          && !events.restore(record)
          && !tokens.restore(record)
          && !idempotency.restore(record)) {
        LOG.warn(
            "PayPal emulator: skipped a journal record of unknown kind {}",
            record.getString("kind"));
      }
    }
    ApiRoutes api =
        new ApiRoutes(
            ledger,
            tokens,
            idempotency,
            events,
            key,
            options.webhookId(),
            journal,
            clock,
            this::baseUrl);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    api.mount(router);
    new ApprovalPage(ledger, journal, this::baseUrl).mount(router);
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
              certUrl = api.certUrl();
              webhookClient =
                  WebClient.create(
                      vertx,
                      new WebClientOptions()
                          .setKeepAlive(true)
                          .setUserAgent("PayPal/AUHD-214.0-emulator"),
                      new PoolOptions().setHttp1MaxSize(WEBHOOK_CONNECTIONS));
              webhooks =
                  new WebhookSender(
                      vertx,
                      webhookClient,
                      options.webhookUrl(),
                      JOURNAL_NAME,
                      payload -> signedHeaders(payload, key, api.certUrl()),
                      options.webhookRetries(),
                      clock,
                      journal);
              events.sendWith(webhooks);
              vertx.setPeriodic(
                  options.sweepInterval().toMillis(),
                  t -> {
                    journal.begin();
                    ledger.completeReviewedCaptures(
                        clock.instant(), options.pendingReview(), baseUrl);
                    journal
                        .commit()
                        .onFailure(
                            e ->
                                LOG.warn(
                                    "PayPal emulator: could not write reviewed captures: {}",
                                    e.toString()));
                    long before = clock.instant().minus(options.retention()).getEpochSecond();
                    tokens.forgetExpired();
                    ledger.forgetCreatedBefore(before);
                    events.forgetCreatedBefore(before);
                    idempotency.forgetCreatedBefore(before);
                  });
              events.resumeDeliveries();
              LOG.info(
                  "PayPal emulator at {} (sandbox, {}, {} records restored); webhooks {} go to {}",
                  baseUrl,
                  options.dataDir() == null ? "in memory" : "state in " + options.dataDir(),
                  opened.records().size(),
                  options.webhookId(),
                  options.webhookUrl());
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
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.eventually(() -> journal == null ? Future.succeededFuture() : journal.close());
  }

  /**
   * A delivery's headers as PayPal sends them, with a new transmission for every attempt: its id,
   * time, signature over {@code id|time|webhookId|crc32(body)}, the certificate's URL and the
   * algorithm.
   */
  private MultiMap signedHeaders(String payload, SigningKey key, String certUrl) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    String transmissionId = UUID.randomUUID().toString();
    String transmissionTime = options.clock().instant().truncatedTo(ChronoUnit.SECONDS).toString();
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("PAYPAL-TRANSMISSION-ID", transmissionId)
        .add("PAYPAL-TRANSMISSION-TIME", transmissionTime)
        .add(
            "PAYPAL-TRANSMISSION-SIG",
            key.sign(
                SigningKey.signedString(
                    transmissionId, transmissionTime, options.webhookId(), body)))
        .add("PAYPAL-CERT-URL", certUrl)
        .add("PAYPAL-AUTH-ALGO", SigningKey.ALGORITHM)
        .add("User-Agent", "PayPal/AUHD-214.0-emulator");
  }
}
