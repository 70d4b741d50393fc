package io.emporium.payment.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Webhook events (Stripe's and PayPal's) by type and result. A delivery counts once as {@code
 * bad_signature} or {@code duplicate}, or, when new, once as {@code applied} (it recorded a payment
 * fact) or {@code ignored} (nothing new for the ledger) when applied, plus {@code failed} for each
 * attempt to apply it that failed and will be retried.
 */
public final class WebhookMetrics {
  public static final String APPLIED = "applied";
  public static final String IGNORED = "ignored";
  public static final String FAILED = "failed";
  public static final String DUPLICATE = "duplicate";
  static final String BAD_SIGNATURE = "bad_signature";

  /**
   * The type label of an event we do not handle, so a stranger's event types cannot grow the label
   * set.
   */
  static final String OTHER = "other";

  /**
   * The type label of a delivery whose signature failed: its claimed type is not to be believed.
   */
  static final String UNKNOWN = "unknown";

  private static final List<String> HANDLED =
      List.of(
          StripeFacts.SESSION_COMPLETED,
          StripeFacts.SESSION_EXPIRED,
          StripeFacts.INTENT_SUCCEEDED,
          StripeFacts.INTENT_FAILED,
          StripeFacts.CHARGE_REFUNDED);

  /** PayPal's types we handle: counted under their own names, but only once they occur. */
  private static final List<String> PAYPAL_HANDLED =
      List.of(
          PayPalFacts.ORDER_APPROVED,
          PayPalFacts.CAPTURE_COMPLETED,
          PayPalFacts.CAPTURE_DENIED,
          PayPalFacts.CAPTURE_REFUNDED);

  private final MeterRegistry registry;

  public WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String type : HANDLED) {
      for (String result : List.of(APPLIED, IGNORED, FAILED, DUPLICATE)) {
        counter(type, result);
      }
    }
    counter(UNKNOWN, BAD_SIGNATURE);
  }

  /** A delivery of {@code eventType} ended as {@code result}. */
  public void counted(String eventType, String result) {
    counter(
            HANDLED.contains(eventType) || PAYPAL_HANDLED.contains(eventType) ? eventType : OTHER,
            result)
        .increment();
  }

  /**
   * A delivery refused for its signature (missing, wrong, stale or future) or for not being a
   * usable Stripe event.
   */
  public void badSignature() {
    counter(UNKNOWN, BAD_SIGNATURE).increment();
  }

  private Counter counter(String type, String result) {
    return Counter.builder("emporium.webhook.events")
        .tag("type", type)
        .tag("result", result)
        .description("Stripe webhook deliveries by event type and what became of them")
        .register(registry);
  }
}
