package io.emporium.common.grpc;

import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Serves one service's gRPC contract plus the standard {@code grpc.health.v1} service on its own
 * port.
 */
public final class GrpcServers {
  /** HTTP/2 flow-control window; the 64 KiB default throttles larger messages badly. */
  public static final int WINDOW = 1024 * 1024;

  /** vertx-grpc's default limit on one message, on both ends of a call. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = GrpcServerOptions.DEFAULT_MAX_MESSAGE_SIZE;

  /** Room for the rest of a message that carries a payload of bounded size. */
  private static final long MESSAGE_MARGIN = 64 * 1024;

  private GrpcServers() {}

  /**
   * The message limit, for both ends, of calls that carry a payload of up to {@code payloadBytes}.
   */
  public static long maxMessageBytes(long payloadBytes) {
    return Math.max(DEFAULT_MAX_MESSAGE_BYTES, payloadBytes + MESSAGE_MARGIN);
  }

  public static Future<HttpServer> serve(
      Vertx vertx,
      EmporiumConfig config,
      int port,
      ServiceName service,
      Supplier<Future<Boolean>> healthy,
      CallerSignature signature,
      Consumer<GrpcEndpoints> bindRpcs) {
    return serve(
        vertx, config, port, service, healthy, signature, DEFAULT_MAX_MESSAGE_BYTES, bindRpcs);
  }

  /**
   * Serves on {@code GRPC_BIND_HOST}; with {@code GRPC_TLS_*} set, over TLS that requires a client
   * certificate signed by the configured CA, so only other services reach it.
   */
  public static Future<HttpServer> serve(
      Vertx vertx,
      EmporiumConfig config,
      int port,
      ServiceName service,
      Supplier<Future<Boolean>> healthy,
      CallerSignature signature,
      long maxMessageBytes,
      Consumer<GrpcEndpoints> bindRpcs) {
    GrpcServer grpc =
        GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(maxMessageBytes));
    bindRpcs.accept(new GrpcEndpoints(grpc, signature));
    grpc.addService(HealthService.create(vertx).register(service, healthy));
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.grpcBindHost)
            .setPort(port)
            .setHttp2ConnectionWindowSize(WINDOW)
            .setInitialSettings(new Http2Settings().setInitialWindowSize(WINDOW));
    EmporiumConfig.GrpcTls tls = config.grpcTls;
    if (tls != null) {
      options
          .setSsl(true)
          .setUseAlpn(true)
          .setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(
              new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile()));
    }
    return vertx.createHttpServer(options).requestHandler(grpc).listen();
  }

  /** A gRPC client of the other services; over mutual TLS when {@code GRPC_TLS_*} is set. */
  public static GrpcClient client(
      Vertx vertx, EmporiumConfig config, GrpcClientOptions grpcOptions) {
    return client(
        vertx, config, grpcOptions, new HttpClientOptions().setHttp2ClearTextUpgrade(false));
  }

  public static GrpcClient client(
      Vertx vertx, EmporiumConfig config, GrpcClientOptions grpcOptions, HttpClientOptions http) {
    EmporiumConfig.GrpcTls tls = config.grpcTls;
    if (tls != null) {
      http.setSsl(true)
          .setUseAlpn(true)
          .setKeyCertOptions(
              new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile()));
    }
    return GrpcClient.client(vertx, grpcOptions, http);
  }
}
