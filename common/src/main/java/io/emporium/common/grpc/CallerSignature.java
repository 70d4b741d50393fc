package io.emporium.common.grpc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proves that a caller identity in gRPC metadata was put there by the edge: an HMAC over the
 * request id, user, role and client address, keyed from the platform secret every process shares.
 */
public final class CallerSignature {
  private final SecretKeySpec key;

  public CallerSignature(String platformSecret) {
    this.key =
        new SecretKeySpec(
            hmac(
                new SecretKeySpec(platformSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                "emporium grpc caller v1"),
            "HmacSHA256");
  }

  String sign(CallContext caller) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, text(caller)));
  }

  boolean verify(CallContext caller, String signature) {
    return signature != null
        && MessageDigest.isEqual(
            sign(caller).getBytes(StandardCharsets.US_ASCII),
            signature.getBytes(StandardCharsets.US_ASCII));
  }

  private static String text(CallContext c) {
    return c.requestId() + "\n" + c.userId() + "\n" + c.role() + "\n" + c.clientAddress();
  }

  private static byte[] hmac(SecretKeySpec key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
