package io.emporium.edge.http.shop;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.OrderJson;
import io.emporium.proto.ordering.v1.ListOrdersRequest;
import io.emporium.proto.ordering.v1.OrderRef;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /orders}: a customer's orders, one order for its customer, a seller of its items (their
 * share), an admin, or a guest holding its {@code X-Order-Token}, and cancelling one; the ordering
 * service decides what each caller is shown and may do.
 */
public final class OrderRoutes {
  static final String ORDER_TOKEN = "X-Order-Token";

  private final GrpcCalls ordering;

  public OrderRoutes(GrpcCalls ordering) {
    this.ordering = ordering;
  }

  public void mount(Router api) {
    api.get("/orders").handler(Endpoint.of(this::list));
    api.post("/orders/:id/cancel")
        .handler(
            Endpoint.of(
                ctx ->
                    ordering
                        .call(
                            OrderingGrpcClient.CancelOrder,
                            OrderRef.newBuilder().setId(ctx.pathParam("id")).build(),
                            Authn.callContext(ctx))
                        .map(o -> Reply.ok(OrderJson.of(o)))));
    api.get("/orders/:id")
        .handler(
            Endpoint.of(
                ctx ->
                    ordering
                        .call(OrderingGrpcClient.GetOrder, ref(ctx), Authn.callContext(ctx))
                        .map(o -> Reply.ok(OrderJson.of(o)))));
  }

  /**
   * The order a read names, with the guest's order token when one is sent. A guest's cart token
   * never reads an order: without an order token it is 404, as for a wrong one.
   */
  static OrderRef ref(RoutingContext ctx) {
    String token = ctx.request().getHeader(ORDER_TOKEN);
    String id = ctx.pathParam("id");
    if (token == null || token.isBlank()) {
      if (!Authn.callContext(ctx).authenticated()
          && ctx.request().getHeader(CartRoutes.CART_TOKEN) != null) {
        throw ApiProblem.notFound("No order " + id + ".");
      }
      return OrderRef.newBuilder().setId(id).build();
    }
    return OrderRef.newBuilder().setId(id).setOrderToken(token.strip()).build();
  }

  Future<Reply> list(RoutingContext ctx) {
    Authn.caller(ctx);
    return Paging.page(
            ctx,
            Set.of("limit", "cursor"),
            (limit, cursor) ->
                ordering.call(
                    OrderingGrpcClient.ListOrders,
                    ListOrdersRequest.newBuilder().setLimit(limit).setCursor(cursor).build(),
                    Authn.callContext(ctx)))
        .map(page -> Reply.ok(OrderJson.page(page)));
  }
}
