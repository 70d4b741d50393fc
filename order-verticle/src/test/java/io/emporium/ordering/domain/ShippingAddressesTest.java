package io.emporium.ordering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.ordering.v1.Address;
import org.junit.jupiter.api.Test;

class ShippingAddressesTest {
  private static Address.Builder address() {
    return Address.newBuilder()
        .setName("Ada Lovelace")
        .setLine1("12 St James's Square")
        .setCity("London")
        .setPostalCode("SW1Y 4JH")
        .setCountry("GB");
  }

  @Test
  void aCompleteAddressPasses() {
    assertThat(ShippingAddresses.validate(address().build())).isEmpty();
  }

  @Test
  void everyMissingFieldAndAnUnknownCountryAreNamed() {
    assertThat(ShippingAddresses.validate(Address.newBuilder().setCountry("XX").build()))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "address.name",
            "address.line1",
            "address.city",
            "address.postalCode",
            "address.country");
    assertThat(ShippingAddresses.validate(address().setCountry("gb").build()))
        .extracting(FieldError::field)
        .containsExactly("address.country");
  }
}
