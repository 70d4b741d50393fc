package io.emporium.payment.emulator;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Stripe metadata, string keys to string values, as JSON. */
final class Metadata {
  private Metadata() {}

  static JsonObject json(Map<String, String> metadata) {
    JsonObject out = new JsonObject();
    metadata.forEach(out::put);
    return out;
  }
}
