package io.emporium.edge.http.admin;

import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.identity.store.UserStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ListLowStockRequest;
import io.emporium.proto.catalog.v1.LowStockList;
import io.emporium.proto.ordering.v1.CurrencyRevenue;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.emporium.proto.ordering.v1.ProductSales;
import io.emporium.proto.ordering.v1.SalesPeriod;
import io.emporium.proto.ordering.v1.SalesReportReply;
import io.emporium.proto.ordering.v1.SalesReportRequest;
import io.emporium.proto.ordering.v1.SalesSummaryReply;
import io.emporium.proto.ordering.v1.SalesWindow;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code /admin/dashboard} and {@code /admin/reports/sales}: ordering and catalog compute their
 * figures over gRPC, new users come from the edge's own identity schema; everything in UTC.
 */
public final class AdminReportRoutes {
  private static final List<String> STATUSES =
      List.of(
          "pending_payment", "paid", "processing", "shipped", "delivered", "cancelled", "refunded");
  private static final Set<String> GROUPS = Set.of("day", "week", "month");
  private static final Set<String> FORMATS = Set.of("json", "csv");
  private static final List<String> CSV_COLUMNS =
      List.of(
          "period (UTC)",
          "currency",
          "orders",
          "units",
          "gross",
          "discounts",
          "refunds",
          "net",
          "shipping",
          "tax");
  private final GrpcCalls ordering;
  private final GrpcCalls catalog;
  private final UserStore users;
  private final Clock clock;

  public AdminReportRoutes(GrpcCalls ordering, GrpcCalls catalog, UserStore users, Clock clock) {
    this.ordering = ordering;
    this.catalog = catalog;
    this.users = users;
    this.clock = clock;
  }

  public void mount(Router api) {
    api.get("/admin/dashboard").handler(Endpoint.of(this::dashboard));
    api.get("/admin/reports/sales").handler(this::sales);
  }

  Future<Reply> dashboard(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    ReportWindow window = ReportWindow.of(Paging.params(ctx, Set.of("from", "to")), clock);
    CallContext caller = Authn.callContext(ctx);
    Future<SalesSummaryReply> sales =
        ordering.call(OrderingGrpcClient.SalesSummary, salesWindow(window), caller);
    Future<LowStockList> lowStock =
        catalog.call(
            CatalogGrpcClient.ListLowStock,
            ListLowStockRequest.newBuilder().setLimit(50).build(),
            caller);
    Future<List<UserStore.DayCount>> newUsers = users.newPerDay(window.from(), window.to());
    return Future.all(sales, lowStock, newUsers)
        .map(
            x -> {
              SalesSummaryReply s = sales.result();
              JsonArray revenue = new JsonArray();
              s.getRevenueList().forEach(r -> revenue.add(revenue(r)));
              JsonObject byStatus = new JsonObject();
              STATUSES.forEach(
                  status -> byStatus.put(status, s.getOrdersByStatusOrDefault(status, 0)));
              JsonArray low = new JsonArray();
              lowStock
                  .result()
                  .getVariantsList()
                  .forEach(
                      v ->
                          low.add(
                              new JsonObject()
                                  .put("productId", v.getProductId())
                                  .put("sku", v.getSku())
                                  .put("name", v.getName())
                                  .put("sellerId", v.getSellerId())
                                  .put("available", v.getAvailable())
                                  .put("threshold", v.getThreshold())));
              JsonArray days = new JsonArray();
              newUsers
                  .result()
                  .forEach(
                      d -> days.add(new JsonObject().put("date", d.day()).put("count", d.count())));
              return Reply.ok(
                  new JsonObject()
                      .put("from", window.from().toInstant().toString())
                      .put("to", window.to().toInstant().toString())
                      .put("timeZone", "UTC")
                      .put("revenue", revenue)
                      .put("ordersByStatus", byStatus)
                      .put(
                          "topProducts",
                          new JsonObject()
                              .put("byUnits", products(s.getTopByUnitsList()))
                              .put("byRevenue", products(s.getTopByRevenueList())))
                      .put("lowStock", low)
                      .put("newUsers", days));
            });
  }

  // averageOrderValue = gross / orders, rounded half up to a whole minor unit
  private static JsonObject revenue(CurrencyRevenue r) {
    long average =
        r.getOrders() == 0
            ? 0
            : BigDecimal.valueOf(r.getGross())
                .divide(BigDecimal.valueOf(r.getOrders()), 0, RoundingMode.HALF_UP)
                .longValueExact();
    return new JsonObject()
        .put("currency", r.getCurrency())
        .put("gross", r.getGross())
        .put("refunds", r.getRefunds())
        .put("revenue", r.getGross() - r.getRefunds())
        .put("orders", r.getOrders())
        .put("averageOrderValue", average);
  }

