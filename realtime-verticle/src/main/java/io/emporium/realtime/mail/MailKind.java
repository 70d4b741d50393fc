package io.emporium.realtime.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * What a mail is about; with the event and the recipient it names a mail that is sent at most once.
 */
public enum MailKind {
  EMAIL_VERIFICATION,
  PASSWORD_RESET,
  ORDER_CONFIRMATION,
  GUEST_ORDER_LINK,
  PAYMENT_RECEIPT,
  ORDER_SHIPPED,
  ORDER_REFUNDED,
  STOCK_LOW,
  PAYMENT_FAILED;

  /** The name stored in {@code sent_mails}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The same Message-ID every time this mail is attempted, so a mail server or reader can spot a
   * copy.
   */
  public String messageId(UUID eventId, String recipient) {
    return "<"
        + eventId
        + "."
        + code()
        + "."
        + digest(recipient.strip().toLowerCase(Locale.ROOT))
        + "@emporium>";
  }

  private static String digest(String recipient) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(recipient.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
