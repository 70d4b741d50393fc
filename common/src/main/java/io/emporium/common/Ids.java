package io.emporium.common;

import java.util.UUID;

/** UUID ids as they arrive from clients: anything that is not a canonical UUID is simply no id. */
public final class Ids {
  private Ids() {}

  public static UUID parse(String value) {
    if (value == null || value.length() != 36) {
      return null;
    }
    try {
      UUID id = UUID.fromString(value);
      return id.toString().equalsIgnoreCase(value) ? id : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
