package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonObject;

/**
 * The API request that caused a change, as events name it; {@link #NONE} for the hosted page and
 * the expiry sweeper.
 */
record ApiRequest(String id, String idempotencyKey) {
  static final ApiRequest NONE = new ApiRequest(null, null);

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("idempotency_key", idempotencyKey);
  }
}
