package io.emporium.edge.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailAddressesTest {

  @Test
  void ordinaryAddressesAreValidAndNormalisedToLowerCase() {
    assertThat(EmailAddresses.isValid("Ann.Example+shop@Mail.Example.co.uk")).isTrue();
    assertThat(EmailAddresses.normalize("  Ann@Example.COM ")).isEqualTo("ann@example.com");
  }

  @Test
  void malformedAddressesAreInvalid() {
    for (String bad :
        new String[] {
          "",
          "plain",
          "a@b",
          "@example.com",
          "a@",
          "a b@example.com",
          "a..b@example.com",
          "a@example..com",
          "a@-example.com",
          "a@example.c",
          "x".repeat(65) + "@example.com",
          "a@" + "b".repeat(250) + ".com"
        }) {
      assertThat(EmailAddresses.isValid(bad)).as(bad).isFalse();
    }
  }
}
