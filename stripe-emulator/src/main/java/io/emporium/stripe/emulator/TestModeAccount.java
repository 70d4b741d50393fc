package io.emporium.stripe.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.json.JsonObject;

/**
 * The emulated Stripe account's objects: each kind keeps what was created in the retention window
 * (at most {@code capacity} of a kind); every object put or found is touched in the journal, which
 * writes its state when the operation commits. Confined to the emulator's event loop.
 */
final class TestModeAccount {
  final RecentObjects<CheckoutSession> sessions;
  final RecentObjects<PaymentIntent> intents;
  final RecentObjects<Charge> charges;
  final RecentObjects<Refund> refunds;

  TestModeAccount(int capacity, StateJournal journal) {
    sessions = new RecentObjects<>(capacity, s -> s.created, journal::touch);
    intents = new RecentObjects<>(capacity, i -> i.created, journal::touch);
    charges = new RecentObjects<>(capacity, c -> c.created, journal::touch);
    refunds = new RecentObjects<>(capacity, Refund::created, journal::touch);
    journal.recordObjectsWith(TestModeAccount::record);
  }

  /**
   * The journal record of an object: its id as key, its kind, when it was created and its state.
   */
  private static JsonObject record(Object object) {
    if (object instanceof CheckoutSession s) {
      return record(s.id, "checkout.session", s.created, s.state());
    } else if (object instanceof PaymentIntent i) {
      return record(i.id, "payment_intent", i.created, i.state());
    } else if (object instanceof Charge c) {
      return record(c.id, "charge", c.created, c.state());
    } else if (object instanceof Refund r) {
      return record(r.id(), "refund", r.created(), r.state());
    }
    return null;
  }

  private static JsonObject record(String id, String kind, long created, JsonObject state) {
    return new JsonObject()
        .put("key", id)
        .put("kind", kind)
        .put("created", created)
        .put("state", state);
  }

  /** Puts back an object from its journal record; false when the record is not an object's. */
  boolean restore(JsonObject record) {
    JsonObject state = record.getJsonObject("state");
    switch (record.getString("kind")) {
      case "checkout.session" ->
          sessions.put(record.getString("key"), CheckoutSession.restore(state));
      case "payment_intent" -> intents.put(record.getString("key"), PaymentIntent.restore(state));
      case "charge" -> charges.put(record.getString("key"), Charge.restore(state));
      case "refund" -> refunds.put(record.getString("key"), Refund.restore(state));
      default -> {
        return false;
      }
    }
    return true;
  }

  CheckoutSession session(String id) {
    CheckoutSession s = sessions.get(id);
    if (s == null) {
      throw StripeApiError.notFound("checkout.session", id, "session");
    }
    return s;
  }

  PaymentIntent intent(String id) {
    PaymentIntent i = intents.get(id);
    if (i == null) {
      throw StripeApiError.notFound("payment_intent", id, "intent");
    }
    return i;
  }

  Charge charge(String id) {
    Charge c = charges.get(id);
    if (c == null) {
      throw StripeApiError.notFound("charge", id, "charge");
    }
    return c;
  }

  Refund refund(String id) {
    Refund r = refunds.get(id);
    if (r == null) {
      throw StripeApiError.notFound("refund", id, "refund");
    }
    return r;
  }

  /** Any object by its id, for {@code expand[]}; null when the id names nothing held. */
  JsonObject find(String id) {
    if (id == null) {
      return null;
    }
    Object found =
        id.startsWith("cs_")
            ? sessions.get(id)
            : id.startsWith("pi_")
                ? intents.get(id)
                : id.startsWith("ch_")
                    ? charges.get(id)
                    : id.startsWith("re_") ? refunds.get(id) : null;
    if (found instanceof CheckoutSession s) {
      return s.toJson();
    } else if (found instanceof PaymentIntent i) {
      return i.toJson();
    } else if (found instanceof Charge c) {
      return c.toJson();
    } else if (found instanceof Refund r) {
      return r.toJson();
    }
    return null;
  }

  void forgetCreatedBefore(long cutoff) {
    sessions.forgetCreatedBefore(cutoff);
    intents.forgetCreatedBefore(cutoff);
    charges.forgetCreatedBefore(cutoff);
    refunds.forgetCreatedBefore(cutoff);
  }
}
