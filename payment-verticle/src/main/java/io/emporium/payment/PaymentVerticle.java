package io.emporium.payment;

import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.ConfigException;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.payment.grpc.PaymentRpcs;
import io.emporium.payment.store.WebhookInbox;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.vertx.core.Future;

/** The payment service: owns the {@code payment} schema and serves {@code emporium.payment.v1} over gRPC. */
public final class PaymentVerticle extends ServiceVerticle {

  public PaymentVerticle(EmporiumConfig config) {
    super(config, "payment", EmporiumConfig.Service.PAYMENT, PaymentGrpcService.SERVICE_NAME);
  }

  @Override
  protected Future<?> startBackground() {
    if (config.stripeWebhookSecret == null) {
      return Future.failedFuture(new ConfigException("STRIPE_WEBHOOK_SECRET is required"));
    }
    return Future.succeededFuture();
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new PaymentRpcs(vertx, new WebhookInbox(pool), config.stripeWebhookSecret).bind(endpoints);
  }
}
