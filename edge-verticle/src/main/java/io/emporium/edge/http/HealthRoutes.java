package io.emporium.edge.http;

import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (its dependencies answer).
 */
public final class HealthRoutes {
  private static final long CHECK_TIMEOUT_MS = 2_000;
  private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> GRPC_HEALTH =
      ServiceMethod.client(
          ServiceName.create("grpc.health.v1", "Health"),
          "Check",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));

  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final KafkaAdminClient kafka;
  private final Map<String, Peer> peers;

  /** A gRPC peer and the service name its health service reports on. */
  public record Peer(GrpcCalls calls, ServiceName service) {}

  public HealthRoutes(
      Vertx vertx, Pool pool, Redis redis, KafkaAdminClient kafka, Map<String, Peer> peers) {
    this.vertx = vertx;
    this.pool = pool;
    this.redis = redis;
    this.kafka = kafka;
    this.peers = peers;
  }

  public void mount(Router router) {
    router
        .get("/health/live")
        .handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "UP")));
    HealthChecks ready = HealthChecks.create(vertx);
    register(ready, "postgresql", () -> pool.query("SELECT 1").execute().mapEmpty());
    register(ready, "redis", () -> redis.send(Request.cmd(Command.PING)).mapEmpty());
    register(ready, "kafka", () -> kafka.describeCluster().mapEmpty());
    peers.forEach(
        (name, peer) ->
            register(
                ready,
                "grpc-" + name,
                () ->
                    peer.calls()
                        .call(
                            GRPC_HEALTH,
                            HealthCheckRequest.newBuilder()
                                .setService(peer.service().fullyQualifiedName())
                                .build(),
                            CallContext.anonymous("health"))
                        .compose(
                            r ->
                                r.getStatus() == HealthCheckResponse.ServingStatus.SERVING
                                    ? Future.succeededFuture()
                                    : Future.failedFuture(name + " reports " + r.getStatus()))));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  private static void register(HealthChecks checks, String name, Supplier<Future<Void>> probe) {
    // a probe that answers after the check timed out finds its promise completed: that late answer
    // is dropped
    checks.register(
        name,
        CHECK_TIMEOUT_MS,
        (Promise<Status> promise) ->
            probe
                .get()
                .onSuccess(v -> promise.tryComplete(Status.OK()))
                .onFailure(
                    e ->
                        promise.tryComplete(
                            Status.KO(
                                new io.vertx.core.json.JsonObject()
                                    .put("error", String.valueOf(e.getMessage()))))));
  }
}
