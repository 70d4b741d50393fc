package io.emporium.ordering.domain;

import static io.emporium.ordering.domain.OrderStatus.CANCELLED;
import static io.emporium.ordering.domain.OrderStatus.DELIVERED;
import static io.emporium.ordering.domain.OrderStatus.PAID;
import static io.emporium.ordering.domain.OrderStatus.PENDING_PAYMENT;
import static io.emporium.ordering.domain.OrderStatus.PROCESSING;
import static io.emporium.ordering.domain.OrderStatus.REFUNDED;
import static io.emporium.ordering.domain.OrderStatus.SHIPPED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderStatusTest {
  @Test
  void theContractsMovesAreAllowed() {
    assertThat(PENDING_PAYMENT.canMoveTo(PAID)).isTrue();
    assertThat(PENDING_PAYMENT.canMoveTo(CANCELLED)).isTrue();
    assertThat(PAID.canMoveTo(PROCESSING)).isTrue();
    assertThat(PAID.canMoveTo(CANCELLED)).isTrue();
    assertThat(PROCESSING.canMoveTo(SHIPPED)).isTrue();
    assertThat(SHIPPED.canMoveTo(DELIVERED)).isTrue();
    assertThat(DELIVERED.canMoveTo(REFUNDED)).isTrue();
  }

  @Test
  void everyOtherMoveIsRefused() {
    assertThat(PENDING_PAYMENT.canMoveTo(SHIPPED)).isFalse();
    assertThat(CANCELLED.next()).isEmpty();
    assertThat(REFUNDED.next()).isEmpty();
    assertThat(SHIPPED.canMoveTo(CANCELLED))
        .as("a shipped order is returned, not cancelled")
        .isFalse();
    assertThat(PAID.canMoveTo(PENDING_PAYMENT)).isFalse();
  }

  @Test
  void statusesAreSpelledAsTheApiSpellsThem() {
    assertThat(PENDING_PAYMENT.wire()).isEqualTo("pending_payment");
    assertThat(OrderStatus.of("processing")).isEqualTo(PROCESSING);
  }
}
