package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ListLowStockRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.emporium.proto.ordering.v1.SalesReportRequest;
import io.emporium.proto.ordering.v1.SalesWindow;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The report RPCs behind the admin dashboard, called as another service would: they answer admins
 * only, whoever asks.
 */
@ExtendWith(TestPlatform.class)
class AdminReportRpcsIT {
  private static final SalesWindow WINDOW =
      SalesWindow.newBuilder()
          .setFrom("2001-01-01T00:00:00Z")
          .setTo("2001-01-08T00:00:00Z")
          .build();

  private static CallContext as(String role) {
    return new CallContext("admin-report-rpcs-it", UUID.randomUUID().toString(), role);
  }

  private static ApiProblem refusal(Future<?> call) {
    Throwable failure = call.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(ApiProblem.class);
    return (ApiProblem) failure;
  }

  @Test
  void salesAndLowStockAreRefusedToAnyoneButAnAdmin() {
    GrpcCalls ordering = TestPlatform.grpc(EmporiumConfig.Service.ORDERING);
    GrpcCalls catalog = TestPlatform.grpc(EmporiumConfig.Service.CATALOG);
    SalesReportRequest report =
        SalesReportRequest.newBuilder()
            .setWindow(WINDOW)
            .setGroupBy("day")
            .setCurrency("usd")
            .build();
    for (String role : List.of("customer", "seller")) {
      assertThat(refusal(ordering.call(OrderingGrpcClient.SalesSummary, WINDOW, as(role))).status())
          .as(role)
          .isEqualTo(403);
      assertThat(refusal(ordering.call(OrderingGrpcClient.SalesReport, report, as(role))).status())
          .as(role)
          .isEqualTo(403);
      assertThat(
              refusal(
                      catalog.call(
                          CatalogGrpcClient.ListLowStock,
                          ListLowStockRequest.getDefaultInstance(),
                          as(role)))
                  .status())
          .as(role)
          .isEqualTo(403);
    }
    CallContext anonymous = CallContext.anonymous("admin-report-rpcs-it");
    assertThat(refusal(ordering.call(OrderingGrpcClient.SalesSummary, WINDOW, anonymous)).status())
        .isEqualTo(401);
    assertThat(
            refusal(
                    catalog.call(
                        CatalogGrpcClient.ListLowStock,
                        ListLowStockRequest.getDefaultInstance(),
                        anonymous))
                .status())
        .isEqualTo(401);

    assertThat(
            ordering
                .call(OrderingGrpcClient.SalesReport, report, as("admin"))
                .await()
                .getPeriodsCount())
        .isEqualTo(7);
    assertThat(
            catalog
                .call(
                    CatalogGrpcClient.ListLowStock,
                    ListLowStockRequest.newBuilder().setLimit(1).build(),
                    as("admin"))
                .await()
                .getVariantsCount())
        .isLessThanOrEqualTo(1);
  }

  @Test
  void theServicesCheckTheirArgumentsToo() {
    GrpcCalls ordering = TestPlatform.grpc(EmporiumConfig.Service.ORDERING);
    GrpcCalls catalog = TestPlatform.grpc(EmporiumConfig.Service.CATALOG);
    ApiProblem year =
        refusal(
            ordering.call(
                OrderingGrpcClient.SalesReport,
                SalesReportRequest.newBuilder()
                    .setWindow(WINDOW)
                    .setGroupBy("year")
                    .setCurrency("usd")
                    .build(),
                as("admin")));
    assertThat(year.status()).isEqualTo(422);
    assertThat(year.errors().get(0).field()).isEqualTo("groupBy");
    ApiProblem reversed =
        refusal(
            ordering.call(
                OrderingGrpcClient.SalesSummary,
                SalesWindow.newBuilder().setFrom(WINDOW.getTo()).setTo(WINDOW.getFrom()).build(),
                as("admin")));
    assertThat(reversed.errors().get(0).field()).isEqualTo("to");
    ApiProblem unreadable =
        refusal(
            ordering.call(
                OrderingGrpcClient.SalesSummary,
                SalesWindow.newBuilder().setFrom("then").setTo("now").build(),
                as("admin")));
    assertThat(unreadable.errors().get(0).field()).isEqualTo("from");
    assertThat(
            refusal(
                    catalog.call(
                        CatalogGrpcClient.ListLowStock,
                        ListLowStockRequest.newBuilder().setLimit(101).build(),
                        as("admin")))
                .errors()
                .get(0)
                .field())
        .isEqualTo("limit");
  }
}
