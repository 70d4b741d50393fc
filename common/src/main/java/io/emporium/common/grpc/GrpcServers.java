package io.emporium.common.grpc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Serves one service's gRPC contract plus the standard {@code grpc.health.v1} service on its own port. */
public final class GrpcServers {
  /** HTTP/2 flow-control window; the 64 KiB default throttles larger messages badly. */
  private static final int WINDOW = 1024 * 1024;

  private GrpcServers() {}

  public static Future<HttpServer> serve(Vertx vertx, String host, int port, ServiceName service, Supplier<Future<Boolean>> healthy,
                                         CallerSignature signature, Consumer<GrpcEndpoints> bindRpcs) {
    GrpcServer grpc = GrpcServer.server(vertx);
    bindRpcs.accept(new GrpcEndpoints(grpc, signature));
    grpc.addService(HealthService.create(vertx).register(service, healthy));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setHttp2ConnectionWindowSize(WINDOW)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(WINDOW));
    return vertx.createHttpServer(options).requestHandler(grpc).listen();
  }
}
