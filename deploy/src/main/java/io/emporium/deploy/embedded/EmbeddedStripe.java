package io.emporium.deploy.embedded;

import io.emporium.common.config.ConfigException;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.stripe.emulator.StripeEmulator;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The Stripe emulator on a Vert.x of its own, apart from the platform's: the payment service
 * reaches it only over HTTP at its {@link #baseUrl()}, as it would reach the emulator in another
 * process or Stripe itself.
 */
public final class EmbeddedStripe implements AutoCloseable {
  /** The emulator listens on loopback only: it takes any test key and its pages need no login. */
  private static final String HOST = "127.0.0.1";

  private final Vertx vertx;
  private final String baseUrl;

  private EmbeddedStripe(Vertx vertx, String baseUrl) {
    this.vertx = vertx;
    this.baseUrl = baseUrl;
  }

  /**
   * Starts it on {@code STRIPE_EMULATOR_PORT} with its state in {@code STRIPE_EMULATOR_DATA_DIR},
   * delivering webhooks to {@code STRIPE_WEBHOOK_URL}; blocks until it listens.
   */
  public static EmbeddedStripe start(EmporiumConfig config) {
    if (config.stripeWebhookSecret == null) {
      throw new ConfigException("STRIPE_WEBHOOK_SECRET is required");
    }
    Vertx vertx = Vertx.vertx();
    StripeEmulator emulator =
        new StripeEmulator(
            StripeEmulator.Options.of(
                    HOST,
                    config.stripeEmulatorPort,
                    config.stripeWebhookUrl,
                    config.stripeWebhookSecret)
                .withDataDir(config.stripeEmulatorDataDir));
    try {
      vertx.deployVerticle(emulator).await(30, TimeUnit.SECONDS);
      return new EmbeddedStripe(vertx, emulator.baseUrl());
    } catch (Exception e) {
      vertx.close();
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  /** {@code http://127.0.0.1:port}: stripe-java's API base and the origin of the hosted pages. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }
}
