package io.emporium.edge.http.admin;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.proto.ordering.v1.Discount;
import io.emporium.proto.ordering.v1.DiscountRef;
import io.emporium.proto.ordering.v1.ListDiscountsRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.emporium.proto.ordering.v1.SaveDiscountRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /admin/discounts}: discount codes, for admins; the ordering service owns them and their
 * rules.
 */
public final class DiscountRoutes {
  private static final long MAX_MONEY = 100_000_000_00L;
  private static final int MAX_COUNT = 100_000_000;
  private final GrpcCalls ordering;

  public DiscountRoutes(GrpcCalls ordering) {
    this.ordering = ordering;
  }

  public void mount(Router api) {
    api.get("/admin/discounts").handler(Endpoint.of(this::list));
    api.post("/admin/discounts")
        .handler(Endpoint.of(ctx -> save(ctx, "").map(d -> Reply.created(json(d)))));
    api.get("/admin/discounts/:id")
        .handler(
            Endpoint.of(
                ctx -> {
                  Authn.requireRole(ctx, "admin");
                  Paging.params(ctx, Set.of());
                  return ordering
                      .call(
                          OrderingGrpcClient.GetDiscount,
                          DiscountRef.newBuilder().setId(ctx.pathParam("id")).build(),
                          Authn.callContext(ctx))
                      .map(d -> Reply.ok(json(d)));
                }));
    api.patch("/admin/discounts/:id")
        .handler(Endpoint.of(ctx -> save(ctx, ctx.pathParam("id")).map(d -> Reply.ok(json(d)))));
    api.delete("/admin/discounts/:id")
        .handler(
            Endpoint.of(
                ctx -> {
                  Authn.requireRole(ctx, "admin");
                  return ordering
                      .call(
                          OrderingGrpcClient.DeleteDiscount,
                          DiscountRef.newBuilder().setId(ctx.pathParam("id")).build(),
                          Authn.callContext(ctx))
                      .map(d -> Reply.noContent());
                }));
  }

  /** Every live code at once (there are few): no paging, so no query parameters. */
  Future<Reply> list(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    Paging.params(ctx, Set.of());
    return ordering
        .call(
            OrderingGrpcClient.ListDiscounts,
            ListDiscountsRequest.getDefaultInstance(),
            Authn.callContext(ctx))
        .map(
            all -> {
              JsonArray items = new JsonArray();
              all.getDiscountsList().forEach(d -> items.add(json(d)));
              return Reply.ok(new JsonObject().put("items", items).putNull("nextCursor"));
            });
  }

  /** Creates (every required field) or changes (only the fields given) a code. */
  Future<Discount> save(RoutingContext ctx, String id) {
    Authn.requireRole(ctx, "admin");
    JsonObject body = JsonBodies.object(ctx);
    Fields f = new Fields(body);
    boolean creating = id.isEmpty();
    SaveDiscountRequest.Builder request = SaveDiscountRequest.newBuilder().setId(id);
    Discount.Builder v = Discount.newBuilder();
    if (creating || body.containsKey("code")) {
      v.setCode(orEmpty(f.required("code", 100)));
      request.addFields("code");
    }
    if (creating || body.containsKey("type")) {
      v.setType(orEmpty(f.required("type", 20)));
      request.addFields("type");
    }
    if (creating || body.containsKey("value")) {
      Long value = f.wholeNumber("value", -MAX_MONEY, MAX_MONEY);
      f.check("value", value != null || f.hasError("value"), "is required");
      v.setValue(value == null ? 0 : value);
      request.addFields("value");
    }
    if (body.containsKey("currency")) {
      v.setCurrency(orEmpty(f.required("currency", 10)));
      request.addFields("currency");
    }
    if (body.containsKey("minSubtotal")) {
      Long min = f.wholeNumber("minSubtotal", -MAX_MONEY, MAX_MONEY);
      v.setMinSubtotal(min == null ? 0 : min);
      request.addFields("minSubtotal");
    }
    if (body.containsKey("startsAt")) {
      v.setStartsAt(orEmpty(f.optional("startsAt", 64)));
      request.addFields("startsAt");
    }
    if (body.containsKey("endsAt")) {
      v.setEndsAt(orEmpty(f.optional("endsAt", 64)));
      request.addFields("endsAt");
    }
    if (body.containsKey("maxUses")) {
      Integer max = f.integer("maxUses", -MAX_COUNT, MAX_COUNT);
      if (max != null) {
        v.setMaxUses(max);
      }
      request.addFields("maxUses");
    }
    if (body.containsKey("perUserLimit")) {
      Integer limit = f.integer("perUserLimit", -MAX_COUNT, MAX_COUNT);
      if (limit != null) {
        v.setPerUserLimit(limit);
      }
      request.addFields("perUserLimit");
    }
    f.forbid("uses", "is counted by checkout");
    f.forbid("id", "is assigned");
    f.throwIfInvalid();
    return ordering.call(
        OrderingGrpcClient.SaveDiscount, request.setValues(v).build(), Authn.callContext(ctx));
  }

  static JsonObject json(Discount d) {
    return new JsonObject()
        .put("id", d.getId())
        .put("code", d.getCode())
        .put("type", d.getType())
        .put("value", d.getValue())
        .put("currency", d.getCurrency())
        .put("minSubtotal", d.getMinSubtotal())
        .put("startsAt", d.getStartsAt().isEmpty() ? null : d.getStartsAt())
        .put("endsAt", d.getEndsAt().isEmpty() ? null : d.getEndsAt())
        .put("maxUses", d.hasMaxUses() ? d.getMaxUses() : null)
        .put("perUserLimit", d.hasPerUserLimit() ? d.getPerUserLimit() : null)
        .put("uses", d.getUses())
        .put("createdAt", d.getCreatedAt());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
