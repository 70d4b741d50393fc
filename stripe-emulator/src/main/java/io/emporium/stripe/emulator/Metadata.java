package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stripe metadata, string keys to string values, as JSON. */
final class Metadata {
  private Metadata() {}

  static JsonObject json(Map<String, String> metadata) {
    JsonObject out = new JsonObject();
    metadata.forEach(out::put);
    return out;
  }

  static Map<String, String> map(JsonObject json) {
    Map<String, String> out = new LinkedHashMap<>();
    json.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    return out;
  }
}
