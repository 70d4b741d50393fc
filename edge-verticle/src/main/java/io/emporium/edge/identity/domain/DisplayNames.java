package io.emporium.edge.identity.domain;

/**
 * How a person is named to the public. A seller is a shop, shown by its full name (storefronts,
 * invoices); a customer who writes a review is shown by first name and the initial of the last
 * ("Grace H."), never by id or email.
 */
public final class DisplayNames {
  /** The name of a reviewer identity no longer knows. */
  public static final String UNKNOWN_CUSTOMER = "Customer";

  private DisplayNames() {}

  public static String customer(String fullName) {
    String[] words = fullName == null ? new String[0] : fullName.strip().split("\\s+");
    if (words.length == 0 || words[0].isEmpty()) {
      return UNKNOWN_CUSTOMER;
    }
    if (words.length == 1) {
      return words[0];
    }
    String last = words[words.length - 1];
    return words[0] + " " + last.substring(0, last.offsetByCodePoints(0, 1)) + ".";
  }
}
