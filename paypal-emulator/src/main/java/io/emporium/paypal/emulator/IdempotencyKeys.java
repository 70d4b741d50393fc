package io.emporium.paypal.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * PayPal's {@code PayPal-Request-Id}: the first successful answer to a POST is kept per REST app,
 * endpoint and request id, and the same request id on that endpoint gets it again (whatever the
 * body), so a retried create, capture or refund does nothing twice. Failed answers are not kept: a
 * capture refused with {@code INSTRUMENT_DECLINED} may be tried again with the same id once the
 * payer has approved again. Confined to the emulator's event loop.
 */
final class IdempotencyKeys {
  static final int MAX_KEY_LENGTH = 108;

  record Result(int status, String body, long created) {}

  private final LinkedHashMap<String, Result> results = new LinkedHashMap<>();
  private final int capacity;
  private final StateJournal journal;

  IdempotencyKeys(int capacity, StateJournal journal) {
    this.capacity = capacity;
    this.journal = journal;
  }

  private static String key(String clientId, String endpoint, String requestId) {
    return clientId + "\n" + endpoint + "\n" + requestId;
  }

  Result replay(String clientId, String endpoint, String requestId) {
    if (requestId.length() > MAX_KEY_LENGTH) {
      throw PayPalError.invalidValue("PayPal-Request-Id", requestId, "INVALID_PARAMETER_VALUE");
    }
    return results.get(key(clientId, endpoint, requestId));
  }

  void keep(String clientId, String endpoint, String requestId, Result result) {
    String key = key(clientId, endpoint, requestId);
    put(key, result);
    journal.add(
        new JsonObject()
            .put("key", "idempotency " + key)
            .put("kind", "idempotency")
            .put("created", result.created())
            .put("idempotencyKey", key)
            .put("status", result.status())
            .put("body", result.body()));
  }

  private void put(String key, Result result) {
    results.put(key, result);
    if (results.size() > capacity) {
      Iterator<String> oldest = results.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  boolean restore(JsonObject record) {
    if (!record.getString("kind").equals("idempotency")) {
      return false;
    }
    put(
        record.getString("idempotencyKey"),
        new Result(
            record.getInteger("status"), record.getString("body"), record.getLong("created")));
    return true;
  }

  void forgetCreatedBefore(long cutoff) {
    results.values().removeIf(r -> r.created() < cutoff);
  }
}
