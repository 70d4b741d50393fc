package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of decoded request parameters, failing as Stripe does and naming the parameter in its
 * bracket form ({@code line_items[0][quantity]}). An empty value counts as absent, as in Stripe.
 */
final class StripeParams {
  private static final int METADATA_KEYS = 50;
  private static final int METADATA_KEY_LENGTH = 40;
  private static final int METADATA_VALUE_LENGTH = 500;

  private final JsonObject values;
  private final String prefix;

  StripeParams(JsonObject values) {
    this(values, "");
  }

  private StripeParams(JsonObject values, String prefix) {
    this.values = values;
    this.prefix = prefix;
  }

  String name(String key) {
    return prefix.isEmpty() ? key : prefix + "[" + key + "]";
  }

  boolean has(String key) {
    Object v = values.getValue(key);
    return v != null && !"".equals(v);
  }

  String text(String key) {
    Object v = values.getValue(key);
    if (v == null || "".equals(v)) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw StripeApiError.invalidRequest(
          "Invalid string: " + name(key) + " must be a string",
          name(key),
          "parameter_invalid_string");
    }
    return s;
  }

  String requiredText(String key) {
    String v = text(key);
    if (v == null) {
      throw StripeApiError.missingParam(name(key));
    }
    return v;
  }

  Long integer(String key) {
    String v = text(key);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw StripeApiError.invalidRequest(
          "Invalid integer: " + v, name(key), "parameter_invalid_integer");
    }
  }

  long requiredInteger(String key) {
    Long v = integer(key);
    if (v == null) {
      throw StripeApiError.missingParam(name(key));
    }
    return v;
  }

  /** A positive amount in minor units. */
  long amount(String key) {
    long v = requiredInteger(key);
    if (v < 1) {
      throw StripeApiError.invalidRequest(
          "This value must be greater than or equal to 1.", name(key), "parameter_invalid_integer");
    }
    return v;
  }

  boolean bool(String key, boolean fallback) {
    String v = text(key);
    if (v == null) {
      return fallback;
    }
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw StripeApiError.invalidRequest(
              "Invalid boolean: " + v, name(key), "parameter_invalid_string");
    };
  }

  /** A three-letter ISO currency, lower-cased as Stripe stores it. */
  String currency(String key) {
    String v = requiredText(key).toLowerCase(Locale.ROOT);
    if (!v.matches("[a-z]{3}")) {
      throw StripeApiError.invalidRequest(
          "Invalid currency: "
              + v
              + ". Stripe currently supports these currencies: usd, eur, gbp, ...",
          name(key),
          "parameter_invalid_string");
    }
    return v;
  }

  /** A nested object; null when absent. */
  StripeParams object(String key) {
    Object v = values.getValue(key);
    if (v == null || "".equals(v)) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw StripeApiError.invalidRequest(
          "Invalid object: " + name(key) + " must be a hash",
          name(key),
          "parameter_invalid_string");
    }
    return new StripeParams(o, name(key));
  }

  /** A list of objects ({@code line_items[0][...]}); empty when absent. */
  List<StripeParams> objects(String key) {
    Object v = values.getValue(key);
    List<StripeParams> out = new ArrayList<>();
    if (v == null || "".equals(v)) {
      return out;
    }
    if (!(v instanceof JsonArray array)) {
      throw StripeApiError.invalidRequest(
          "Invalid array: " + name(key) + " must be an array",
          name(key),
          "parameter_invalid_array");
    }
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw StripeApiError.invalidRequest(
            "Invalid object: " + name(key) + "[" + i + "] must be a hash",
            name(key) + "[" + i + "]",
            "parameter_invalid_string");
      }
      out.add(new StripeParams(o, name(key) + "[" + i + "]"));
    }
    return out;
  }

  /** A list of strings ({@code expand[]=a}); empty when absent. */
  List<String> texts(String key) {
    Object v = values.getValue(key);
    List<String> out = new ArrayList<>();
    if (v == null || "".equals(v)) {
      return out;
    }
    if (!(v instanceof JsonArray array)) {
      throw StripeApiError.invalidRequest(
          "Invalid array: " + name(key) + " must be an array",
          name(key),
          "parameter_invalid_array");
    }
    for (Object item : array) {
      if (!(item instanceof String s)) {
        throw StripeApiError.invalidRequest(
            "Invalid array: " + name(key) + " must hold strings",
            name(key),
            "parameter_invalid_array");
      }
      out.add(s);
    }
    return out;
  }

  /** Stripe's metadata rules: at most 50 keys, keys up to 40 and values up to 500 characters. */
  Map<String, String> metadata(String key) {
    StripeParams m = object(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (m == null) {
      return out;
    }
    for (String k : m.values.fieldNames()) {
      String v = m.text(k);
      if (v == null) {
        continue;
      }
      if (k.length() > METADATA_KEY_LENGTH || v.length() > METADATA_VALUE_LENGTH) {
        throw StripeApiError.invalidRequest(
            "Metadata keys can be up to "
                + METADATA_KEY_LENGTH
                + " characters long and values up to "
                + METADATA_VALUE_LENGTH
                + " characters long.",
            m.name(k),
            "parameter_invalid_string");
      }
      out.put(k, v);
    }
    if (out.size() > METADATA_KEYS) {
      throw StripeApiError.invalidRequest(
          "Metadata can have up to " + METADATA_KEYS + " keys.",
          name(key),
          "parameter_invalid_string");
    }
    return out;
  }
}
