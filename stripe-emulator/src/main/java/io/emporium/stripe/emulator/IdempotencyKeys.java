package io.emporium.stripe.emulator;

import io.emporium.emulator.StateJournal;
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
  private final StateJournal journal;

  IdempotencyKeys(int capacity, StateJournal journal) {
    this.results = new RecentObjects<>(capacity, Result::created);
    this.journal = journal;
  }

  /**
   * The kept result for a repeated request; null for a key not seen; fails when the key was used
   * for another request.
   */
  Result replay(String account, String key, String endpoint, JsonObject params) {
    if (key.length() > MAX_KEY_LENGTH) {
      throw StripeApiError.invalidRequest(
          "Idempotency-Key must be at most " + MAX_KEY_LENGTH + " characters long.",
          null,
          "idempotency_key_too_long");
    }
    Result kept = results.get(account + "\n" + key);
    if (kept == null) {
      return null;
    }
    if (!kept.endpoint().equals(endpoint) || !kept.params().equals(params)) {
      throw StripeApiError.idempotency(
          "Keys for idempotent requests can only be used with the same parameters they were first used with. "
              + "Try using a key other than '"
              + key
              + "' if you meant to execute a different request.");
    }
    return kept;
  }

  void keep(String account, String key, Result result) {
    results.put(account + "\n" + key, result);
    journal.add(
        new JsonObject()
            .put("key", "idempotency " + account + "\n" + key)
            .put("kind", "idempotency")
            .put("created", result.created())
            .put("account", account)
            .put("idempotencyKey", key)
            .put("endpoint", result.endpoint())
            .put("params", result.params())
            .put("status", result.status())
            .put("body", result.body()));
  }

  /** Puts back a kept result from its journal record; false when the record is not one. */
  boolean restore(JsonObject record) {
    if (!record.getString("kind").equals("idempotency")) {
      return false;
    }
    results.put(
        record.getString("account") + "\n" + record.getString("idempotencyKey"),
        new Result(
            record.getString("endpoint"),
            record.getJsonObject("params"),
            record.getInteger("status"),
            record.getString("body"),
            record.getLong("created")));
    return true;
  }

  void forgetCreatedBefore(long cutoff) {
    results.forgetCreatedBefore(cutoff);
  }
}
