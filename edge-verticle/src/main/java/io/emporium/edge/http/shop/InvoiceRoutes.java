package io.emporium.edge.http.shop;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.identity.domain.User;
import io.emporium.edge.identity.store.UserStore;
import io.emporium.proto.ordering.v1.InvoiceRequest;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.emporium.proto.ordering.v1.OrderRef;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code /orders/{id}/invoice}: a paid order's PDF for its customer, a guest holding its {@code
 * X-Order-Token}, or an admin. Ordering renders it; the people on it (the sellers' display names,
 * the buyer's email) are known here, so the order is read first to name them.
 */
public final class InvoiceRoutes {
  private final GrpcCalls ordering;
  private final UserStore users;

  public InvoiceRoutes(GrpcCalls ordering, UserStore users) {
    this.ordering = ordering;
    this.users = users;
  }

  public void mount(Router api) {
    api.get("/orders/:id/invoice").handler(this::serve);
  }

  /** The bytes go out as the PDF they are, as images do; failures become problem documents. */
  void serve(RoutingContext ctx) {
    OrderRef ref = OrderRoutes.ref(ctx);
    if (ref.getOrderToken().isEmpty()) {
      Authn.caller(ctx);
    }
    CallContext caller = Authn.callContext(ctx);
    ordering
        .call(OrderingGrpcClient.GetOrder, ref, caller)
        .compose(order -> request(order, ref.getOrderToken()))
        .compose(request -> ordering.call(OrderingGrpcClient.GetInvoice, request, caller))
        .onFailure(ctx::fail)
        .onSuccess(
            invoice ->
                ctx.response()
                    .putHeader("Content-Type", "application/pdf")
                    .putHeader(
                        "Content-Disposition",
                        "attachment; filename=\"" + invoice.getFileName() + "\"")
                    .putHeader("Cache-Control", "private, no-store")
                    .end(Buffer.buffer(invoice.getPdf().toByteArray())));
  }

  /**
   * What ordering needs besides the order: who sold its lines and where the buyer is written to.
   */
  private Future<InvoiceRequest> request(Order order, String orderToken) {
    List<UUID> sellers =
        order.getItemsList().stream()
            .map(OrderItem::getSellerId)
            .map(Ids::parse)
            .filter(Objects::nonNull)
            .distinct()
            .toList();
    UUID customer = Ids.parse(order.getCustomerId());
    // a guest order not yet claimed by an account is written to the guest's email
    Future<String> email =
        customer == null
            ? Future.succeededFuture(order.getGuestEmail())
            : users.byId(customer).map(found -> found.map(User::email).orElse(""));
    return users
        .names(sellers)
        .compose(
            names ->
                email.map(
                    buyerEmail -> {
                      InvoiceRequest.Builder request =
                          InvoiceRequest.newBuilder()
                              .setOrderId(order.getId())
                              .setOrderToken(orderToken)
                              .setBuyerEmail(buyerEmail);
                      names.forEach((id, name) -> request.putSellerNames(id.toString(), name));
                      return request.build();
                    }));
  }
}
