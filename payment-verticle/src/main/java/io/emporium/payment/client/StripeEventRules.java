package io.emporium.payment.client;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.common.problem.StorableText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a signed webhook body must be to be recorded: a Stripe event with an {@code id}, a {@code
 * type} and a {@code data.object} that has an {@code id}; for the types we apply, the fields {@link
 * StripeFacts} reads have Stripe's types. A body that fails is refused before anything is recorded,
 * so it can never stall the inbox. Pure.
 */
public final class StripeEventRules {
  private static final int MAX_ID = 255;
  private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");

  private StripeEventRules() {}

  /** What is wrong with the event; empty when it can be recorded. */
  public static List<FieldError> problems(JsonObject event) {
    // text PostgreSQL cannot hold (jsonb refuses NUL): the platform's one rule for stored text
    List<FieldError> errors = StorableText.inJson(event);
    if (!errors.isEmpty()) {
      return errors;
    }
    identifier(event, "id", "id", errors);
    identifier(event, "type", "type", errors);
    Object data = event.getValue("data");
    Object object = data instanceof JsonObject d ? d.getValue("object") : null;
    if (!(object instanceof JsonObject o)) {
      errors.add(new FieldError("data.object", "must be the object the event is about"));
      return errors;
    }
    identifier(o, "id", "data.object.id", errors);
    String type = event.getValue("type") instanceof String t ? t : "";
    switch (type) {
      case StripeFacts.SESSION_COMPLETED, StripeFacts.SESSION_EXPIRED -> {
        amount(o, "amount_total", "data.object", errors);
        texts(
            o,
            List.of("status", "payment_status", "payment_intent", "client_reference_id"),
            "data.object",
            errors);
        common(o, "data.object", errors);
      }
      case StripeFacts.INTENT_SUCCEEDED, StripeFacts.INTENT_FAILED -> {
        amount(o, "amount", "data.object", errors);
        amount(o, "amount_received", "data.object", errors);
        Object error = o.getValue("last_payment_error");
        if (error != null
            && !(error instanceof JsonObject e
                && (e.getValue("message") == null || e.getValue("message") instanceof String))) {
          errors.add(
              new FieldError(
                  "data.object.last_payment_error", "must be an object with a text message"));
        }
        common(o, "data.object", errors);
      }
      case StripeFacts.CHARGE_REFUNDED -> {
        texts(o, List.of("payment_intent"), "data.object", errors);
        common(o, "data.object", errors);
        refunds(o, errors);
      }
      default -> {}
    }
    // what it tells of an order's payment must name its currency: the ledger keeps none without
    if (errors.isEmpty()
        && StripeFacts.ofEvent(event).stream().anyMatch(f -> f.currency() == null)) {
      errors.add(new FieldError("data.object.currency", "is required for a payment of an order"));
    }
    return errors;
  }

  private static void identifier(JsonObject o, String key, String field, List<FieldError> errors) {
    if (!(o.getValue(key) instanceof String s) || s.isBlank() || s.length() > MAX_ID) {
      errors.add(new FieldError(field, "must be a text of 1 to " + MAX_ID + " characters"));
    }
  }

  /** The currency and metadata every object we apply carries. */
  private static void common(JsonObject o, String at, List<FieldError> errors) {
    Object currency = o.getValue("currency");
    if (currency != null && !(currency instanceof String c && CURRENCY.matcher(c).matches())) {
      errors.add(new FieldError(at + ".currency", "must be a lower-case ISO 4217 code"));
    }
    Object metadata = o.getValue("metadata");
    if (metadata != null
        && !(metadata instanceof JsonObject m
            && m.stream().allMatch(e -> e.getValue() instanceof String))) {
      errors.add(new FieldError(at + ".metadata", "must be an object of texts"));
    }
  }

  private static void amount(JsonObject o, String key, String at, List<FieldError> errors) {
    Object v = o.getValue(key);
    if (v != null
        && !((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 0)) {
      errors.add(
          new FieldError(at + "." + key, "must be a whole number of minor units, 0 or more"));
    }
  }

  private static void texts(JsonObject o, List<String> keys, String at, List<FieldError> errors) {
    for (String key : keys) {
      if (o.getValue(key) != null && !(o.getValue(key) instanceof String)) {
        errors.add(new FieldError(at + "." + key, "must be a text"));
      }
    }
  }

  private static void refunds(JsonObject charge, List<FieldError> errors) {
    Object refunds = charge.getValue("refunds");
    if (refunds == null) {
      return;
    }
    if (!(refunds instanceof JsonObject list)
        || !(list.getValue("data", new JsonArray()) instanceof JsonArray data)) {
      errors.add(new FieldError("data.object.refunds", "must be a list object"));
      return;
    }
    for (int i = 0; i < data.size(); i++) {
      String at = "data.object.refunds.data[" + i + "]";
      if (!(data.getValue(i) instanceof JsonObject refund)) {
        errors.add(new FieldError(at, "must be a refund"));
        continue;
      }
      identifier(refund, "id", at + ".id", errors);
      amount(refund, "amount", at, errors);
      texts(refund, List.of("status"), at, errors);
      common(refund, at, errors);
    }
  }
}
