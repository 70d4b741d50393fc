package io.emporium.ordering;

import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.ordering.grpc.OrderingRpcs;
import io.emporium.ordering.store.CartStore;
import io.emporium.proto.ordering.v1.OrderingGrpcService;

/** The ordering service: owns the {@code ordering} schema and serves {@code emporium.ordering.v1} over gRPC. */
public final class OrderVerticle extends ServiceVerticle {

  public OrderVerticle(EmporiumConfig config) {
    super(config, "ordering", EmporiumConfig.Service.ORDERING, OrderingGrpcService.SERVICE_NAME);
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new OrderingRpcs(new CartStore(pool)).bind(endpoints);
  }
}
