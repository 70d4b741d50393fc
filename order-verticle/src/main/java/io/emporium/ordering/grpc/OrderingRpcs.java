package io.emporium.ordering.grpc;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.store.CartStore;
import io.emporium.proto.ordering.v1.Cart;
import io.emporium.proto.ordering.v1.GetCartRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.vertx.core.Future;

/** The {@code emporium.ordering.v1.Ordering} service. */
public final class OrderingRpcs {
  private final CartStore carts;

  public OrderingRpcs(CartStore carts) {
    this.carts = carts;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(OrderingGrpcService.GetCart, this::getCart);
  }

  Future<Cart> getCart(CallContext caller, GetCartRequest request) {
    if (!caller.authenticated()) {
      // a guest without a cart token has not added anything yet
      return Future.succeededFuture(Cart.newBuilder().setCurrency(CartStore.DEFAULT_CURRENCY).build());
    }
    if (Ids.parse(caller.userId()) == null) {
      return Future.failedFuture(ApiProblem.badRequest("The caller id is not a user id."));
    }
    return carts.cartOf(Ids.parse(caller.userId()));
  }
}
