package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonObject;

/**
 * An error as Stripe answers it: {@code {"error":{"type","message","param","code",...}}} with
 * Stripe's status (400, 401, 402, 404). stripe-java picks its exception from the status and the
 * type.
 */
final class StripeApiError extends RuntimeException {
  private final int status;
  private final JsonObject error;

  private StripeApiError(int status, JsonObject error) {
    super(error.getString("message"), null, false, false);
    this.status = status;
    this.error = error;
  }

  private static JsonObject body(String type, String message, String param, String code) {
    JsonObject error = new JsonObject().put("type", type).put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    if (code != null) {
      error
          .put("code", code)
          .put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
    }
    return error;
  }

  static StripeApiError invalidRequest(String message, String param, String code) {
    return new StripeApiError(400, body("invalid_request_error", message, param, code));
  }

  static StripeApiError missingParam(String param) {
    return invalidRequest("Missing required param: " + param + ".", param, "parameter_missing");
  }

  static StripeApiError notFound(String objectName, String id, String param) {
    return new StripeApiError(
        404,
        body(
            "invalid_request_error",
            "No such " + objectName + ": '" + id + "'",
            param,
            "resource_missing"));
  }

  static StripeApiError unrecognizedUrl(String method, String path) {
    return new StripeApiError(
        404,
        body(
            "invalid_request_error",
            "Unrecognized request URL ("
                + method
                + ": "
                + path
                + "). The Stripe emulator serves checkout sessions, payment intents, refunds, charges and events.",
            null,
            null));
  }

  /** Stripe answers a missing or wrong key with 401 and type {@code invalid_request_error}. */
  static StripeApiError unauthorized(String message) {
    return new StripeApiError(401, body("invalid_request_error", message, null, null));
  }

  static StripeApiError idempotency(String message) {
    return new StripeApiError(400, body("idempotency_error", message, null, null));
  }

  /** Stripe's state errors, such as confirming a PaymentIntent that already succeeded. */
  static StripeApiError unexpectedState(String message, String code) {
    return invalidRequest(message, null, code);
  }

  /** A declined card: 402 {@code card_error} carrying the PaymentIntent as it now stands. */
  static StripeApiError cardDeclined(JsonObject lastPaymentError, JsonObject paymentIntent) {
    return new StripeApiError(402, lastPaymentError.copy().put("payment_intent", paymentIntent));
  }

  int status() {
    return status;
  }

  /**
   * Validation failures are answered before anything happens, so Stripe does not keep them for an
   * idempotency key.
   */
  boolean keptForIdempotencyKey() {
    return status == 402;
  }

  JsonObject toJson() {
    return new JsonObject().put("error", error.copy());
  }
}
