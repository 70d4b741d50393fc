package io.emporium.payment.client;

import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import io.emporium.common.problem.ApiProblem;
import java.util.List;

/**
 * What Stripe's refusals mean to our callers: what we sent is ours to fix (422); the same
 * idempotency key sent again with other amounts or details is a conflict (409); an object Stripe
 * does not have is not found (404); anything else from Stripe is a bad gateway (502).
 */
public final class StripeProblems {
  private StripeProblems() {}

  public static Throwable of(Throwable e) {
    if (e instanceof IdempotencyException) {
      return ApiProblem.conflict(
          "This order was already sent to the payment provider with other amounts or details.");
    }
    if (e instanceof InvalidRequestException invalid) {
      String message =
          invalid.getStripeError() == null
              ? invalid.getMessage()
              : invalid.getStripeError().getMessage();
      if (Integer.valueOf(404).equals(invalid.getStatusCode())) {
        return ApiProblem.notFound(message);
      }
      return ApiProblem.invalid(
          invalid.getParam() == null ? "payment" : invalid.getParam(), message);
    }
    if (e instanceof StripeException stripe) {
      return new ApiProblem(
          502,
          ApiProblem.titleFor(502),
          "The payment provider failed: " + stripe.getMessage(),
          List.of(),
          null);
    }
    return e;
  }
}
