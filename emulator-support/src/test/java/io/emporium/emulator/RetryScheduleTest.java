package io.emporium.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

  @Test
  void delaysDoubleUpToTheCapAndStopAfterTheLastAttempt() {
    RetrySchedule schedule = new RetrySchedule(Duration.ofMillis(500), Duration.ofSeconds(3), 6);
    assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(schedule.delayAfter(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofSeconds(3));
    assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofSeconds(3));
    assertThat(schedule.delayAfter(6)).isNull();
  }

  @Test
  void theDefaultGivesUpAfterTenAttemptsWithinMinutes() {
    Duration total = Duration.ZERO;
    int attempts = 1;
    for (Duration d = RetrySchedule.DEFAULT.delayAfter(attempts);
        d != null;
        d = RetrySchedule.DEFAULT.delayAfter(attempts)) {
      total = total.plus(d);
      attempts++;
    }
    assertThat(attempts).isEqualTo(10);
    assertThat(total).isBetween(Duration.ofMinutes(3), Duration.ofMinutes(6));
  }

  @Test
  void aScheduleNeedsAPositiveFirstDelayAndAnAttempt() {
    assertThatThrownBy(() -> new RetrySchedule(Duration.ZERO, Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetrySchedule(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetrySchedule(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
