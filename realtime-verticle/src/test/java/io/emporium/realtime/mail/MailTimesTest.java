package io.emporium.realtime.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class MailTimesTest {
  @Test
  void anInstantReadsAsDayMonthYearAndTimeInUtcSayingSo() {
    assertThat(MailTimes.format("2026-12-02T14:05:31.123456Z"))
        .isEqualTo("2 December 2026, 14:05 UTC");
  }

  @Test
  void anOffsetIsTurnedIntoUtc() {
    assertThat(MailTimes.format("2026-12-02T23:30:00-02:00"))
        .isEqualTo("3 December 2026, 01:30 UTC");
  }

  @Test
  void anotherLocaleWritesTheDateItsOwnWay() {
    assertThat(MailTimes.format("2026-12-02T14:05:00Z", Locale.GERMANY))
        .isEqualTo("2. Dezember 2026, 14:05 UTC");
    assertThat(MailTimes.format("2026-12-02T14:05:00Z", Locale.US))
        .isEqualTo("December 2, 2026, 14:05 UTC");
  }

  @Test
  void textThatIsNoTimeIsShownAsItCame() {
    assertThat(MailTimes.format("soon")).isEqualTo("soon");
    assertThat(MailTimes.format("")).isEmpty();
  }
}
