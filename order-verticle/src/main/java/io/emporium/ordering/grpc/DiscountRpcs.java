package io.emporium.ordering.grpc;

import io.emporium.common.Ids;
import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.DiscountRules;
import io.emporium.ordering.store.DiscountStore;
import io.emporium.proto.ordering.v1.Discount;
import io.emporium.proto.ordering.v1.DiscountList;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.emporium.proto.ordering.v1.SaveDiscountRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/** Discount codes of {@code emporium.ordering.v1.Ordering}: admins manage them. */
public final class DiscountRpcs {
  private final AuditTrail audit = new AuditTrail("ordering");
  private final DiscountStore discounts;

  public DiscountRpcs(DiscountStore discounts) {
    this.discounts = discounts;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(
        OrderingGrpcService.ListDiscounts,
        (caller, r) -> {
          caller.requireRole("admin");
          return discounts
              .list()
              .map(all -> DiscountList.newBuilder().addAllDiscounts(all).build());
        });
    endpoints.unary(
        OrderingGrpcService.GetDiscount,
        (caller, r) -> {
          caller.requireRole("admin");
          return discounts
              .find(id(r.getId()))
              .map(found -> found.orElseThrow(() -> missing(r.getId())));
        });
    endpoints.unary(
        OrderingGrpcService.DeleteDiscount,
        (caller, r) -> {
          caller.requireRole("admin");
          return discounts
              .delete(id(r.getId()), audited(caller))
              .map(found -> found.orElseThrow(() -> missing(r.getId())));
        });
    endpoints.unary(OrderingGrpcService.SaveDiscount, this::save);
  }

  Future<Discount> save(CallContext caller, SaveDiscountRequest request) {
    caller.requireRole("admin");
    boolean creating = request.getId().isEmpty();
    Future<Discount> base =
        creating
            ? Future.succeededFuture(Discount.newBuilder().setCurrency("usd").build())
            : discounts
                .find(id(request.getId()))
                .map(found -> found.orElseThrow(() -> missing(request.getId())));
    return base.compose(
        current -> {
          Discount merged = merge(current, request);
          List<ApiProblem.FieldError> errors = DiscountRules.validate(merged);
          if (!errors.isEmpty()) {
            return Future.failedFuture(ApiProblem.invalid(errors));
          }
          return discounts
              .save(creating ? null : UUID.fromString(current.getId()), merged, audited(caller))
              .map(saved -> saved.orElseThrow(() -> missing(request.getId())));
        });
  }

  /** The admin's change of a code, in the audit log. */
  private DiscountStore.Audited audited(CallContext caller) {
    return (tx, action, discountId, before, after) ->
        audit.record(tx, caller, action, "discount", discountId, before, after);
  }

  private static Discount merge(Discount current, SaveDiscountRequest request) {
    Discount v = request.getValues();
    Discount.Builder d = current.toBuilder();
    for (String field : request.getFieldsList()) {
      switch (field) {
        case "code" -> d.setCode(DiscountRules.normalize(v.getCode()));
        case "type" -> d.setType(v.getType());
        case "value" -> d.setValue(v.getValue());
        case "currency" -> d.setCurrency(v.getCurrency());
        case "minSubtotal" -> d.setMinSubtotal(v.getMinSubtotal());
        case "startsAt" -> d.setStartsAt(v.getStartsAt());
        case "endsAt" -> d.setEndsAt(v.getEndsAt());
        case "maxUses" -> {
          if (v.hasMaxUses()) {
            d.setMaxUses(v.getMaxUses());
          } else {
            d.clearMaxUses();
          }
        }
        case "perUserLimit" -> {
          if (v.hasPerUserLimit()) {
            d.setPerUserLimit(v.getPerUserLimit());
          } else {
            d.clearPerUserLimit();
          }
        }
        default -> throw ApiProblem.invalid(field, "cannot be changed");
      }
    }
    return d.build();
  }

  private static UUID id(String raw) {
    UUID id = Ids.parse(raw);
    if (id == null) {
      throw missing(raw);
    }
    return id;
  }

  private static ApiProblem missing(String id) {
    return ApiProblem.notFound("No discount " + id + ".");
  }
}
