package io.emporium.catalog.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a product image may be: a format told by its bytes (never by a name or a claimed type), or a
 * web URL. Pure.
 */
public final class ImageRules {
  public static final int MAX_IMAGES = 20;
  public static final int MAX_URL = 2048;

  /** The most leading bytes any format's signature needs. */
  public static final int SIGNATURE_BYTES = 12;

  public enum Format {
    JPEG("image/jpeg", "jpg"),
    PNG("image/png", "png"),
    WEBP("image/webp", "webp");

    public final String contentType;
    public final String extension;

    Format(String contentType, String extension) {
      this.contentType = contentType;
      this.extension = extension;
    }
  }

  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final byte[] RIFF = "RIFF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WEBP = "WEBP".getBytes(StandardCharsets.US_ASCII);

  private ImageRules() {}

  /**
   * The format whose signature the content starts with; {@code head} may be just the first {@link
   * #SIGNATURE_BYTES}.
   */
  public static Optional<Format> sniff(byte[] head) {
    if (startsWith(head, 0, JPEG)) {
      return Optional.of(Format.JPEG);
    }
    if (startsWith(head, 0, PNG)) {
      return Optional.of(Format.PNG);
    }
    // RIFF, a 4-byte little-endian length, then the form type
    if (startsWith(head, 0, RIFF) && startsWith(head, 8, WEBP)) {
      return Optional.of(Format.WEBP);
    }
    return Optional.empty();
  }

  /**
   * Why a URL cannot be an image's address, or empty when it can: absolute http(s) with a host, at
   * most {@link #MAX_URL}.
   */
  public static Optional<String> urlProblem(String url) {
    if (url == null || url.isEmpty()) {
      return Optional.of("is required");
    }
    if (url.length() > MAX_URL) {
      return Optional.of("must be at most " + MAX_URL + " characters");
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && !uri.getHost().isEmpty()) {
        return Optional.empty();
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    return Optional.of("must be an absolute http or https URL");
  }

  private static boolean startsWith(byte[] bytes, int offset, byte[] signature) {
    return bytes.length >= offset + signature.length
        && Arrays.equals(bytes, offset, offset + signature.length, signature, 0, signature.length);
  }
}
