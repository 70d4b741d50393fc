package io.emporium.deploy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe events as tests post them to the webhook route: made up, and signed the way Stripe signs.
 */
final class StripeWebhooks {
  private StripeWebhooks() {}

  /** A {@code Stripe-Signature} header for the payload at that time with that secret. */
  static String signature(String payload, long timestamp, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "t="
          + timestamp
          + ",v1="
          + HexFormat.of()
              .formatHex(mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signed now with the platform's webhook secret. */
  static String signature(String payload) {
    return signature(payload, Instant.now().getEpochSecond(), TestPlatform.WEBHOOK_SECRET);
  }

  /** Posts the raw payload with that signature header (none when null). */
  static Api.Response deliver(Api api, String payload, String signature) {
    Map<String, String> headers =
        signature == null
            ? Map.of("Content-Type", "application/json")
            : Map.of("Content-Type", "application/json", "Stripe-Signature", signature);
    return api.raw(
        HttpMethod.POST, "/api/v1/payments/webhook", null, Buffer.buffer(payload), headers);
  }

  /** A Stripe event of that type about that object, with a fresh event id. */
  static String event(String type, JsonObject object) {
    return new JsonObject()
        .put("id", "evt_it_" + UUID.randomUUID().toString().replace("-", ""))
        .put("object", "event")
        .put("api_version", com.stripe.Stripe.API_VERSION)
        .put("created", Instant.now().getEpochSecond())
        .put("livemode", false)
        .put("pending_webhooks", 1)
        .put("type", type)
        .put("data", new JsonObject().put("object", object))
        .encode();
  }
}
