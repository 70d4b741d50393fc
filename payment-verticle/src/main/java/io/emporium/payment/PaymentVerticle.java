package io.emporium.payment;

import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.ConfigException;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.OutboxRelay;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.payment.client.PayPalClient;
import io.emporium.payment.client.PayPalProvider;
import io.emporium.payment.client.PayPalWebhookVerifier;
import io.emporium.payment.client.PaymentProviders;
import io.emporium.payment.client.StripeGateway;
import io.emporium.payment.client.StripeProvider;
import io.emporium.payment.client.WebhookMetrics;
import io.emporium.payment.consume.WebhookApplier;
import io.emporium.payment.grpc.CheckoutSessionRpcs;
import io.emporium.payment.grpc.PaymentIntentRpcs;
import io.emporium.payment.grpc.PaymentRpcs;
import io.emporium.payment.grpc.RefundRpcs;
import io.emporium.payment.publish.PaymentEvents;
import io.emporium.payment.store.Ledger;
import io.emporium.payment.store.PaymentRecorder;
import io.emporium.payment.store.WebhookInbox;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment service: owns the {@code payment} schema and serves {@code emporium.payment.v1} over
 * gRPC. stripe-java talks to {@code STRIPE_API_BASE}: Stripe, or without {@code STRIPE_SECRET_KEY}
 * a Stripe emulator with a test key; PayPal's REST API is at {@code PAYPAL_API_BASE} (PayPal, or
 * its emulator). It applies the webhook inbox and relays its outbox to {@code payment.events}.
 */
public final class PaymentVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentVerticle.class);

  /** What stripe-java sends a Stripe emulator, which takes any test key. */
  private static final String EMULATOR_KEY = "sk_test_emulator";

  /** stripe-java for the RPCs that call Stripe. */
  private StripeGateway stripe;

  /** PayPal's REST API, and its webhooks' verifier. */
  private PayPalClient paypalClient;

  private PayPalWebhookVerifier paypalWebhooks;
  private PaymentProviders providers;

  private Ledger ledger;
  private PaymentRecorder recorder;
  private WebhookInbox inbox;
  private OutboxRelay relay;
  private WebhookApplier webhooks;
  private WebhookMetrics webhookMetrics;

  public PaymentVerticle(EmporiumConfig config, MeterRegistry meters) {
    super(
        config, meters, "payment", EmporiumConfig.Service.PAYMENT, PaymentGrpcService.SERVICE_NAME);
  }

  @Override
  protected Future<?> startBackground() {
    if (config.stripeWebhookSecret == null) {
      return Future.failedFuture(new ConfigException("STRIPE_WEBHOOK_SECRET is required"));
    }
    return connectStripe()
        .onSuccess(
            gateway -> {
              stripe = gateway;
              paypalClient =
                  new PayPalClient(
                      vertx,
                      config.paypalApiBase,
                      orEmulator(config.paypalClientId),
                      orEmulator(config.paypalClientSecret));
              PayPalProvider paypal = new PayPalProvider(paypalClient);
              providers = new PaymentProviders(new StripeProvider(stripe), paypal);
              paypalWebhooks =
                  new PayPalWebhookVerifier(vertx, config.paypalApiBase, config.paypalWebhookId);
              ledger = new Ledger(pool);
              recorder = new PaymentRecorder(ledger, new PaymentEvents());
              inbox = new WebhookInbox(pool);
              relay = new OutboxRelay(vertx, pool, config, "payment").start();
              webhookMetrics = new WebhookMetrics(meters);
              webhooks =
                  new WebhookApplier(
                          vertx,
                          pool,
                          inbox,
                          recorder,
                          ledger,
                          stripe,
                          paypal,
                          webhookMetrics,
                          parked,
                          config.eventRetry)
                      .start();
            });
  }

  private Future<StripeGateway> connectStripe() {
    if (!config.stripeEmulated()) {
      return Future.succeededFuture(
          StripeGateway.connect(vertx, config.stripeApiBase, config.stripeSecretKey));
    }
    if (config.stripeApiBase.equals(EmporiumConfig.STRIPE_API)) {
      return Future.failedFuture(
          new ConfigException(
              "STRIPE_SECRET_KEY is required, or STRIPE_API_BASE pointing at a Stripe emulator"));
    }
    LOG.warn(
        "STRIPE_SECRET_KEY is not set: payments go to the Stripe emulator at {} (test mode)",
        config.stripeApiBase);
    return Future.succeededFuture(StripeGateway.connect(vertx, config.stripeApiBase, EMULATOR_KEY));
  }

  /** PayPal's emulator takes any client credentials; PayPal itself needs the configured ones. */
  private static String orEmulator(String credential) {
    return credential == null ? "emulator" : credential;
  }

  @Override
  protected Future<?> stopBackground() {
    Future<?> applying = webhooks == null ? Future.succeededFuture() : webhooks.stop();
    return applying
        .eventually(() -> relay == null ? Future.succeededFuture() : relay.stop())
        .eventually(() -> stripe == null ? Future.succeededFuture() : stripe.close())
        .eventually(() -> paypalClient == null ? Future.succeededFuture() : paypalClient.close())
        .eventually(
            () -> paypalWebhooks == null ? Future.succeededFuture() : paypalWebhooks.close());
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new PaymentRpcs(
            vertx, inbox, webhooks, config.stripeWebhookSecret, webhookMetrics, paypalWebhooks)
        .bind(endpoints);
    new CheckoutSessionRpcs(providers, pool, ledger, recorder).bind(endpoints);
    new PaymentIntentRpcs(stripe, ledger).bind(endpoints);
    new RefundRpcs(providers, pool, ledger, recorder).bind(endpoints);
  }
}
