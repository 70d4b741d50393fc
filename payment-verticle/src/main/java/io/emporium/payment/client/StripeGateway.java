package io.emporium.payment.client;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * The one place stripe-java is configured: a {@link StripeClient} with its own key and API base
 * (Stripe itself, or the emulator), never Stripe's global statics. stripe-java blocks, so every
 * call runs on this gateway's worker threads, never on an event loop.
 */
public final class StripeGateway {
  private static final int WORKERS = 16;
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 20_000;
  private static final int NETWORK_RETRIES = 2;

  /** A stripe-java call. */
  @FunctionalInterface
  public interface Call<T> {
    T on(StripeClient stripe) throws StripeException;
  }

  private final StripeClient client;
  private final String apiBase;
  private final WorkerExecutor workers;

  private StripeGateway(Vertx vertx, String apiBase, String secretKey) {
    this.apiBase = apiBase;
    this.client =
        StripeClient.builder()
            .setApiKey(secretKey)
            .setApiBase(apiBase)
            .setConnectTimeout(CONNECT_TIMEOUT_MS)
            .setReadTimeout(READ_TIMEOUT_MS)
            .setMaxNetworkRetries(NETWORK_RETRIES)
            .build();
    this.workers = vertx.createSharedWorkerExecutor("stripe-java", WORKERS);
  }

  /**
   * stripe-java against {@code apiBase} with {@code secretKey}: Stripe in production, the emulator
   * otherwise.
   */
  public static StripeGateway connect(Vertx vertx, String apiBase, String secretKey) {
    return new StripeGateway(vertx, apiBase, secretKey);
  }

  /** Runs a stripe-java call on a worker thread; its {@link StripeException} fails the future. */
  public <T> Future<T> call(Call<T> call) {
    return workers.executeBlocking(() -> call.on(client), false);
  }

  public String apiBase() {
    return apiBase;
  }

  public Future<Void> close() {
    return workers.close();
  }
}
