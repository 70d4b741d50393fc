package io.emporium.realtime.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.emporium.proto.events.v1.OrderStatusChanged;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.PaymentFailed;
import io.emporium.proto.events.v1.PaymentMismatch;
import io.emporium.proto.events.v1.PaymentSucceeded;
import io.emporium.proto.events.v1.StockChanged;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushesTest {
  private static final String AT = "2026-11-30T10:00:00Z";

  @Test
  void aStatusMoveGoesToTheBuyerOnly() {
    OrderEvent moved =
        OrderEvent.newBuilder()
            .setOrderId("o1")
            .setCustomerId("u1")
            .setStatus("shipped")
            .setPreviousStatus("processing")
            .setOccurredAt(AT)
            .setStatusChanged(OrderStatusChanged.newBuilder().setActor("s1"))
            .build();
    List<Pushes.Push> pushes = Pushes.ofOrderEvent(moved);
    assertThat(pushes).hasSize(1);
    assertThat(pushes.get(0).address()).isEqualTo("user.u1.orders");
    assertThat(json(pushes.get(0)).encode())
        .isEqualTo(
            "{\"type\":\"orderStatusUpdate\",\"orderId\":\"o1\",\"status\":\"shipped\",\"previousStatus\":\"processing\",\"at\":\""
                + AT
                + "\"}");
  }

  @Test
  void aGuestOrdersMoveGoesToItsOwnAddressAndToTheAccountOnceOneClaimedIt() {
    OrderEvent.Builder moved =
        OrderEvent.newBuilder()
            .setOrderId("o3")
            .setGuestEmail("guest@example.com")
            .setStatus("paid")
            .setPreviousStatus("pending_payment")
            .setOccurredAt(AT)
            .setStatusChanged(OrderStatusChanged.newBuilder().setActor("system"));
    List<Pushes.Push> guest = Pushes.ofOrderEvent(moved.build());
    assertThat(guest).extracting(Pushes.Push::address).containsExactly("order.o3");
    assertThat(json(guest.get(0)).getString("type")).isEqualTo("orderStatusUpdate");
    assertThat(Pushes.ofOrderEvent(moved.setCustomerId("u1").build()))
        .extracting(Pushes.Push::address)
        .containsExactly("user.u1.orders", "order.o3");
  }

  @Test
  void aPaidOrderTellsEachSellerOfTheirLinesOnly() {
    OrderEvent paid =
        OrderEvent.newBuilder()
            .setOrderId("o2")
            .setCustomerId("u1")
            .setStatus("paid")
            .setOccurredAt(AT)
            .setOrderPaid(
                OrderPaid.newBuilder()
                    .setCurrency("usd")
                    .addLines(OrderLine.newBuilder().setSellerId("sA").setSku("A-1").setQuantity(2))
                    .addLines(OrderLine.newBuilder().setSellerId("sB").setSku("B-1").setQuantity(1))
                    .addLines(
                        OrderLine.newBuilder().setSellerId("sA").setSku("A-2").setQuantity(3)))
            .build();
    List<Pushes.Push> pushes = Pushes.ofOrderEvent(paid);
    assertThat(pushes)
        .extracting(Pushes.Push::address)
        .containsExactly("seller.sA.orders", "seller.sB.orders");
    assertThat(json(pushes.get(0)).getJsonArray("items")).hasSize(2);
    assertThat(json(pushes.get(1)).getJsonArray("items").getJsonObject(0).getString("sku"))
        .isEqualTo("B-1");
    assertThat(pushes)
        .allMatch(
            p ->
                json(p).getString("type").equals("newOrder")
                    && json(p).getString("orderId").equals("o2"));
  }

  @Test
  void aPaymentMismatchIsAnAdminAlertSayingWhatDiffers() {
    PaymentEvent mismatch =
        PaymentEvent.newBuilder()
            .setOrderId("o4")
            .setOccurredAt(AT)
            .setStripeEventId("evt_1")
            .setMismatch(
                PaymentMismatch.newBuilder()
                    .setReported("payment")
                    .setPaymentIntentId("pi_1")
                    .setSessionId("cs_1")
                    .setAmount(1)
                    .setCurrency("usd")
                    .setExpectedAmount(2500)
                    .setExpectedCurrency("usd")
                    .addMismatched("amount"))
            .build();
    assertThat(Pushes.ofPaymentEvent(mismatch))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.address()).isEqualTo("admin.alerts");
              assertThat(json(p))
                  .isEqualTo(
                      new JsonObject()
                          .put("type", "paymentMismatch")
                          .put("orderId", "o4")
                          .put("reported", "payment")
                          .put("paymentIntentId", "pi_1")
                          .put("sessionId", "cs_1")
                          .put("refundId", "")
                          .put("amount", 1L)
                          .put("currency", "usd")
                          .put("expectedAmount", 2500L)
                          .put("expectedCurrency", "usd")
                          .put("mismatched", new JsonArray().add("amount"))
                          .put("stripeEventId", "evt_1")
                          .put("at", AT));
            });
  }

  @Test
  void onlyAFailedPaymentIsAnAdminAlert() {
    PaymentEvent failed =
        PaymentEvent.newBuilder()
            .setOrderId("o3")
            .setFailed(
                PaymentFailed.newBuilder()
                    .setAmount(1999)
                    .setCurrency("usd")
                    .setReason("card_declined"))
            .build();
    assertThat(Pushes.ofPaymentEvent(failed))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.address()).isEqualTo("admin.alerts");
              assertThat(json(p).getString("type")).isEqualTo("paymentFailed");
              assertThat(json(p).getLong("amount")).isEqualTo(1999);
            });
    assertThat(
            Pushes.ofPaymentEvent(
                PaymentEvent.newBuilder()
                    .setSucceeded(PaymentSucceeded.getDefaultInstance())
                    .build()))
        .isEmpty();
  }

  @Test
  void lowStockAlertsAdminsAndTheSellerAndUpdatesFollowers() {
    CatalogEvent low =
        CatalogEvent.newBuilder()
            .setProductId("p1")
            .setOccurredAt(AT)
            .setStockLow(
                StockChanged.newBuilder()
                    .setSku("S-1")
                    .setSellerId("s1")
                    .setAvailable(2)
                    .setThreshold(3))
            .build();
    List<Pushes.Push> pushes = Pushes.ofStockAlert(low, List.of("f1", "f2"));
    assertThat(pushes)
        .extracting(Pushes.Push::address)
        .containsExactly(
            "admin.alerts", "seller.s1.orders", "user.f1.inventory", "user.f2.inventory");
    assertThat(pushes)
        .extracting(p -> json(p).getString("type"))
        .containsExactly("lowStock", "lowStock", "inventoryUpdate", "inventoryUpdate");
    assertThat(json(pushes.get(2)).getInteger("available")).isEqualTo(2);
  }

  @Test
  void backInStockOnlyUpdatesFollowers() {
    CatalogEvent back =
        CatalogEvent.newBuilder()
            .setProductId("p1")
            .setOccurredAt(AT)
            .setBackInStock(
                StockChanged.newBuilder()
                    .setSku("S-1")
                    .setSellerId("s1")
                    .setAvailable(9)
                    .setThreshold(3))
            .build();
    assertThat(Pushes.ofStockAlert(back, List.of("f1")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.address()).isEqualTo("user.f1.inventory");
              assertThat(json(p).getBoolean("inStock")).isTrue();
            });
  }

  /** The push's body as the browser gets it. */
  private static JsonObject json(Pushes.Push push) {
    return new JsonObject(push.body());
  }
}
