package io.emporium.ordering;

import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallerSignature;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.ordering.grpc.DiscountRpcs;
import io.emporium.ordering.grpc.OrderingRpcs;
import io.emporium.ordering.store.CartStore;
import io.emporium.ordering.store.DiscountStore;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;

/** The ordering service: owns the {@code ordering} schema and serves {@code emporium.ordering.v1} over gRPC. */
public final class OrderVerticle extends ServiceVerticle {
  private GrpcClient grpc;
  private GrpcCalls catalog;

  public OrderVerticle(EmporiumConfig config) {
    super(config, "ordering", EmporiumConfig.Service.ORDERING, OrderingGrpcService.SERVICE_NAME);
  }

  @Override
  protected Future<?> startBackground() {
    grpc = GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true));
    EmporiumConfig.GrpcPeer peer = config.grpc.get(EmporiumConfig.Service.CATALOG);
    catalog = new GrpcCalls(grpc, SocketAddress.inetSocketAddress(peer.peerPort(), peer.host()), "catalog", config.grpcDeadline,
        new CallerSignature(config.jwtSecret));
    return Future.succeededFuture();
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    DiscountStore discounts = new DiscountStore(pool);
    new OrderingRpcs(new CartStore(pool), discounts, catalog).bind(endpoints);
    new DiscountRpcs(discounts).bind(endpoints);
  }

  @Override
  protected Future<?> stopBackground() {
    return grpc == null ? Future.succeededFuture() : grpc.close();
  }
}
