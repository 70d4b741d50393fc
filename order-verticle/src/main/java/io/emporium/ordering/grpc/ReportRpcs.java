package io.emporium.ordering.grpc;

import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.store.SalesStore;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.emporium.proto.ordering.v1.SalesWindow;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Admin sales figures of {@code emporium.ordering.v1.Ordering}. */
public final class ReportRpcs {
  private static final Set<String> PERIODS = Set.of("day", "week", "month");
  private final SalesStore sales;

  public ReportRpcs(SalesStore sales) {
    this.sales = sales;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(
        OrderingGrpcService.SalesSummary,
        (caller, window) -> {
          caller.requireRole("admin");
          return sales.summary(instant("from", window.getFrom()), until(window));
        });
    endpoints.unary(
        OrderingGrpcService.SalesReport,
        (caller, request) -> {
          caller.requireRole("admin");
          if (!PERIODS.contains(request.getGroupBy())) {
            throw ApiProblem.invalid("groupBy", "must be one of day, week, month");
          }
          if (!request.getCurrency().matches("[a-z]{3}")) {
            throw ApiProblem.invalid("currency", "must be a lower-case ISO 4217 code");
          }
          return sales.report(
              instant("from", request.getWindow().getFrom()),
              until(request.getWindow()),
              request.getGroupBy(),
              request.getCurrency());
        });
  }

  private static OffsetDateTime until(SalesWindow window) {
    OffsetDateTime from = instant("from", window.getFrom());
    OffsetDateTime to = instant("to", window.getTo());
    if (to.isBefore(from)) {
      throw ApiProblem.invalid("to", "must not be before from");
    }
    return to;
  }

  private static OffsetDateTime instant(String field, String raw) {
    try {
      return OffsetDateTime.parse(raw).withOffsetSameInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(field, "must be an RFC 3339 instant");
    }
  }
}
