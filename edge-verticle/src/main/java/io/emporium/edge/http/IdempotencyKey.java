package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code Idempotency-Key} header of a request that must happen once (a checkout, a payment
 * intent, a refund).
 */
public final class IdempotencyKey {
  public static final String HEADER = "Idempotency-Key";

  private IdempotencyKey() {}

  public static String of(RoutingContext ctx) {
    String key = ctx.request().getHeader(HEADER);
    if (key == null || key.isBlank()) {
      throw ApiProblem.invalid(
          HEADER,
          "header is required: a unique value per checkout, sent again unchanged on retries");
    }
    return key.strip();
  }
}
