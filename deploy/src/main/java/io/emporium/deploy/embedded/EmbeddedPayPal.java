package io.emporium.deploy.embedded;

import io.emporium.common.config.ConfigException;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.paypal.emulator.PayPalEmulator;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The PayPal emulator on a Vert.x of its own, apart from the platform's: the payment service
 * reaches it only over HTTP at its {@link #baseUrl()}, as it would reach the emulator in another
 * process or PayPal itself.
 */
public final class EmbeddedPayPal implements AutoCloseable {
  /**
   * The emulator listens on loopback only: it takes any credentials and its pages need no login.
   */
  private static final String HOST = "127.0.0.1";

  private final Vertx vertx;
  private final String baseUrl;

  private EmbeddedPayPal(Vertx vertx, String baseUrl) {
    this.vertx = vertx;
    this.baseUrl = baseUrl;
  }

  /**
   * Starts it on {@code PAYPAL_EMULATOR_PORT} with its state in {@code PAYPAL_EMULATOR_DATA_DIR},
   * delivering webhooks to {@code PAYPAL_WEBHOOK_URL} signed for {@code webhookId}; blocks until it
   * listens.
   */
  public static EmbeddedPayPal start(EmporiumConfig config, String webhookId) {
    if (webhookId == null || webhookId.isBlank()) {
      throw new ConfigException("PAYPAL_WEBHOOK_ID is required");
    }
    Vertx vertx = Vertx.vertx();
    PayPalEmulator emulator =
        new PayPalEmulator(
            PayPalEmulator.Options.of(
                    HOST, config.paypalEmulatorPort, config.paypalWebhookUrl, webhookId)
                .withClient(config.paypalClientId, config.paypalClientSecret)
                .withDataDir(config.paypalEmulatorDataDir));
    try {
      vertx.deployVerticle(emulator).await(30, TimeUnit.SECONDS);
      return new EmbeddedPayPal(vertx, emulator.baseUrl());
    } catch (Exception e) {
      vertx.close();
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  /** {@code http://127.0.0.1:port}: the PayPal API base and the origin of the approval pages. */
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
