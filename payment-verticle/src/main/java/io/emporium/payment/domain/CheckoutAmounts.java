package io.emporium.payment.domain;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checkout session asks Stripe to collect. The order's total is the truth: the lines go to
 * Stripe as they are when they add up to it, else (a discount, shipping or tax) one line carries
 * the total. Pure.
 */
public final class CheckoutAmounts {
  private CheckoutAmounts() {}

  public static List<FieldError> validate(CheckoutSessionRequest r) {
    List<FieldError> errors = new ArrayList<>();
    if (r.getLinesCount() == 0) {
      errors.add(new FieldError("lines", "must not be empty"));
    }
    long sum = 0;
    for (CheckoutLine line : r.getLinesList()) {
      if (line.getQuantity() < 1 || line.getUnitAmount() < 0 || line.getName().isBlank()) {
        errors.add(
            new FieldError(
                "lines", "need a name, a quantity of at least 1 and an amount of 0 or more"));
        break;
      }
      sum = Math.addExact(sum, Math.multiplyExact(line.getUnitAmount(), line.getQuantity()));
    }
    if (r.getDiscount() < 0 || r.getShipping() < 0 || r.getTax() < 0) {
      errors.add(new FieldError("total", "discount, shipping and tax must not be negative"));
    } else if (r.getTotal() != sum - r.getDiscount() + r.getShipping() + r.getTax()) {
      errors.add(
          new FieldError("total", "must equal the lines less the discount plus shipping and tax"));
    } else if (r.getTotal() < 1) {
      errors.add(new FieldError("total", "must be at least 1 minor unit"));
    }
    if (!r.getCurrency().matches("[a-z]{3}")) {
      errors.add(new FieldError("currency", "must be a lower-case ISO 4217 code"));
    }
    if (!r.getSuccessUrl().startsWith("http") || !r.getCancelUrl().startsWith("http")) {
      errors.add(
          new FieldError("successUrl", "success and cancel URLs must be absolute http(s) URLs"));
    }
    return errors;
  }

  /**
   * The lines Stripe shows and charges: the order's own, or one carrying the total when adjustments
   * apply.
   */
  public static List<CheckoutLine> linesForStripe(CheckoutSessionRequest r) {
    if (r.getDiscount() == 0 && r.getShipping() == 0 && r.getTax() == 0) {
      return r.getLinesList();
    }
    String shortId = r.getOrderId().length() > 8 ? r.getOrderId().substring(0, 8) : r.getOrderId();
    return List.of(
        CheckoutLine.newBuilder()
            .setName("Order " + shortId)
            .setUnitAmount(r.getTotal())
            .setQuantity(1)
            .build());
  }
}
