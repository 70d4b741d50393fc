package io.emporium.edge.http.json;

import io.emporium.edge.http.Fields;
import io.emporium.edge.identity.store.AddressStore;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/**
 * A shipping address read from a body, checked the same way whether it is saved (account) or given
 * at checkout.
 */
public final class AddressJson {
  private static final Map<String, Integer> LIMITS =
      Map.of(
          "name",
          100,
          "line1",
          200,
          "line2",
          200,
          "city",
          100,
          "region",
          100,
          "postalCode",
          20,
          "country",
          2,
          "phone",
          30);

  private AddressJson() {}

  /**
   * Validates an address body over {@code base} (empty for a new one, the stored one for a PATCH).
   */
  public static JsonObject read(JsonObject body, JsonObject base) {
    Fields f = new Fields(body);
    JsonObject merged = base.copy();
    for (String field : AddressStore.FIELDS) {
      if (body.containsKey(field)) {
        String value = f.optional(field, LIMITS.get(field));
        merged.put(field, value);
      }
    }
    f.forbid("id", "is read-only");
    for (String required : new String[] {"name", "line1", "city", "postalCode", "country"}) {
      if (merged.getString(required) == null && !f.hasError(required)) {
        f.error(required, "is required");
      }
    }
    String country = merged.getString("country");
    if (country != null) {
      country = country.toUpperCase(Locale.ROOT);
      f.check(
          "country",
          country.matches("[A-Z]{2}"),
          "must be an ISO 3166-1 alpha-2 code such as US or DE");
      merged.put("country", country);
    }
    String phone = merged.getString("phone");
    if (phone != null) {
      f.check("phone", phone.matches("\\+?[0-9 ()./-]{4,30}"), "must be a phone number");
    }
    f.throwIfInvalid();
    merged.remove("id");
    return merged;
  }
}
