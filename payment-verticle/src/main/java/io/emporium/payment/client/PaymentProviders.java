package io.emporium.payment.client;

import io.emporium.common.problem.ApiProblem;
import java.util.Map;

/** The providers the service pays through, by the name the ledger and requests give them. */
public final class PaymentProviders {
  private final Map<String, PaymentProvider> byName;

  public PaymentProviders(PaymentProvider stripe, PaymentProvider paypal) {
    this.byName = Map.of(stripe.name(), stripe, paypal.name(), paypal);
  }

  /** The provider named {@code name}; Stripe when it is empty (callers from before PayPal). */
  public PaymentProvider of(String name) {
    PaymentProvider provider =
        byName.get(name == null || name.isEmpty() ? PaymentProvider.STRIPE : name);
    if (provider == null) {
      throw ApiProblem.invalid("provider", "must be stripe or paypal");
    }
    return provider;
  }
}
