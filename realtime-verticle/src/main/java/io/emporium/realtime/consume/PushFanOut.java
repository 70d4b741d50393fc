package io.emporium.realtime.consume;

import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.ParkedMessages;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ListFollowersRequest;
import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.EventParked;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.realtime.domain.Pushes;
import io.emporium.realtime.store.PushStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns domain events from Kafka into numbered messages on the event bus. Each runs in the
 * transaction that marks its event processed, and is published only once that commits: an event
 * delivered twice is pushed once.
 */
public final class PushFanOut {
  public static final String ORDERING_TOPIC = "ordering.events";
  public static final String PAYMENT_TOPIC = "payment.events";
  public static final String CATALOG_TOPIC = "catalog.events";
  public static final String OPS_TOPIC = ParkedMessages.OPS_TOPIC;
  private static final int FOLLOWERS_PAGE = 1000;

  /**
   * Follower lists listed ahead of their transactions that this many may wait at once (a poll holds
   * at most 100 events).
   */
  private static final int MAX_WAITING_LISTS = 1000;

  private final EventBus bus;
  private final PushStore store;
  private final GrpcCalls catalog;

  public PushFanOut(EventBus bus, PushStore store, GrpcCalls catalog) {
    this.bus = bus;
    this.store = store;
    this.catalog = catalog;
  }

  /** Order events that push something; the others pass by without a transaction. */
  public EventConsumer.Handler orderEvents() {
    return pushing(OrderEvent::parseFrom, Pushes::ofOrderEvent);
  }

  /** Payment events that push something (failures and mismatches). */
  public EventConsumer.Handler paymentEvents() {
    return pushing(PaymentEvent::parseFrom, Pushes::ofPaymentEvent);
  }

  /** A service parked a message: admins hear of it. */
  public EventConsumer.Handler opsEvents() {
    return pushing(EventParked::parseFrom, Pushes::ofEventParked);
  }

  /** Pushes what {@code pushes} makes of each event, and wants only the events it makes some of. */
  private <E> EventConsumer.Handler pushing(
      EventConsumer.Parser<E> parser, Function<E, List<Pushes.Push>> pushes) {
    return EventConsumer.of(
        parser,
        new EventConsumer.EventHandler<E>() {
          @Override
          public boolean wants(E event) {
            return !pushes.apply(event).isEmpty();
          }

          @Override
          public Future<Void> apply(SqlConnection tx, UUID eventId, E event) {
            return push(tx, eventId, pushes.apply(event));
          }
        });
  }

  /**
   * The catalog's stock alerts go to the seller's followers, listed by the catalog before the
   * event's transaction (never while it is open); the lists wait here for the transaction that
   * pushes them.
   */
  public EventConsumer.Handler catalogEvents() {
    Map<UUID, List<String>> listed =
        Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<UUID, List<String>> eldest) {
                // one whose transaction never came (the event had been processed already) is
                // dropped in time
                return size() > MAX_WAITING_LISTS;
              }
            });
    return EventConsumer.of(
        CatalogEvent::parseFrom,
        new EventConsumer.EventHandler<CatalogEvent>() {
          /** Only stock alerts push. */
          @Override
          public boolean wants(CatalogEvent event) {
            return Pushes.isStockAlert(event);
          }

          @Override
          public Future<Void> prepare(UUID eventId, CatalogEvent event) {
            return !Pushes.isStockAlert(event)
                ? Future.succeededFuture()
                : followers(Pushes.stockChange(event).getSellerId(), "", new ArrayList<>(), eventId)
                    .map(
                        found -> {
                          listed.put(eventId, found);
                          return null;
                        });
          }

          @Override
          public Future<Void> apply(SqlConnection tx, UUID eventId, CatalogEvent event) {
            if (!Pushes.isStockAlert(event)) {
              return Future.succeededFuture();
            }
            List<String> followers = listed.remove(eventId);
            return followers == null
                ? Future.failedFuture(
                    new IllegalStateException(
                        "the followers of stock alert " + eventId + " were not listed"))
                : push(tx, eventId, Pushes.ofStockAlert(event, followers));
          }
        });
  }

  private Future<List<String>> followers(
      String sellerId, String after, List<String> found, UUID eventId) {
    ListFollowersRequest page =
        ListFollowersRequest.newBuilder()
            .setSellerId(sellerId)
            .setAfter(after)
            .setLimit(FOLLOWERS_PAGE)
            .build();
    return catalog
        .call(
            CatalogGrpcClient.ListFollowers,
            page,
            CallContext.service(eventId.toString(), "realtime"))
        .compose(
            p -> {
              found.addAll(p.getUserIdsList());
              return p.getNext().isEmpty()
                  ? Future.succeededFuture(found)
                  : followers(sellerId, p.getNext(), found, eventId);
            });
  }

  private Future<Void> push(SqlConnection tx, UUID eventId, List<Pushes.Push> pushes) {
    return store
        .append(tx, eventId, pushes)
        .map(
            numbered -> {
              if (!numbered.isEmpty()) {
                tx.transaction()
                    .completion()
                    .onSuccess(
                        committed ->
                            numbered.forEach(
                                p -> bus.publish(p.address(), new JsonObject(p.body()))));
              }
              return null;
            });
  }
}
