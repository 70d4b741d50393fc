package io.emporium.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.GetProductRequest;
import io.emporium.proto.catalog.v1.Product;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real gRPC server and client on loopback: metadata in, problems and deadlines out. */
@ExtendWith(VertxExtension.class)
class GrpcCallsTest {
  private static final CallerSignature SIGNATURE =
      new CallerSignature("platform-secret-0123456789-abcdefghijkl");
  private final AtomicReference<CallContext> seen = new AtomicReference<>();
  private HttpServer server;
  private GrpcClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmporiumConfig config =
        EmporiumConfig.from(
            Map.of(
                "DB_HOST",
                "db",
                "DB_USER",
                "shop",
                "JWT_SECRET",
                "x".repeat(32),
                "REDIS_URL",
                "redis://cache:6379",
                "KAFKA_BOOTSTRAP_SERVERS",
                "kafka:9092",
                "SMTP_HOST",
                "mail"));
    server =
        GrpcServers.serve(
                vertx,
                config,
                port,
                CatalogGrpcService.SERVICE_NAME,
                () -> Future.succeededFuture(true),
                SIGNATURE,
                endpoints ->
                    endpoints.unary(
                        CatalogGrpcService.GetProduct,
                        (caller, request) -> {
                          seen.set(caller);
                          return switch (request.getProductId()) {
                            case "ok" ->
                                Future.succeededFuture(
                                    Product.newBuilder().setId("ok").setName("Mug").build());
                            case "invalid" ->
                                Future.failedFuture(
                                    ApiProblem.invalid(
                                        List.of(
                                            new ApiProblem.FieldError(
                                                "price", "must not be negative"),
                                            new ApiProblem.FieldError("name", "ünïcode é"))));
                            case "slow" -> Promise.<Product>promise().future();
                            case "echo" ->
                                Future.failedFuture(
                                    ApiProblem.invalid(
                                        java.util.stream.IntStream.range(0, 100)
                                            .mapToObj(
                                                i ->
                                                    new ApiProblem.FieldError(
                                                        "f" + i, "ü".repeat(10_000)))
                                            .toList()));
                            default -> throw new IllegalStateException("boom");
                          };
                        }))
            .await();
    client =
        GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true));
  }

  @AfterEach
  void stop() {
    client.close().await();
    server.close().await();
  }

  private GrpcCalls calls(int peerPort, Duration deadline) {
    return calls(peerPort, deadline, SIGNATURE);
  }

  private GrpcCalls calls(int peerPort, Duration deadline, CallerSignature signature) {
    return new GrpcCalls(
        client,
        SocketAddress.inetSocketAddress(peerPort, "127.0.0.1"),
        "catalog",
        deadline,
        signature);
  }

  private static Throwable failure(Future<?> f) {
    try {
      f.await();
      throw new AssertionError("expected a failure");
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void theRequestIdAndCallerTravelInMetadata() {
    Product p =
        calls(port, Duration.ofSeconds(5))
            .call(
                CatalogGrpcClient.GetProduct,
                GetProductRequest.newBuilder().setProductId("ok").build(),
                new CallContext("req-7", "user-1", "seller"))
            .await();
    assertThat(p.getName()).isEqualTo("Mug");
    assertThat(seen.get()).isEqualTo(new CallContext("req-7", "user-1", "seller"));
  }

  @Test
  void aCallerIdentityNotSignedByTheEdgeIsRefused() {
    CallerSignature forger = new CallerSignature("some-other-secret-0123456789-abcdefghij");
    Throwable t =
        failure(
            calls(port, Duration.ofSeconds(5), forger)
                .call(
                    CatalogGrpcClient.GetProduct,
                    GetProductRequest.newBuilder().setProductId("ok").build(),
                    new CallContext("req-8", "user-1", "admin")));
    assertThat(((ApiProblem) t).status()).isEqualTo(401);
    assertThat(seen.get()).as("the implementation never ran").isNull();
    Product anonymous =
        calls(port, Duration.ofSeconds(5), forger)
            .call(
                CatalogGrpcClient.GetProduct,
                GetProductRequest.newBuilder().setProductId("ok").build(),
                CallContext.anonymous("req-9"))
            .await();
    assertThat(anonymous.getId()).isEqualTo("ok");
  }

  @Test
  void aProblemComesBackWhole() {
    Throwable t =
        failure(
            calls(port, Duration.ofSeconds(5))
                .call(
                    CatalogGrpcClient.GetProduct,
                    GetProductRequest.newBuilder().setProductId("invalid").build(),
                    CallContext.anonymous("r")));
    assertThat(t).isInstanceOf(ApiProblem.class);
    ApiProblem problem = (ApiProblem) t;
    assertThat(problem.status()).isEqualTo(422);
    assertThat(problem.errors())
        .containsExactly(
            new ApiProblem.FieldError("price", "must not be negative"),
            new ApiProblem.FieldError("name", "ünïcode é"));
  }

  @Test
  void textAServiceCannotStoreIsRefusedBeforeTheImplementationRuns() {
    ApiProblem problem =
        (ApiProblem)
            failure(
                calls(port, Duration.ofSeconds(5))
                    .call(
                        CatalogGrpcClient.GetProduct,
                        GetProductRequest.newBuilder().setProductId("ok\u0000").build(),
                        CallContext.anonymous("r")));
    assertThat(problem.status()).isEqualTo(422);
    assertThat(problem.errors())
        .extracting(ApiProblem.FieldError::field)
        .containsExactly("productId");
    assertThat(seen.get()).as("the implementation never ran").isNull();
  }

  @Test
  void aProblemEchoingHugeInputStillArrivesCutToSize() {
    ApiProblem problem =
        (ApiProblem)
            failure(
                calls(port, Duration.ofSeconds(5))
                    .call(
                        CatalogGrpcClient.GetProduct,
                        GetProductRequest.newBuilder().setProductId("echo").build(),
                        CallContext.anonymous("r")));
    assertThat(problem.status()).isEqualTo(422);
    assertThat(problem.errors())
        .isNotEmpty()
        .first()
        .satisfies(e -> assertThat(e.field()).isEqualTo("f0"));
    assertThat(problem.errors().get(0).message().length()).isLessThan(400);
  }

  @Test
  void anUnexpectedServerFailureIs502WithoutItsInternals() {
    ApiProblem problem =
        (ApiProblem)
            failure(
                calls(port, Duration.ofSeconds(5))
                    .call(
                        CatalogGrpcClient.GetProduct,
                        GetProductRequest.newBuilder().setProductId("crash").build(),
                        CallContext.anonymous("r")));
    assertThat(problem.status()).isEqualTo(502);
    assertThat(problem.detail()).doesNotContain("boom");
  }

  @Test
  void aPeerRefusingTheRequestAsInvalidWithoutAProblemIs400(Vertx vertx) throws Exception {
    int barePort;
    try (ServerSocket s = new ServerSocket(0)) {
      barePort = s.getLocalPort();
    }
    GrpcServer bare = GrpcServer.server(vertx);
    bare.callHandler(
        CatalogGrpcService.GetProduct,
        call ->
            call.last()
                .onComplete(ar -> call.response().status(GrpcStatus.INVALID_ARGUMENT).end()));
    HttpServer http =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(barePort))
            .requestHandler(bare)
            .listen()
            .await();
    try {
      ApiProblem problem =
          (ApiProblem)
              failure(
                  calls(barePort, Duration.ofSeconds(5))
                      .call(
                          CatalogGrpcClient.GetProduct,
                          GetProductRequest.newBuilder().setProductId("ok").build(),
                          CallContext.anonymous("r")));
      assertThat(problem.status()).isEqualTo(400);
    } finally {
      http.close().await();
    }
  }

  @Test
  void everyCallHasADeadline() {
    long start = System.nanoTime();
    ApiProblem problem =
        (ApiProblem)
            failure(
                calls(port, Duration.ofMillis(300))
                    .call(
                        CatalogGrpcClient.GetProduct,
                        GetProductRequest.newBuilder().setProductId("slow").build(),
                        CallContext.anonymous("r")));
    assertThat(problem.status()).isEqualTo(504);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anUnreachablePeerIs503() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ApiProblem problem =
        (ApiProblem)
            failure(
                calls(closed, Duration.ofSeconds(2))
                    .call(
                        CatalogGrpcClient.GetProduct,
                        GetProductRequest.newBuilder().setProductId("ok").build(),
                        CallContext.anonymous("r")));
    assertThat(problem.status()).isEqualTo(503);
  }
}
