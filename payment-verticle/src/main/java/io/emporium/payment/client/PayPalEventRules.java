package io.emporium.payment.client;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.common.problem.StorableText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a verified PayPal webhook body must be to be recorded: an event with an {@code id}, an
 * {@code event_type} and a {@code resource} with an {@code id}; for the types we apply, the fields
 * {@link PayPalFacts} reads have PayPal's types. A body that fails is refused before anything is
 * recorded, so it can never stall the inbox. Pure.
 */
public final class PayPalEventRules {
  private static final int MAX_ID = 255;
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private PayPalEventRules() {}

  /** What is wrong with the event; empty when it can be recorded. */
  public static List<FieldError> problems(JsonObject event) {
    // text PostgreSQL cannot hold (jsonb refuses NUL): the platform's one rule for stored text
    List<FieldError> errors = StorableText.inJson(event);
    if (!errors.isEmpty()) {
      return errors;
    }
    identifier(event, "id", "id", errors);
    identifier(event, "event_type", "event_type", errors);
    if (!(event.getValue("resource") instanceof JsonObject resource)) {
      errors.add(new FieldError("resource", "must be the object the event is about"));
      return errors;
    }
    identifier(resource, "id", "resource.id", errors);
    String type = event.getValue("event_type") instanceof String t ? t : "";
    switch (type) {
      case PayPalFacts.ORDER_APPROVED -> {
        Object units = resource.getValue("purchase_units");
        if (units != null
            && !(units instanceof JsonArray list
                && list.stream().allMatch(u -> u instanceof JsonObject))) {
          errors.add(new FieldError("resource.purchase_units", "must be a list of objects"));
        }
      }
      case PayPalFacts.CAPTURE_COMPLETED,
          PayPalFacts.CAPTURE_DENIED,
          PayPalFacts.CAPTURE_REFUNDED -> {
        texts(resource, List.of("custom_id", "invoice_id", "status"), errors);
        amount(resource, errors);
        Object extra = resource.getValue("supplementary_data");
        if (extra != null
            && !(extra instanceof JsonObject s
                && (s.getValue("related_ids") == null
                    || (s.getValue("related_ids") instanceof JsonObject r
                        && (r.getValue("order_id") == null
                            || r.getValue("order_id") instanceof String))))) {
          errors.add(
              new FieldError(
                  "resource.supplementary_data", "must name the related order id as a text"));
        }
        Object links = resource.getValue("links");
        if (links != null
            && !(links instanceof JsonArray list
                && list.stream()
                    .allMatch(
                        l ->
                            l instanceof JsonObject o
                                && (o.getValue("rel") == null
                                    || o.getValue("rel") instanceof String)
                                && (o.getValue("href") == null
                                    || o.getValue("href") instanceof String)))) {
          errors.add(new FieldError("resource.links", "must be a list of links"));
        }
      }
      default -> {}
    }
    return errors;
  }

  private static void identifier(JsonObject o, String key, String field, List<FieldError> errors) {
    if (!(o.getValue(key) instanceof String s) || s.isBlank() || s.length() > MAX_ID) {
      errors.add(new FieldError(field, "must be a text of 1 to " + MAX_ID + " characters"));
    }
  }

  private static void texts(JsonObject o, List<String> keys, List<FieldError> errors) {
    for (String key : keys) {
      if (o.getValue(key) != null && !(o.getValue(key) instanceof String)) {
        errors.add(new FieldError("resource." + key, "must be a text"));
      }
    }
  }

  private static void amount(JsonObject o, List<FieldError> errors) {
    Object amount = o.getValue("amount");
    if (amount == null) {
      return;
    }
    if (!(amount instanceof JsonObject a)
        || !(a.getValue("currency_code") instanceof String code && CURRENCY.matcher(code).matches())
        || !(a.getValue("value") instanceof String value)
        || PayPalAmounts.toMinor(value, code) == null) {
      errors.add(
          new FieldError(
              "resource.amount",
              "must be PayPal money: an upper-case currency_code and a decimal value"));
    }
  }
}
