package io.emporium.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Development-only secrets: when the platform runs on its embedded database and a secret is not
 * configured, one is generated once and kept in the data directory so tokens survive restarts.
 */
final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /**
   * Fills in missing {@code JWT_SECRET}, {@code STRIPE_WEBHOOK_SECRET} and {@code
   * PAYPAL_WEBHOOK_ID}; returns the names it filled in.
   */
  static List<String> fillDevelopmentSecrets(Map<String, String> settings, Path dataDir) {
    Path file = dataDir.resolve("dev-secrets.properties");
    Properties stored = new Properties();
    try {
      if (Files.exists(file)) {
        try (var in = Files.newBufferedReader(file)) {
          stored.load(in);
        }
      }
      List<String> filled = new ArrayList<>();
      // both filled, whichever was missing
      boolean jwt =
          fill(
              settings,
              stored,
              "JWT_SECRET",
              () -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(48)),
              filled);
      boolean webhook =
          fill(
              settings,
              stored,
              "STRIPE_WEBHOOK_SECRET",
              () -> "whsec_" + HexFormat.of().formatHex(bytes(24)),
              filled);
      boolean paypalWebhook =
          fill(settings, stored, "PAYPAL_WEBHOOK_ID", () -> webhookId(), filled);
      if (jwt || webhook || paypalWebhook) {
        Files.createDirectories(dataDir);
        if (!Files.exists(file)) {
          try {
            Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
          }
        }
        try (var out = Files.newBufferedWriter(file)) {
          stored.store(out, "Generated for development mode only; never used when DB_HOST is set.");
        }
      }
      return filled;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep development secrets in " + file, e);
    }
  }

  /** Fills one secret; true when it had to be generated (the store must be written). */
  private static boolean fill(
      Map<String, String> settings,
      Properties stored,
      String name,
      Supplier<String> generator,
      List<String> filled) {
    String configured = settings.get(name);
    if (configured != null && !configured.isBlank()) {
      return false;
    }
    String value = stored.getProperty(name);
    boolean generated = value == null;
    if (generated) {
      value = generator.get();
      stored.setProperty(name, value);
    }
    settings.put(name, value);
    filled.add(name);
    return generated;
  }

  /** An id shaped like a PayPal webhook's: 17 upper-case letters and digits. */
  static String webhookId() {
    String alphabet = "ABCDEFGHJKLMNPRSTUVWXY0123456789";
    StringBuilder id = new StringBuilder(17);
    for (int i = 0; i < 17; i++) {
      id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
