package io.emporium.ordering.domain;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.ordering.v1.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a shipping address must hold: a name, a first line, a city, a postal code and an ISO 3166-1
 * alpha-2 country. Pure.
 */
public final class ShippingAddresses {
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
  private static final int MAX_LENGTH = 200;

  private ShippingAddresses() {}

  /** The problems with an address, each under {@code address.<field>}. */
  public static List<FieldError> validate(Address a) {
    List<FieldError> errors = new ArrayList<>();
    required(errors, "name", a.getName());
    required(errors, "line1", a.getLine1());
    required(errors, "city", a.getCity());
    required(errors, "postalCode", a.getPostalCode());
    for (var optional :
        List.of(
            List.of("line2", a.getLine2()),
            List.of("region", a.getRegion()),
            List.of("phone", a.getPhone()))) {
      if (optional.get(1).length() > MAX_LENGTH) {
        errors.add(
            new FieldError(
                "address." + optional.get(0), "must be at most " + MAX_LENGTH + " characters"));
      }
    }
    if (!COUNTRIES.contains(a.getCountry())) {
      errors.add(
          new FieldError("address.country", "must be an ISO 3166-1 alpha-2 code such as US or DE"));
    }
    return errors;
  }

  private static void required(List<FieldError> errors, String field, String value) {
    if (value.isBlank()) {
      errors.add(new FieldError("address." + field, "is required"));
    } else if (value.length() > MAX_LENGTH) {
      errors.add(
          new FieldError("address." + field, "must be at most " + MAX_LENGTH + " characters"));
    }
  }
}