  private static JsonArray products(List<ProductSales> list) {
    JsonArray products = new JsonArray();
    list.forEach(
        p ->
            products.add(
                new JsonObject()
                    .put("productId", p.getProductId())
                    .put("sku", p.getSku().isEmpty() ? null : p.getSku())
                    .put("name", p.getName())
                    .put("units", p.getUnits())
                    .put("revenue", p.getRevenue())
                    .put("currency", p.getCurrency())));
    return products;
  }

  /** JSON or CSV; the CSV is an attachment, so this writes the response itself, as invoices do. */
  void sales(RoutingContext ctx) {
    ReportWindow window;
    String groupBy;
    String format;
    String currency;
    try {
      Authn.requireRole(ctx, "admin");
      MultiMap params = Paging.params(ctx, Set.of("from", "to", "groupBy", "format", "currency"));
      window = ReportWindow.of(params, clock);
      groupBy = choice(params, "groupBy", GROUPS, "day");
      format = choice(params, "format", FORMATS, "json");
      currency = params.get("currency") == null ? "usd" : params.get("currency");
      if (!currency.matches("[a-z]{3}")) {
        throw ApiProblem.invalid("currency", "must be a lower-case ISO 4217 code such as usd");
      }
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    SalesReportRequest request =
        SalesReportRequest.newBuilder()
            .setWindow(salesWindow(window))
            .setGroupBy(groupBy)
            .setCurrency(currency)
            .build();
    ordering
        .call(OrderingGrpcClient.SalesReport, request, Authn.callContext(ctx))
        .onFailure(ctx::fail)
        .onSuccess(
            report -> {
              ctx.response().putHeader("Cache-Control", "private, no-store");
              if (format.equals("csv")) {
                String file =
                    "sales-" + window.firstDay() + "-" + window.lastDay() + "-" + groupBy + ".csv";
                ctx.response()
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"" + file + "\"")
                    .end(csv(report, currency));
              } else {
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(json(report, window, groupBy, currency).encode());
              }
            });
  }

  private static String choice(MultiMap params, String name, Set<String> allowed, String fallback) {
    List<String> values = params.getAll(name);
    if (values.isEmpty()) {
      return fallback;
    }
    if (values.size() > 1 || !allowed.contains(values.get(0))) {
      throw ApiProblem.invalid(
          name, "must be one of " + allowed.stream().sorted().collect(Collectors.joining(", ")));
    }
    return values.get(0);
  }

  private static JsonObject json(
      SalesReportReply report, ReportWindow window, String groupBy, String currency) {
    JsonArray periods = new JsonArray();
    SalesPeriod.Builder totals = SalesPeriod.newBuilder();
    for (SalesPeriod p : report.getPeriodsList()) {
      periods.add(figures(p).put("period", p.getPeriod()));
      totals
          .setOrders(totals.getOrders() + p.getOrders())
          .setUnits(totals.getUnits() + p.getUnits())
          .setGross(totals.getGross() + p.getGross())
          .setDiscounts(totals.getDiscounts() + p.getDiscounts())
          .setRefunds(totals.getRefunds() + p.getRefunds())
          .setNet(totals.getNet() + p.getNet())
          .setShipping(totals.getShipping() + p.getShipping())
          .setTax(totals.getTax() + p.getTax());
    }
    return new JsonObject()
        .put("from", window.from().toInstant().toString())
        .put("to", window.to().toInstant().toString())
        .put("timeZone", "UTC")
        .put("groupBy", groupBy)
        .put("currency", currency)
        .put("periods", periods)
        .put("totals", figures(totals.build()));
  }

  private static JsonObject figures(SalesPeriod p) {
    return new JsonObject()
        .put("orders", p.getOrders())
        .put("units", p.getUnits())
        .put("gross", p.getGross())
        .put("discounts", p.getDiscounts())
        .put("refunds", p.getRefunds())
        .put("net", p.getNet())
        .put("shipping", p.getShipping())
        .put("tax", p.getTax());
  }

  /**
   * RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, quote or line
   * break.
   */
  static String csv(SalesReportReply report, String currency) {
    StringBuilder out = new StringBuilder();
    row(out, CSV_COLUMNS.stream());
    for (SalesPeriod p : report.getPeriodsList()) {
      row(
          out,
          Stream.of(
                  p.getPeriod(),
                  currency,
                  p.getOrders(),
                  p.getUnits(),
                  p.getGross(),
                  p.getDiscounts(),
                  p.getRefunds(),
                  p.getNet(),
                  p.getShipping(),
                  p.getTax())
              .map(String::valueOf));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, Stream<String> fields) {
    out.append(fields.map(AdminReportRoutes::field).collect(Collectors.joining(",")))
        .append("\r\n");
  }

  static String field(String value) {
    return value.contains(",")
            || value.contains("\"")
            || value.contains("\r")
            || value.contains("\n")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }

  private static SalesWindow salesWindow(ReportWindow window) {
    return SalesWindow.newBuilder()
        .setFrom(window.from().toInstant().toString())
        .setTo(window.to().toInstant().toString())
        .build();
  }
}
