package io.emporium.ordering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderTokensTest {

  @Test
  void aTokenIs256RandomBitsThatOnlyItsOwnHashMatches() {
    String token = OrderTokens.issue();
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(OrderTokens.issue()).isNotEqualTo(token);
    byte[] stored = OrderTokens.hash(token);
    assertThat(OrderTokens.matches(token, stored)).isTrue();
    assertThat(OrderTokens.matches(OrderTokens.issue(), stored)).isFalse();
    assertThat(OrderTokens.matches("", stored)).isFalse();
    assertThat(OrderTokens.matches(token, null)).isFalse();
  }

  @Test
  void aMaskedTokenComesBackOnlyWithTheSameCartTokenAndOrder() {
    String token = OrderTokens.issue();
    String cart = CartTokens.issue();
    String masked = OrderTokens.mask(token, cart, "order-1");
    assertThat(masked).isNotEqualTo(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(OrderTokens.mask(masked, cart, "order-1")).isEqualTo(token);
    assertThat(OrderTokens.mask(masked, CartTokens.issue(), "order-1")).isNotEqualTo(token);
    assertThat(OrderTokens.mask(masked, cart, "order-2")).isNotEqualTo(token);
    assertThat(OrderTokens.mask("not a token!", cart, "order-1")).isEmpty();
  }
}
