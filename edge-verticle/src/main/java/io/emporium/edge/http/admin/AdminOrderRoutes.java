package io.emporium.edge.http.admin;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.IdempotencyKey;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.OrderJson;
import io.emporium.proto.ordering.v1.ListAllOrdersRequest;
import io.emporium.proto.ordering.v1.OrderRef;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.emporium.proto.ordering.v1.RefundOrderRequest;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code /admin/orders}, and an admin's moves of an order: delivering and refunding it. */
public final class AdminOrderRoutes {
  private final GrpcCalls ordering;

  public AdminOrderRoutes(GrpcCalls ordering) {
    this.ordering = ordering;
  }

  public void mount(Router api) {
    api.get("/admin/orders").handler(Endpoint.of(this::list));
    api.post("/orders/:id/deliver")
        .handler(
            Endpoint.of(
                ctx ->
                    ordering
                        .call(
                            OrderingGrpcClient.DeliverOrder,
                            OrderRef.newBuilder().setId(ctx.pathParam("id")).build(),
                            Authn.callContext(ctx))
                        .map(o -> Reply.ok(OrderJson.of(o)))));
    api.post("/orders/:id/refund").handler(Endpoint.of(this::refund));
  }

  Future<Reply> list(RoutingContext ctx) {
    Authn.caller(ctx);
    return Paging.page(
            ctx,
            Set.of("limit", "cursor", "status"),
            (limit, cursor) ->
                ordering.call(
                    OrderingGrpcClient.ListAllOrders,
                    ListAllOrdersRequest.newBuilder()
                        .setLimit(limit)
                        .setCursor(cursor)
                        .setStatus(
                            ctx.request().getParam("status") == null
                                ? ""
                                : ctx.request().getParam("status"))
                        .build(),
                    Authn.callContext(ctx)))
        .map(page -> Reply.ok(OrderJson.page(page)));
  }

  /**
   * {@code {amount?, reason}} with an {@code Idempotency-Key}: a full or partial refund through
   * Stripe.
   */
  Future<Reply> refund(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    String key = IdempotencyKey.of(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    Long amount = f.wholeNumber("amount", 1, Long.MAX_VALUE);
    String reason = f.required("reason", 500);
    f.throwIfInvalid();
    RefundOrderRequest request =
        RefundOrderRequest.newBuilder()
            .setOrderId(ctx.pathParam("id"))
            .setAmount(amount == null ? 0 : amount)
            .setReason(reason)
            .setIdempotencyKey(key)
            .build();
    return ordering
        .call(OrderingGrpcClient.RefundOrder, request, Authn.callContext(ctx))
        .map(o -> Reply.ok(OrderJson.of(o)));
  }
}
