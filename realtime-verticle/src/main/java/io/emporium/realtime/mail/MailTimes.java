package io.emporium.realtime.mail;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.Locale;

/**
 * Instants as a reader expects them in a mail: {@code 2 December 2026, 14:05 UTC}, always in UTC
 * and saying so.
 */
final class MailTimes {
  /**
   * Recipients have no language of their own yet: British English, which reads day, month, year.
   */
  static final Locale DEFAULT_LOCALE = Locale.UK;

  private MailTimes() {}

  static String format(String rfc3339) {
    return format(rfc3339, DEFAULT_LOCALE);
  }

  /**
   * The instant in {@code locale}'s long date and 24-hour time, in UTC; text that is not RFC 3339
   * is shown as it came.
   */
  static String format(String rfc3339, Locale locale) {
    OffsetDateTime at;
    try {
      at = OffsetDateTime.parse(rfc3339).withOffsetSameInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return rfc3339;
    }
    return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(at)
        + ", "
        + DateTimeFormatter.ofPattern("HH:mm", locale).format(at)
        + " UTC";
  }
}
