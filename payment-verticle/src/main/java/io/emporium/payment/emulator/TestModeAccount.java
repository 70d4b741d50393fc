package io.emporium.payment.emulator;

import io.vertx.core.json.JsonObject;

/**
 * The emulated Stripe account's objects, in memory only: each kind keeps what was created in the
 * retention window (at most {@code capacity} of a kind). Confined to the emulator's event loop.
 */
final class TestModeAccount {
  final RecentObjects<CheckoutSession> sessions;
  final RecentObjects<PaymentIntent> intents;
  final RecentObjects<Charge> charges;
  final RecentObjects<Refund> refunds;

  TestModeAccount(int capacity) {
    sessions = new RecentObjects<>(capacity, s -> s.created);
    intents = new RecentObjects<>(capacity, i -> i.created);
    charges = new RecentObjects<>(capacity, c -> c.created);
    refunds = new RecentObjects<>(capacity, Refund::created);
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
    Object found = id.startsWith("cs_") ? sessions.get(id)
        : id.startsWith("pi_") ? intents.get(id)
        : id.startsWith("ch_") ? charges.get(id)
        : id.startsWith("re_") ? refunds.get(id)
        : null;
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
