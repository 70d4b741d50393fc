package io.emporium.payment.emulator;

import io.vertx.core.json.JsonObject;

/**
 * Stripe's {@code Idempotency-Key}: the first result of a POST is kept per API key and idempotency
 * key; the same key with the same endpoint and parameters gets that result again, anything else
 * with that key is a 400 {@code idempotency_error}. Confined to the emulator's event loop.
 */
final class IdempotencyKeys {
  static final int MAX_KEY_LENGTH = 255;

  /** A kept result. */
  record Result(String endpoint, JsonObject params, int status, String body, long created) {}

  private final RecentObjects<Result> results;

  IdempotencyKeys(int capacity) {
    this.results = new RecentObjects<>(capacity, Result::created);
  }

  /** The kept result for a repeated request; null for a key not seen; fails when the key was used for another request. */
  Result replay(String account, String key, String endpoint, JsonObject params) {
    if (key.length() > MAX_KEY_LENGTH) {
      throw StripeApiError.invalidRequest("Idempotency-Key must be at most " + MAX_KEY_LENGTH + " characters long.", null,
          "idempotency_key_too_long");
    }
    Result kept = results.get(account + "\n" + key);
    if (kept == null) {
      return null;
    }
    if (!kept.endpoint().equals(endpoint) || !kept.params().equals(params)) {
      throw StripeApiError.idempotency("Keys for idempotent requests can only be used with the same parameters they were first used with. "
          + "Try using a key other than '" + key + "' if you meant to execute a different request.");
    }
    return kept;
  }

  void keep(String account, String key, Result result) {
    results.put(account + "\n" + key, result);
  }

  void forgetCreatedBefore(long cutoff) {
    results.forgetCreatedBefore(cutoff);
  }
}
