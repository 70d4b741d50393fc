package io.emporium.edge.http.seller;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.OrderJson;
import io.emporium.proto.ordering.v1.ListOrdersRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.emporium.proto.ordering.v1.ShipOrderRequest;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /seller/orders}: the orders holding the caller's items, and shipping the caller's part of
 * one.
 */
public final class SellerOrderRoutes {
  private final GrpcCalls ordering;

  public SellerOrderRoutes(GrpcCalls ordering) {
    this.ordering = ordering;
  }

  public void mount(Router api) {
    api.get("/seller/orders").handler(Endpoint.of(this::list));
    api.post("/seller/orders/:id/ship").handler(Endpoint.of(this::ship));
  }

  Future<Reply> list(RoutingContext ctx) {
    Authn.caller(ctx);
    return Paging.page(
            ctx,
            Set.of("limit", "cursor"),
            (limit, cursor) ->
                ordering.call(
                    OrderingGrpcClient.ListSellerOrders,
                    ListOrdersRequest.newBuilder().setLimit(limit).setCursor(cursor).build(),
                    Authn.callContext(ctx)))
        .map(page -> Reply.ok(OrderJson.page(page)));
  }

  Future<Reply> ship(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    Fields f = new Fields(JsonBodies.object(ctx));
    String carrier = f.required("carrier", 100);
    String tracking = f.required("trackingNumber", 100);
    f.throwIfInvalid();
    return ordering
        .call(
            OrderingGrpcClient.ShipOrder,
            ShipOrderRequest.newBuilder()
                .setOrderId(ctx.pathParam("id"))
                .setCarrier(carrier)
                .setTrackingNumber(tracking)
                .build(),
            Authn.callContext(ctx))
        .map(o -> Reply.ok(OrderJson.of(o)));
  }
}
