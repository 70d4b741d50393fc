package io.emporium.edge.identity.domain;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The password rules (after NIST SP 800-63B): long enough, not too long for bcrypt, not a common or
 * trivially patterned password, and not built from the account's own email or name.
 */
public final class PasswordPolicy {
  public static final int MIN_LENGTH = 10;

  /** bcrypt reads at most 72 bytes; a longer password would be silently truncated. */
  public static final int MAX_BYTES = 72;

  private static final Set<String> COMMON =
      Set.of(
          "password",
          "passw0rd",
          "password1",
          "password12",
          "password123",
          "password1234",
          "p@ssw0rd",
          "p@ssword",
          "qwerty",
          "qwertyuiop",
          "qwerty123",
          "qwerty1234",
          "1q2w3e4r",
          "1q2w3e4r5t",
          "1qaz2wsx",
          "zaq12wsx",
          "123456789",
          "1234567890",
          "0987654321",
          "abc123",
          "abcdefghij",
          "iloveyou",
          "letmein",
          "welcome",
          "welcome1",
          "welcome123",
          "admin",
          "admin123",
          "administrator",
          "changeme",
          "changeme123",
          "trustno1",
          "football",
          "baseball",
          "dragon",
          "monkey",
          "sunshine",
          "princess",
          "starwars",
          "whatever",
          "superman",
          "michael",
          "shadow",
          "master",
          "jennifer",
          "jordan23",
          "hunter2",
          "secret",
          "default",
          "computer",
          "internet",
          "emporium",
          "emporium123",
          "letmein123",
          "passwordpassword",
          "qwertyqwerty",
          "asdfghjkl",
          "asdfasdfasdf",
          "zxcvbnm",
          "zxcvbnm123",
          "11111111111",
          "aaaaaaaaaa",
          "123123123",
          "987654321");
  private static final String[] SEQUENCES = {
    "0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm"
  };

  private PasswordPolicy() {}

  /** Why the password is refused, or empty when it is acceptable. */
  public static Optional<String> check(String password, String email, String fullName) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
      return Optional.of("must be at least " + MIN_LENGTH + " characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return Optional.of("must be at most " + MAX_BYTES + " bytes");
    }
    String lower = password.toLowerCase(Locale.ROOT);
    if (COMMON.contains(lower) || COMMON.contains(lower.replaceAll("[0-9!@#$%^&*.]+$", ""))) {
      return Optional.of("is too common");
    }
    if (lower.chars().distinct().count() < 5) {
      return Optional.of("must use at least 5 different characters");
    }
    if (isSequence(lower)) {
      return Optional.of("must not be a keyboard or alphabet sequence");
    }
    if (email != null) {
      String local = email.toLowerCase(Locale.ROOT).split("@", 2)[0];
      if (local.length() >= 4 && lower.contains(local)) {
        return Optional.of("must not contain your email address");
      }
    }
    if (fullName != null) {
      for (String part : fullName.toLowerCase(Locale.ROOT).split("\\s+")) {
        if (part.length() >= 4 && lower.contains(part)) {
          return Optional.of("must not contain your name");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isSequence(String lower) {
    String stripped = lower.replaceAll("[^a-z0-9]", "");
    if (stripped.length() < MIN_LENGTH - 2) {
      return false;
    }
    for (String seq : SEQUENCES) {
      String reversed = new StringBuilder(seq).reverse().toString();
      if (seq.contains(stripped) || reversed.contains(stripped)) {
        return true;
      }
    }
    return false;
  }
}
