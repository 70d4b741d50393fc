package io.emporium.paypal.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  @Test
  void delaysDoubleUpToTheCapAndStopAfterTheLastAttempt() {
    RetrySchedule schedule = new RetrySchedule(Duration.ofMillis(500), Duration.ofSeconds(3), 5);
    assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(schedule.delayAfter(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofSeconds(3));
    assertThat(schedule.delayAfter(5)).isNull();
    assertThatThrownBy(() -> new RetrySchedule(Duration.ZERO, Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
