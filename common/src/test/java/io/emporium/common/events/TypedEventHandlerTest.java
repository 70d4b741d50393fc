package io.emporium.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.PaymentFailed;
import io.emporium.proto.events.v1.PaymentSucceeded;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TypedEventHandlerTest {
  private static final UUID EVENT = UUID.randomUUID();
  private static final Buffer FAILED =
      Buffer.buffer(
          PaymentEvent.newBuilder()
              .setOrderId("o1")
              .setFailed(PaymentFailed.newBuilder().setReason("card_declined"))
              .build()
              .toByteArray());

  /** A length-delimited field that promises five bytes and has none. */
  private static final Buffer UNREADABLE = Buffer.buffer(new byte[] {0x0A, 0x05});

  private final List<String> seen = new ArrayList<>();
  private int reads;

  private final EventConsumer.Handler handler =
      EventConsumer.of(
          bytes -> {
            reads++;
            return PaymentEvent.parseFrom(bytes);
          },
          new EventConsumer.EventHandler<>() {
            @Override
            public boolean wants(PaymentEvent event) {
              return event.getKindCase() == PaymentEvent.KindCase.FAILED;
            }

            @Override
            public Future<Void> prepare(UUID eventId, PaymentEvent event) {
              seen.add("prepare " + event.getOrderId() + " " + event.getFailed().getReason());
              return Future.succeededFuture();
            }

            @Override
            public Future<Void> apply(SqlConnection tx, UUID eventId, PaymentEvent event) {
              seen.add("apply " + event.getOrderId());
              return Future.succeededFuture();
            }
          });

  @Test
  void theHandlerIsGivenTheEventRead() {
    assertThat(handler.wants("PaymentFailed", FAILED)).isTrue();
    assertThat(handler.prepare(EVENT, "PaymentFailed", "o1", FAILED).succeeded()).isTrue();
    assertThat(handler.apply(null, EVENT, "PaymentFailed", "o1", FAILED).succeeded()).isTrue();
    assertThat(seen).containsExactly("prepare o1 card_declined", "apply o1");
    assertThat(reads).as("the event is read once for its wants, prepare and apply").isEqualTo(1);
  }

  @Test
  void anEventTheHandlerDoesNotWantPassesBy() {
    Buffer succeeded =
        Buffer.buffer(
            PaymentEvent.newBuilder()
                .setOrderId("o2")
                .setSucceeded(PaymentSucceeded.getDefaultInstance())
                .build()
                .toByteArray());
    assertThat(handler.wants("PaymentSucceeded", succeeded)).isFalse();
  }

  @Test
  void anUnreadableEventIsWantedSoItIsRecordedButNeverReachesTheHandler() {
    assertThat(handler.wants("PaymentFailed", UNREADABLE)).isTrue();
    assertThat(handler.prepare(EVENT, "PaymentFailed", "o3", UNREADABLE).succeeded()).isTrue();
    assertThat(handler.apply(null, EVENT, "PaymentFailed", "o3", UNREADABLE).succeeded()).isTrue();
    assertThat(seen).isEmpty();
    assertThat(reads).isEqualTo(1);
  }
}
