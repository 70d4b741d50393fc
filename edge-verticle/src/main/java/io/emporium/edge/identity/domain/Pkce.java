package io.emporium.edge.identity.domain;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Proof Key for Code Exchange (RFC 7636) with the S256 method: one verifier per login attempt. */
public final class Pkce {
  public static final String METHOD = "S256";

  private Pkce() {}

  /** A new code verifier: 256 random bits, 43 URL-safe characters. */
  public static String newVerifier() {
    return Secrets.newToken();
  }

  /** BASE64URL(SHA-256(ASCII(verifier))), unpadded. */
  public static String challenge(String verifier) {
    byte[] digest;
    try {
      digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(verifier.getBytes(StandardCharsets.US_ASCII));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }
}
