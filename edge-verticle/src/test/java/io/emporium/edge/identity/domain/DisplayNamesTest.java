package io.emporium.edge.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DisplayNamesTest {

  @Test
  void aCustomerIsShownByFirstNameAndTheInitialOfTheLast() {
    assertThat(DisplayNames.customer("Grace Brewster Hopper")).isEqualTo("Grace H.");
    assertThat(DisplayNames.customer("  Ada   Lovelace ")).isEqualTo("Ada L.");
    assertThat(DisplayNames.customer("Zoë 𝔈ckhart"))
        .as("a whole character, not half a surrogate pair")
        .isEqualTo("Zoë 𝔈.");
  }

  @Test
  void aSingleNameIsShownWholeAndNoNameAsCustomer() {
    assertThat(DisplayNames.customer("Cher")).isEqualTo("Cher");
    assertThat(DisplayNames.customer("   ")).isEqualTo("Customer");
    assertThat(DisplayNames.customer(null)).isEqualTo("Customer");
  }
}
