package io.emporium.payment.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.payment.domain.PaymentFact;
import io.emporium.proto.events.v1.PaymentEvent;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PaymentEventsTest {
  private static final UUID ORDER = UUID.randomUUID();

  @Test
  void eachFactBecomesItsKindOfPaymentEvent() {
    PaymentEvent succeeded =
        PaymentEvents.of(
                new PaymentFact(
                    PaymentFact.Kind.SUCCEEDED,
                    ORDER,
                    500,
                    "eur",
                    "cs_1",
                    "pi_1",
                    null,
                    null,
                    "evt_1"))
            .build();
    assertThat(succeeded.getKindCase()).isEqualTo(PaymentEvent.KindCase.SUCCEEDED);
    assertThat(succeeded.getSucceeded().getSessionId()).isEqualTo("cs_1");
    assertThat(succeeded.getSucceeded().getAmount()).isEqualTo(500);
    PaymentEvent failed =
        PaymentEvents.of(
                new PaymentFact(
                    PaymentFact.Kind.FAILED,
                    ORDER,
                    500,
                    "eur",
                    null,
                    "pi_1",
                    null,
                    "Declined.",
                    "evt_2"))
            .build();
    assertThat(failed.getFailed().getReason()).isEqualTo("Declined.");
    assertThat(failed.getFailed().getSessionId()).isEmpty();
    PaymentEvent refunded =
        PaymentEvents.of(
                new PaymentFact(
                    PaymentFact.Kind.REFUNDED, ORDER, 200, "eur", null, "pi_1", "re_1", null, null))
            .build();
    assertThat(refunded.getRefunded().getRefundId()).isEqualTo("re_1");
    assertThat(
            PaymentEvents.of(
                    new PaymentFact(
                        PaymentFact.Kind.EXPIRED,
                        ORDER,
                        500,
                        "eur",
                        "cs_1",
                        null,
                        null,
                        null,
                        null))
                .build()
                .getExpired()
                .getSessionId())
        .isEqualTo("cs_1");
  }
}
