package io.emporium.catalog.files;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for S3 requests signed in the {@code Authorization} header, without a
 * query string: pure computation (a few HMACs over short strings), so it runs on the event loop.
 */
public final class SignatureV4 {
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";

  /** Hex SHA-256 of an empty payload, for requests without a body. */
  public static final String EMPTY_PAYLOAD =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final String accessKeyId;
  private final byte[] secretKey;
  private final String region;
  private final String service;

  public SignatureV4(String accessKeyId, String secretAccessKey, String region, String service) {
    this.accessKeyId = accessKeyId;
    this.secretKey = ("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8);
    this.region = region;
    this.service = service;
  }

  /** The {@code x-amz-date} value of an instant. */
  public static String amzDate(Instant instant) {
    return AMZ_DATE.format(instant);
  }

  /**
   * The {@code Authorization} value for a request whose headers to sign are {@code headers} (they
   * must hold {@code host} and {@code x-amz-date}, and for S3 {@code x-amz-content-sha256}).
   */
  public String authorization(
      String method, String path, Map<String, String> headers, String payloadSha256) {
    TreeMap<String, String> canonical = new TreeMap<>();
    headers.forEach(
        (name, value) ->
            canonical.put(name.toLowerCase(Locale.ROOT), value.strip().replaceAll(" +", " ")));
    String amzDate = canonical.get("x-amz-date");
    if (amzDate == null || !canonical.containsKey("host")) {
      throw new IllegalArgumentException("a signed request needs host and x-amz-date headers");
    }
    String signedHeaders = String.join(";", canonical.keySet());
    String request =
        method
            + "\n"
            + encodePath(path)
            + "\n"
            + "\n"
            + canonical.entrySet().stream()
                .map(h -> h.getKey() + ":" + h.getValue() + "\n")
                .collect(Collectors.joining())
            + "\n"
            + signedHeaders
            + "\n"
            + payloadSha256;
    String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
    String stringToSign =
        ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + sha256Hex(request.getBytes(StandardCharsets.UTF_8));
    byte[] key = hmac(secretKey, amzDate.substring(0, 8));
    for (String part : new String[] {region, service, "aws4_request"}) {
      key = hmac(key, part);
    }
    String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
    return ALGORITHM
        + " Credential="
        + accessKeyId
        + "/"
        + scope
        + ",SignedHeaders="
        + signedHeaders
        + ",Signature="
        + signature;
  }

  /**
   * URI-encodes each segment of an absolute path as SigV4 wants it: unreserved characters stay,
   * {@code /} stays.
   */
  public static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~'
          || c == '/') {
        out.append(c);
      } else {
        out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    return out.toString();
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
