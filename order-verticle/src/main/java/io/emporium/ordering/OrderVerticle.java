package io.emporium.ordering;

import io.emporium.common.ServiceVerticle;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.OutboxRelay;
import io.emporium.common.grpc.CallerSignature;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.grpc.GrpcServers;
import io.emporium.ordering.consume.IdentityEventsConsumer;
import io.emporium.ordering.consume.PaymentEventsConsumer;
import io.emporium.ordering.domain.CheckoutRules;
import io.emporium.ordering.grpc.CartRpcs;
import io.emporium.ordering.grpc.DiscountRpcs;
import io.emporium.ordering.grpc.InvoiceRpcs;
import io.emporium.ordering.grpc.OrderRpcs;
import io.emporium.ordering.grpc.ReportRpcs;
import io.emporium.ordering.publish.OrderEvents;
import io.emporium.ordering.saga.CheckoutSaga;
import io.emporium.ordering.saga.CheckoutSweeper;
import io.emporium.ordering.saga.OrderLifecycle;
import io.emporium.ordering.saga.OrderMoves;
import io.emporium.ordering.saga.OrderPayments;
import io.emporium.ordering.store.CartStore;
import io.emporium.ordering.store.DiscountStore;
import io.emporium.ordering.store.IdempotencyKeys;
import io.emporium.ordering.store.OrderMetrics;
import io.emporium.ordering.store.OrderStore;
import io.emporium.ordering.store.SalesStore;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordering service: owns the {@code ordering} schema and serves {@code emporium.ordering.v1}
 * over gRPC. It runs the checkout saga, learns payment outcomes from {@code payment.events},
 * publishes {@code ordering.events} through its outbox, and sweeps checkouts that stopped between
 * steps.
 */
public final class OrderVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(OrderVerticle.class);
  private GrpcClient grpc;
  private GrpcCalls catalog;
  private GrpcCalls payment;
  private OutboxRelay relay;
  private EventConsumer paymentEvents;
  private EventConsumer identityEvents;
  private DiscountStore discounts;
  private CartStore carts;
  private OrderStore orders;
  private OrderMoves moves;
  private OrderPayments payments;
  private IdempotencyKeys keys;
  private CheckoutRules rules;
  private OrderMetrics metrics;
  private long sweeper = -1;
  private long recount = -1;

  public OrderVerticle(EmporiumConfig config, MeterRegistry meters) {
    super(
        config,
        meters,
        "ordering",
        EmporiumConfig.Service.ORDERING,
        OrderingGrpcService.SERVICE_NAME);
  }

  @Override
  protected Future<?> startBackground() {
    EmporiumConfig.Checkout checkout = config.checkout;
    rules =
        CheckoutRules.of(checkout.shippingFlat(), checkout.freeShippingFrom(), checkout.taxRates());
    grpc =
        GrpcServers.client(
            vertx, config, new GrpcClientOptions().setScheduleDeadlineAutomatically(true));
    catalog = peer(EmporiumConfig.Service.CATALOG, "catalog");
    payment = peer(EmporiumConfig.Service.PAYMENT, "payment");
    relay = new OutboxRelay(vertx, pool, config, "ordering").start();
    metrics = new OrderMetrics(meters);
    discounts = new DiscountStore(pool);
    carts = new CartStore(pool);
    orders = new OrderStore(pool, new OrderEvents(), metrics, discounts, carts);
    moves = new OrderMoves(vertx, pool, parked, config);
    payments = new OrderPayments(orders, moves, catalog, payment);
    keys = new IdempotencyKeys(pool, checkout.abandonedAfter());
    PaymentEventsConsumer consumer = new PaymentEventsConsumer(payments);
    paymentEvents =
        new EventConsumer(
            vertx,
            pool,
            "ordering",
            parked,
            meters,
            "ordering-payments",
            config.kafkaBootstrapServers,
            PaymentEventsConsumer.TOPIC,
            config.eventRetry,
            consumer.handler());
    identityEvents =
        new EventConsumer(
            vertx,
            pool,
            "ordering",
            parked,
            meters,
            "ordering-identity",
            config.kafkaBootstrapServers,
            IdentityEventsConsumer.TOPIC,
            config.eventRetry,
            new IdentityEventsConsumer(orders).handler());
    CheckoutSweeper sweep = new CheckoutSweeper(orders, payments, keys, payment, checkout);
    // each sweep also looks for order moves left by a process that stopped, or waiting out a
    // backoff
    sweeper =
        vertx.setPeriodic(
            checkout.sweepInterval().toMillis(),
            id -> {
              moves.wake();
              sweep.sweep().onFailure(e -> LOG.warn("checkout sweep failed: {}", e.toString()));
            });
    recount =
        vertx.setPeriodic(
            1,
            config.metricsRefresh.toMillis(),
            id ->
                orders
                    .countByStatus()
                    .onSuccess(metrics::recount)
                    .onFailure(
                        e ->
                            LOG.warn(
                                "counting orders by status for /metrics failed: {}",
                                e.toString())));
    // moves a stopped process left are resumed once their leases end; those not held run now
    moves.wake();
    return Future.all(paymentEvents.start(), identityEvents.start());
  }

  private GrpcCalls peer(EmporiumConfig.Service service, String name) {
    EmporiumConfig.GrpcPeer peer = config.grpc.get(service);
    return new GrpcCalls(
        grpc,
        SocketAddress.inetSocketAddress(peer.peerPort(), peer.host()),
        name,
        config.grpcDeadline,
        new CallerSignature(config.jwtSecret));
  }

  @Override
  protected void bind(GrpcEndpoints endpoints) {
    new CartRpcs(carts, discounts, catalog).bind(endpoints);
    new DiscountRpcs(discounts).bind(endpoints);
    CheckoutSaga saga =
        new CheckoutSaga(
            carts,
            discounts,
            orders,
            keys,
            payments,
            catalog,
            payment,
            rules,
            config.checkout,
            metrics);
    new OrderRpcs(
            saga,
            new OrderLifecycle(orders, payments, moves, keys, catalog, payment),
            orders,
            payments,
            keys,
            payment)
        .bind(endpoints);
    new InvoiceRpcs(vertx, orders).bind(endpoints);
    new ReportRpcs(new SalesStore(pool)).bind(endpoints);
  }

  @Override
  protected Future<?> stopBackground() {
    vertx.cancelTimer(sweeper);
    if (moves != null) {
      moves.stop();
    }
    vertx.cancelTimer(recount);
    Future<Void> consumer = paymentEvents == null ? Future.succeededFuture() : paymentEvents.stop();
    return consumer
        .eventually(() -> identityEvents == null ? Future.succeededFuture() : identityEvents.stop())
        .eventually(() -> relay == null ? Future.succeededFuture() : relay.stop())
        .eventually(() -> grpc == null ? Future.succeededFuture() : grpc.close());
  }
}
