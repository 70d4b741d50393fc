package io.emporium.edge.identity.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email address rules: a practical subset of RFC 5321 that real mailboxes use; stored lower-case.
 */
public final class EmailAddresses {
  public static final int MAX_LENGTH = 254;
  private static final Pattern SHAPE =
      Pattern.compile(
          "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");

  private EmailAddresses() {}

  public static String normalize(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  public static boolean isValid(String email) {
    if (email == null || email.length() > MAX_LENGTH) {
      return false;
    }
    String normalized = normalize(email);
    return normalized.indexOf('@') <= 64 && SHAPE.matcher(normalized).matches();
  }
}
