package io.emporium.ordering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.emporium.proto.ordering.v1.Shipment;
import io.emporium.proto.ordering.v1.StatusChange;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class OrderViewsTest {
  private static final String BUYER = "c0000000-0000-4000-8000-000000000001";
  private static final String WOOD = "50000000-0000-4000-8000-00000000000a";
  private static final String LINEN = "50000000-0000-4000-8000-00000000000b";
  private static final String CLAY = "50000000-0000-4000-8000-00000000000c";
  private static final String ADMIN = "a0000000-0000-4000-8000-000000000009";

  private static OrderItem line(String seller, long unitPrice, int quantity) {
    return OrderItem.newBuilder()
        .setProductId("d0000000-0000-4000-8000-000000000001")
        .setSku("SKU-" + unitPrice)
        .setName("Thing")
        .setSellerId(seller)
        .setUnitPrice(unitPrice)
        .setQuantity(quantity)
        .setLineTotal(unitPrice * quantity)
        .build();
  }

  /**
   * 3 sellers, 7 000 of goods, 10% off (700), flat shipping 499, 19% tax on 6 300 (1 197): 6 996
   * paid, 1 000 refunded.
   */
  private static Order order() {
    return Order.newBuilder()
        .setId("e0000000-0000-4000-8000-000000000001")
        .setCustomerId(BUYER)
        .setStatus("processing")
        .setCurrency("eur")
        .setCheckoutSessionId("cs_test_1")
        .setPaymentIntentId("pi_1")
        .addItems(line(WOOD, 1_000, 1))
        .addItems(line(LINEN, 2_333, 1))
        .addItems(line(WOOD, 1_667, 1))
        .addItems(line(CLAY, 2_000, 1))
        .setSubtotal(7_000)
        .setDiscount(700)
        .setShipping(499)
        .setTax(1_197)
        .setTotal(7_996)
        .setRefunded(1_000)
        .addShipments(
            Shipment.newBuilder().setSellerId(WOOD).setCarrier("DHL").setTrackingNumber("W-1"))
        .addShipments(
            Shipment.newBuilder().setSellerId(LINEN).setCarrier("UPS").setTrackingNumber("L-1"))
        .addStatusHistory(
            StatusChange.newBuilder()
                .setStatus("pending_payment")
                .setActor(BUYER)
                .setActorRole("customer"))
        .addStatusHistory(StatusChange.newBuilder().setStatus("paid").setActorRole("system"))
        .addStatusHistory(
            StatusChange.newBuilder().setStatus("processing").setActor(WOOD).setActorRole("seller"))
        .build();
  }

  @Test
  void aSellerSeesTheirLinesAndShipmentAndFiguresOfTheirLinesOnly() {
    Order wood = OrderViews.forCaller(order(), WOOD, "seller").orElseThrow();
    assertThat(wood.getItemsList()).extracting(OrderItem::getSellerId).containsExactly(WOOD, WOOD);
    assertThat(wood.getShipmentsList())
        .extracting(Shipment::getTrackingNumber)
        .containsExactly("W-1");
    assertThat(wood.getSubtotal()).isEqualTo(2_667);
    assertThat(wood.getDiscount()).isEqualTo(267);
    assertThat(wood.getTotal())
        .isEqualTo(wood.getSubtotal() - wood.getDiscount() + wood.getShipping() + wood.getTax());
    assertThat(wood.getCheckoutSessionId()).isEmpty();
    assertThat(wood.getStatusHistoryList()).extracting(StatusChange::getActor).containsOnly("");
    assertThat(wood.getStatusHistoryList())
        .extracting(StatusChange::getActorRole)
        .containsExactly("customer", "system", "seller");
  }

  @Test
  void theSellersSharesAddUpToTheOrderToTheCent() {
    Order order = order();
    List<Order> shares =
        List.of(WOOD, LINEN, CLAY).stream().map(s -> OrderViews.sellerShare(order, s)).toList();
    assertThat(shares.stream().mapToLong(Order::getSubtotal).sum()).isEqualTo(order.getSubtotal());
    assertThat(shares.stream().mapToLong(Order::getDiscount).sum()).isEqualTo(order.getDiscount());
    assertThat(shares.stream().mapToLong(Order::getShipping).sum()).isEqualTo(order.getShipping());
    assertThat(shares.stream().mapToLong(Order::getTax).sum()).isEqualTo(order.getTax());
    assertThat(shares.stream().mapToLong(Order::getTotal).sum()).isEqualTo(order.getTotal());
    assertThat(shares.stream().mapToLong(Order::getRefunded).sum()).isEqualTo(order.getRefunded());
    for (Order share : shares) {
      long lines = share.getItemsList().stream().mapToLong(OrderItem::getLineTotal).sum();
      assertThat(share.getSubtotal()).isEqualTo(lines);
      assertThat(share.getTotal())
          .isEqualTo(lines - share.getDiscount() + share.getShipping() + share.getTax());
    }
  }

  @Test
  void aFullRefundIsEachSellersWholeTotal() {
    Order refunded = order().toBuilder().setRefunded(7_996).build();
    for (String seller : List.of(WOOD, LINEN, CLAY)) {
      Order share = OrderViews.sellerShare(refunded, seller);
      assertThat(share.getRefunded()).isEqualTo(share.getTotal());
    }
  }

  @Test
  void theBuyerAndAdminsSeeTheWholeOrderAndOnlyAdminsSeeWhoMovedIt() {
    Order buyer = OrderViews.forCaller(order(), BUYER, "customer").orElseThrow();
    assertThat(buyer.toBuilder().clearStatusHistory().build())
        .isEqualTo(order().toBuilder().clearStatusHistory().build());
    assertThat(buyer.getStatusHistoryList()).extracting(StatusChange::getActor).containsOnly("");
    assertThat(buyer.getStatusHistoryList())
        .extracting(StatusChange::getActorRole)
        .containsExactly("customer", "system", "seller");
    assertThat(OrderViews.forCaller(order(), ADMIN, "admin")).contains(order());
  }

  @Test
  void anyoneElseSeesNothing() {
    assertThat(OrderViews.forCaller(order(), "50000000-0000-4000-8000-0000000000ff", "seller"))
        .isEmpty();
    assertThat(OrderViews.forCaller(order(), "c0000000-0000-4000-8000-0000000000ff", "customer"))
        .isEmpty();
    assertThat(OrderViews.forCaller(order(), WOOD, "customer"))
        .as("a seller's id in another role")
        .isEmpty();
  }

  @Test
  void apportioningSplitsByWeightByLargestRemainderAndAlwaysAddsUp() {
    assertThat(OrderViews.apportion(100, new long[] {1, 1, 1})).containsExactly(34, 33, 33);
    assertThat(OrderViews.apportion(700, new long[] {2_667, 2_333, 2_000}))
        .containsExactly(267, 233, 200);
    assertThat(OrderViews.apportion(499, new long[] {0, 0})).containsExactly(250, 249);
    assertThat(OrderViews.apportion(0, new long[] {5, 7})).containsExactly(0, 0);
    assertThat(
            OrderViews.apportion(
                Long.MAX_VALUE / 2, new long[] {Long.MAX_VALUE / 4, Long.MAX_VALUE / 4}))
        .containsExactly(Long.MAX_VALUE / 4 + 1, Long.MAX_VALUE / 4);
    long[] weights = {1, 3, 7, 11, 13};
    for (long amount = 0; amount < 500; amount++) {
      assertThat(LongStream.of(OrderViews.apportion(amount, weights)).sum()).isEqualTo(amount);
    }
  }
}
