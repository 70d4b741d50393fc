package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the suite's blocked-event-loop guard sees a blocked loop; otherwise its silence would mean
 * nothing.
 */
@ExtendWith(TestPlatform.class)
class BlockedEventLoopDetectionTest {
  private static final String OWN_LIMIT = "time limit is 123 ms";

  @Test
  void aBlockedEventLoopIsReported() throws Exception {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMaxEventLoopExecuteTime(123)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(20)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    try {
      vertx.runOnContext(
          v -> {
            long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
            while (System.nanoTime() < until) {
              Thread.onSpinWait();
            }
          });
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (TestPlatform.BLOCKED.stream().noneMatch(m -> m.contains(OWN_LIMIT))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(TestPlatform.BLOCKED).anyMatch(m -> m.contains(OWN_LIMIT));
    } finally {
      vertx.close().await();
      // what this test caused on purpose must not fail the platform's guard
      TestPlatform.BLOCKED.removeIf(m -> m.contains(OWN_LIMIT));
    }
  }
}
