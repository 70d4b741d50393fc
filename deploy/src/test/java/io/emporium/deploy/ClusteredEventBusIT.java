package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.Service;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two launchers clustered with Hazelcast share one event bus: what one publishes, consumers in the other get. */
@ExtendWith(TestPlatform.class)
class ClusteredEventBusIT {
  private static Emporium secondEdge;

  @BeforeAll
  static void startASecondEdge() {
    secondEdge = Emporium.launch(new LaunchOptions(EnumSet.of(Service.EDGE), true, null), TestPlatform.extraEdge());
  }

  @AfterAll
  static void stopIt() {
    if (secondEdge != null) {
      secondEdge.close();
    }
  }

  @Test
  void aMessagePublishedInOneProcessReachesAConsumerInTheOther() throws Exception {
    assertThat(delivered(TestPlatform.platform(), secondEdge, "from the platform"))
        .isEqualTo(new JsonObject().put("hello", "from the platform"));
    assertThat(delivered(secondEdge, TestPlatform.platform(), "from the second edge"))
        .isEqualTo(new JsonObject().put("hello", "from the second edge"));
  }

  /** Registers a consumer in {@code to}, waits until the cluster knows it, publishes from {@code from}. */
  private static JsonObject delivered(Emporium from, Emporium to, String greeting) throws Exception {
    String address = "cluster.test." + System.nanoTime();
    Promise<JsonObject> received = Promise.promise();
    MessageConsumer<JsonObject> consumer = to.vertx().eventBus().consumer(address, m -> received.tryComplete(m.body()));
    consumer.completion().await(10, TimeUnit.SECONDS);
    try {
      from.vertx().eventBus().publish(address, new JsonObject().put("hello", greeting));
      return received.future().await(10, TimeUnit.SECONDS);
    } finally {
      consumer.unregister().await(10, TimeUnit.SECONDS);
    }
  }
}
