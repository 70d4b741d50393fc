package io.emporium.paypal.emulator;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Who approves on the approval page, like Stripe's test cards: the payer's e-mail address decides
 * what capturing the order does. {@code decline@paypal.test} (or any address starting {@code
 * decline}) makes capture answer 422 {@code INSTRUMENT_DECLINED}; {@code denied@paypal.test} (or
 * starting {@code denied}) makes it complete the order with a capture {@code DECLINED}; {@code
 * pending@paypal.test} (or starting {@code pending}) gets a capture {@code PENDING} (review) that
 * completes a little later; anyone else pays.
 */
final class TestPayers {
  static final String DEFAULT_EMAIL = "buyer@paypal.test";
  static final String DECLINE_EMAIL = "decline@paypal.test";
  static final String DENIED_EMAIL = "denied@paypal.test";
  static final String PENDING_EMAIL = "pending@paypal.test";

  enum Outcome {
    /** The capture completes. */
    PAY,
    /** The capture is refused: 422 INSTRUMENT_DECLINED, the payer must approve again. */
    INSTRUMENT_DECLINED,
    /** The capture is made but DECLINED: order COMPLETED, webhook PAYMENT.CAPTURE.DENIED. */
    CAPTURE_DENIED,
    /**
     * The capture is PENDING (PENDING_REVIEW), webhook PAYMENT.CAPTURE.PENDING; it completes after
     * the review delay, webhook PAYMENT.CAPTURE.COMPLETED.
     */
    CAPTURE_PENDING
  }

  private TestPayers() {}

  static Outcome outcomeOf(String email) {
    String local = email.toLowerCase(Locale.ROOT);
    if (local.startsWith("decline")) {
      return Outcome.INSTRUMENT_DECLINED;
    }
    if (local.startsWith("denied") || local.startsWith("deny")) {
      return Outcome.CAPTURE_DENIED;
    }
    if (local.startsWith("pending")) {
      return Outcome.CAPTURE_PENDING;
    }
    return Outcome.PAY;
  }

  /** A PayPal account as orders show it. */
  record Payer(String email, String payerId, Outcome outcome) {
    static Payer of(String email) {
      return new Payer(email, PayPalIds.payerId(email.toLowerCase(Locale.ROOT)), outcomeOf(email));
    }

    private JsonObject name() {
      return new JsonObject().put("given_name", "Test").put("surname", "Buyer");
    }

    JsonObject toPayerJson() {
      return new JsonObject()
          .put("name", name())
          .put("email_address", email)
          .put("payer_id", payerId)
          .put("address", new JsonObject().put("country_code", "US"));
    }

    JsonObject toPaymentSourceJson() {
      return new JsonObject()
          .put("email_address", email)
          .put("account_id", payerId)
          .put("account_status", "VERIFIED")
          .put("name", name())
          .put("address", new JsonObject().put("country_code", "US"));
    }

    JsonObject toRecord() {
      return new JsonObject()
          .put("email", email)
          .put("payerId", payerId)
          .put("outcome", outcome.name());
    }

    static Payer fromRecord(JsonObject r) {
      return new Payer(
          r.getString("email"), r.getString("payerId"), Outcome.valueOf(r.getString("outcome")));
    }
  }
}
