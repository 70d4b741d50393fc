package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSession;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The payment service's Checkout Sessions, called over its gRPC contract as the checkout saga will,
 * on the Stripe emulator.
 */
@ExtendWith(TestPlatform.class)
class CheckoutSessionsIT {
  private static GrpcCalls payment;
  private static final String CUSTOMER = UUID.randomUUID().toString();

  @BeforeAll
  static void connect() {
    payment = TestPlatform.grpc(EmporiumConfig.Service.PAYMENT);
  }

  private static CheckoutSessionRequest.Builder order(String orderId) {
    return CheckoutSessionRequest.newBuilder()
        .setOrderId(orderId)
        .setCustomerId(CUSTOMER)
        .setCurrency("usd")
        .addLines(
            CheckoutLine.newBuilder().setName("Stoneware mug").setUnitAmount(2_400).setQuantity(2))
        .addLines(CheckoutLine.newBuilder().setName("Notebook").setUnitAmount(1_600).setQuantity(1))
        .setTotal(6_400)
        .setSuccessUrl("https://shop.example/thanks")
        .setCancelUrl("https://shop.example/cart");
  }

  private static Future<CheckoutSession> open(CheckoutSessionRequest request) {
    return payment.call(
        PaymentGrpcClient.CreateCheckoutSession,
        request,
        CallContext.service("checkout-sessions-it", "ordering"));
  }

  private static long ledgerRows(String orderId) {
    Row r =
        TestPlatform.db()
            .preparedQuery(
                "SELECT count(*) FROM payment.ledger WHERE order_id = $1 AND kind = 'session_created'")
            .execute(Tuple.of(UUID.fromString(orderId)))
            .await()
            .iterator()
            .next();
    return r.getLong(0);
  }

  @Test
  void anOrderGetsOneSessionHoweverOftenItAsksAndTheLedgerRecordsIt() throws Exception {
    String orderId = UUID.randomUUID().toString();
    CheckoutSession first = open(order(orderId).build()).await();
    assertThat(first.getSessionId()).startsWith("cs_test_");
    assertThat(first.getAmountTotal()).isEqualTo(6_400);
    assertThat(first.getStatus()).isEqualTo("open");
    CheckoutSession again = open(order(orderId).build()).await();
    assertThat(again.getSessionId()).isEqualTo(first.getSessionId());
    assertThat(ledgerRows(orderId)).isEqualTo(1);
    Throwable changed =
        open(order(orderId)
                .setTotal(6_399)
                .addLines(CheckoutLine.newBuilder().setName("Fee").setUnitAmount(-1).setQuantity(1))
                .build())
            .transform(ar -> Future.succeededFuture(ar.cause()))
            .await();
    assertThat(changed).isInstanceOf(ApiProblem.class);
    Throwable otherAmounts =
        open(order(orderId).setShipping(100).setTotal(6_500).build())
            .transform(ar -> Future.succeededFuture(ar.cause()))
            .await();
    assertThat(((ApiProblem) otherAmounts).status())
        .as("the same order with other amounts")
        .isEqualTo(409);
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(first.getUrl())).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as("the hosted payment page").isEqualTo(200);
  }

  @Test
  void onlyTheOrderingServiceMayOpenASession() {
    String orderId = UUID.randomUUID().toString();
    for (CallContext caller :
        new CallContext[] {
          CallContext.anonymous("checkout-sessions-it"),
          new CallContext("checkout-sessions-it", CUSTOMER, "customer")
        }) {
      Throwable refused =
          payment
              .call(PaymentGrpcClient.CreateCheckoutSession, order(orderId).build(), caller)
              .transform(ar -> Future.succeededFuture(ar.cause()))
              .await();
      assertThat(refused).as(String.valueOf(caller.role())).isInstanceOf(ApiProblem.class);
      assertThat(((ApiProblem) refused).status()).isIn(401, 403);
    }
    assertThat(ledgerRows(orderId)).isZero();
  }

  @Test
  void withADiscountShippingOrTaxStripeChargesTheOrdersTotal() {
    CheckoutSession s =
        open(order(UUID.randomUUID().toString())
                .setDiscount(640)
                .setShipping(500)
                .setTax(420)
                .setTotal(6_680)
                .build())
            .await();
    assertThat(s.getAmountTotal()).isEqualTo(6_680);
  }

  @Test
  void totalsThatDoNotAddUpAreRefusedAndTheLedgerStaysAppendOnly() {
    String orderId = UUID.randomUUID().toString();
    Throwable refused =
        open(order(orderId).setTotal(6_399).build())
            .transform(ar -> Future.succeededFuture(ar.cause()))
            .await();
    assertThat(refused).isInstanceOf(ApiProblem.class);
    assertThat(((ApiProblem) refused).status()).isEqualTo(422);
    assertThat(ledgerRows(orderId)).isZero();
    open(order(orderId).build()).await();
    for (String change :
        new String[] {
          "UPDATE payment.ledger SET amount = 1 WHERE order_id = $1",
          "DELETE FROM payment.ledger WHERE order_id = $1"
        }) {
      Throwable refusedChange =
          TestPlatform.db()
              .preparedQuery(change)
              .execute(Tuple.of(UUID.fromString(orderId)))
              .transform(ar -> Future.succeededFuture(ar.cause()))
              .await();
      assertThat(refusedChange).as(change).isNotNull().hasMessageContaining("append-only");
    }
    Row entry =
        TestPlatform.db()
            .preparedQuery("SELECT amount FROM payment.ledger WHERE order_id = $1")
            .execute(Tuple.of(UUID.fromString(orderId)))
            .await()
            .iterator()
            .next();
    assertThat(entry.getLong("amount"))
        .as("ledger rows are never changed or removed")
        .isEqualTo(6_400L);
  }
}
